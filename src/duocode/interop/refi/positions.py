"""Selection offsets: what real tools count, and how to turn it into duocode's code points.

REFI-QDA 1.5 §10.2 counts Unicode code points of the plain-text file from 0; in practice the end is exclusive
(the spec's own Annex A.2, QualCoder and qc all use ``text[start:end]``). Tools differ in what they count
(NOTES.md §4): NVivo 12 for Windows counts UTF-16 code units (an emoji is 2) over a file with CRLF line breaks
(each 2) after a byte-order mark it does not count; ATLAS.ti writes CRLF but counts each line break as one. duocode
stores the text with LF line breaks, so every offset is converted to code points of that stored text.

Four conventions are possible for a file (fewer when it has no CRLF or no character above U+FFFF, where some
coincide). Which one a file uses is read from the selections themselves: tools put the selected text (or its
beginning) in the selection's ``name``, so the convention under which the most names match the text wins; ties
go to the tool's known habit, else to the standard's code points.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from duocode.decode import normalize_newlines

CP = "code points"
CP_LF = "code points, each line break counted once"
U16 = "UTF-16 code units"
U16_LF = "UTF-16 code units, each line break counted once"

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offsets of the characters above U+FFFF in ``text`` (each takes two code units)."""
    return [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text))]


@dataclass
class TextIndex:
    """One source's text as written (``raw``, BOM removed) and as stored (``stored``, LF line breaks)."""

    raw: str

    def __post_init__(self) -> None:
        self.stored = normalize_newlines(self.raw)
        self._crlf = [m.start() for m in re.finditer("\r\n", self.raw)]
        self._astral_raw = _utf16_offsets(self.raw)
        self._astral_stored = _utf16_offsets(self.stored) if self._crlf else self._astral_raw

    @property
    def has_crlf(self) -> bool:
        return bool(self._crlf)

    @property
    def has_astral(self) -> bool:
        return bool(self._astral_raw)

    def conventions(self) -> list[str]:
        """The conventions that give different results on this text, the standard's first."""
        out = [CP]
        if self._crlf:
            out.append(CP_LF)
        if self._astral_raw:
            out.append(U16)
            if self._crlf:
                out.append(U16_LF)
        return out

    def to_stored(self, pos: int, convention: str) -> int:
        """``pos`` counted in ``convention`` as a code-point offset into the stored text.

        A position inside a surrogate pair or between CR and LF lands on that character.
        """
        if convention in (U16, U16_LF):
            offsets = self._astral_raw if convention == U16 else self._astral_stored
            pos -= bisect_right(offsets, pos - 2)       # each astral character wholly before pos counted 2
        if convention in (CP, U16):
            pos -= bisect_left(self._crlf, pos)          # each CR of a CRLF before pos is gone
        return pos


def _squash(text: str) -> str:
    return " ".join(text.split())


def name_match(name: str, segment: str) -> int:
    """How well a selection's ``name`` matches the text it selects: 2 the same text, 1 its beginning (at least
    eight characters, as tools that shorten names write it), 0 neither. Whitespace runs count as one space; a
    trailing ``…`` or ``...`` marks a shortened name."""
    n = _squash(name)
    shortened = n.endswith(("…", "..."))
    n = n.rstrip("….").rstrip() if shortened else n
    if not n:
        return 0
    s = _squash(segment)
    if s == n and not shortened:
        return 2
    if len(n) >= 8 and s.startswith(n):
        return 1
    return 0


def origin_preference(origin: str) -> list[str]:
    """The convention a tool is known to use, first (see the module docstring)."""
    low = origin.lower()
    if "nvivo" in low:
        return [U16, CP]
    if "atlas" in low:
        return [CP_LF, U16_LF, CP]
    return [CP, CP_LF]


def choose_convention(index: TextIndex, spans: list[tuple[int, int, str]], origin: str) -> tuple[str, int, int]:
    """The convention under which the most selection names match, for the ``(start, end, name)`` of one source.

    Returns ``(convention, names matched, names that look like text)``; the second and third count only
    selections that have a name.
    """
    options = index.conventions()
    named = [(s, e, n) for s, e, n in spans if n.strip()]
    scores: dict[str, tuple[int, int]] = {}
    for conv in options:
        total = matched = 0
        for s, e, n in named:
            a, b = index.to_stored(s, conv), index.to_stored(e, conv)
            m = name_match(n, index.stored[a:b]) if 0 <= a < b <= len(index.stored) else 0
            total += m
            matched += m > 0
        scores[conv] = (total, matched)
    preferred = [c for c in origin_preference(origin) if c in options] + options
    best = max(options, key=lambda c: (scores[c][0], -preferred.index(c)))
    return best, scores[best][1], len(named)
