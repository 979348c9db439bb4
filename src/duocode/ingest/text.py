"""Plain-text and Markdown transcripts: the stored text is the decoded file; speaker turns are found in it.

A turn starts at a line holding a speaker label and runs to the next label (blank lines and unlabelled
paragraphs in between belong to it); its span covers the label and the text, without trailing whitespace.
Recognised labels:

- ``Name: text`` at a line start, including Rev-style names padded with spaces (``admin-1:     Sure.``) and
  hard-wrapped turn text on the following lines;
- Otter-style headers ``Name  0:00`` (two or more spaces, then ``M:SS`` or ``H:MM:SS``) on a line of their own,
  the text following on the next lines; the time becomes the turn's ``media_start``;
- Zoom chat lines ``00:05:16<TAB>Name:<TAB>message``;
- in Markdown also ``**Name:**`` and ``**Name**:``.

Hard-wrapped text can put a word and a colon at a line start by accident (``one thing:``), so a ``Name:`` label
in the middle of a paragraph only counts when the same name labels some other line too, and a name used once
must open a paragraph (after a blank or a labelled line) and look like a name (at most three words, capitalised
or with a digit). Text before the first label, and documents without labels, become turns without speaker, one
per paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from duocode.decode import read_text
from duocode.store import Document, Turn

_COLON = re.compile(r"(?P<name>[^\s:*#>|\-][^:\n]{0,59}?)[ \t]*:(?=[ \t]|$)")
_MD_BOLD = re.compile(r"\*\*(?P<name>[^*\n]{1,60}?)(?::\*\*|\*\*[ \t]*:)(?=[ \t]|$)")
_OTTER = re.compile(r"(?P<name>\S(?:[^\n]{0,58}?\S)?) {2,}(?P<time>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*$")
_CHAT = re.compile(r"(?P<time>\d{1,2}:\d{2}:\d{2})\t(?P<name>[^\t\n]{1,60}?):\t")
_BAD_NAME_CHARS = frozenset('?!;,:"“”<>{}=|\\/*#')
# Both start at a non-space character, so a long run of blanks is never rescanned from every position.
_PARAGRAPH = re.compile(r"\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_LINE = re.compile(r"\S[^\n]*")


@dataclass(frozen=True)
class _Label:
    start: int            # offset of the line start
    speaker: str
    media_start: float | None
    strong: bool          # a pattern specific enough to need no further evidence
    para_start: bool


def plausible_name(name: str) -> bool:
    """Whether ``name`` (the part before a colon) can be a speaker name rather than words of a sentence."""
    if not name or len(name) > 60 or name != name.strip():
        return False
    if any(c in _BAD_NAME_CHARS for c in name):
        return False
    if len(name.split()) > 6 or not any(c.isalpha() for c in name):
        return False
    return True


def _single_use_ok(name: str) -> bool:
    return len(name.split()) <= 3 and (name[0].isupper() or any(c.isdigit() for c in name))


def clock_seconds(value: str) -> float:
    """``M:SS``, ``H:MM:SS`` or ``HH:MM:SS`` to seconds."""
    seconds = 0.0
    for part in value.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def find_turns(text: str, *, markdown: bool = False, lines_are_paragraphs: bool = False) -> list[Turn]:
    """Speaker turns of a transcript, as 0-based code-point spans of ``text`` (end-exclusive).

    Parameters
    ----------
    text : str
        The stored text (LF line endings).
    markdown : bool
        Also accept ``**Name:**`` labels.
    lines_are_paragraphs : bool
        Every line is a paragraph (Word documents): a label may open any line, and unlabelled text is split
        into one turn per line instead of per blank-line-separated paragraph.

    Returns
    -------
    list of Turn
        In text order, not overlapping; ``text[t.start:t.end]`` is the label line(s) and the turn's text.
    """
    candidates: list[_Label] = []
    counts: dict[str, int] = {}
    pos = 0
    # A line opens a paragraph after a blank line, and also right after another labelled line (one turn per
    # line, no blank lines between).
    opens_paragraph = True
    for line in text.split("\n"):
        blank = not line.strip()
        label = None
        if not blank and (":" in line):
            label = _match_label(line, pos, markdown, opens_paragraph or lines_are_paragraphs)
            if label is not None:
                candidates.append(label)
                if not label.strong:
                    counts[label.speaker] = counts.get(label.speaker, 0) + 1
        opens_paragraph = blank or label is not None
        pos += len(line) + 1

    labels = [c for c in candidates if c.strong or counts[c.speaker] >= 2
              or (c.para_start and _single_use_ok(c.speaker))]
    splitter = _LINE if lines_are_paragraphs else _PARAGRAPH
    if not labels:
        return _unlabelled(text, 0, len(text), splitter)
    turns = _unlabelled(text, 0, labels[0].start, splitter)
    for i, label in enumerate(labels):
        end = labels[i + 1].start if i + 1 < len(labels) else len(text)
        segment = text[label.start:end]
        turns.append(Turn(label.speaker, label.start, label.start + len(segment.rstrip()), label.media_start, None))
    return turns


def _match_label(line: str, pos: int, markdown: bool, para_start: bool) -> _Label | None:
    m = _CHAT.match(line)
    if m and plausible_name(m["name"].strip()):
        return _Label(pos, m["name"].strip(), clock_seconds(m["time"]), True, para_start)
    if markdown:
        m = _MD_BOLD.match(line)
        if m and plausible_name(m["name"].strip()):
            return _Label(pos, m["name"].strip(), None, True, para_start)
    m = _OTTER.match(line)
    if m and plausible_name(m["name"]):
        return _Label(pos, m["name"], clock_seconds(m["time"]), True, para_start)
    m = _COLON.match(line)
    if m and plausible_name(m["name"].strip()):
        return _Label(pos, m["name"].strip(), None, False, para_start)
    return None


def _unlabelled(text: str, start: int, end: int, splitter: re.Pattern) -> list[Turn]:
    """One speaker-less turn per paragraph (or line) of ``text[start:end]``, trimmed of surrounding space."""
    return [Turn(None, m.start(), m.start() + len(m.group().rstrip())) for m in splitter.finditer(text, start, end)]


def parse_text_file(path: Path, doc_id: str) -> Document:
    """A ``.txt`` or ``.md`` transcript as a :class:`Document` (text exactly as decoded)."""
    decoded = read_text(path)
    fmt = path.suffix.lower().lstrip(".") or "txt"
    turns = find_turns(decoded.text, markdown=fmt == "md")
    return Document(id=doc_id, text=decoded.text, format=fmt, source_path=str(path), encoding=decoded.encoding,
                    turns=turns)
