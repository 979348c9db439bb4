"""Subtitle cues (WebVTT, SRT) to stored text and turns.

A subtitle file is not itself readable text: its cue numbers and timings are noise to a coder. The stored text
is therefore the cue texts, one line per turn, ``Speaker: text`` where the speaker is known; consecutive cues
of the same speaker are merged into one turn (their texts joined by a space) and keep the first cue's start
and the last cue's end as media times. Cues without a speaker stay one line each. Turn spans cover the whole
line, so ``text[turn.start:turn.end]`` is exactly ``"Speaker: text"``.

Speakers come from WebVTT voice spans (``<v Name>text</v>``, as Teams writes them) or, failing that, from a
``Name: text`` prefix (as Zoom writes them). A prefix counts only in a file where most cues have one: in
closed captions without speakers, a line such as ``Well: that was it`` is speech, not a speaker.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from duocode.ingest.text import plausible_name
from duocode.store import Turn

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not \s: a no-break space in "90\xa0min" is kept
_PREFIX = re.compile(r"(?P<name>[^\s:][^:\n]{0,59}?)[ \t]*:[ \t]+(?P<rest>\S.*)", re.DOTALL)
# A file is treated as speaker-labelled when at least this share of its cues carries a `Name:` prefix.
_PREFIX_SHARE = 0.3


@dataclass
class Segment:
    """Text said by one speaker (or by nobody known) within one cue."""

    speaker: str | None
    text: str
    start: float | None
    end: float | None


def clean_cue_text(text: str) -> str:
    """Drop cue tags (``<i>``, ``<c.x>``, timestamps), resolve entities (``&amp;``), collapse whitespace."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def cue_segments(lines: list[str], start: float | None, end: float | None) -> list[Segment]:
    """Split one cue's raw payload lines into segments at WebVTT voice spans."""
    pieces: list[tuple[str | None, str]] = []
    speaker: str | None = None
    for line in lines:
        parts = _VOICE.split(line)
        # parts = [text before first voice, name1, text1, name2, text2, ...]
        if parts[0].strip():
            pieces.append((speaker, parts[0]))
        for i in range(1, len(parts), 2):
            speaker = parts[i].strip() or None
            pieces.append((speaker, parts[i + 1]))
    segments: list[Segment] = []
    for who, raw in pieces:
        text = clean_cue_text(raw)
        if not text:
            continue
        if segments and segments[-1].speaker == who:
            segments[-1].text += " " + text
        else:
            segments.append(Segment(who, text, start, end))
    return segments


def apply_name_prefixes(cues: list[list[Segment]]) -> None:
    """Give speaker-less segments the speaker of a Zoom-style ``Name: text`` prefix, where the file has them."""
    candidates = []
    for segments in cues:
        for seg in segments:
            if seg.speaker is None:
                m = _PREFIX.fullmatch(seg.text)
                if m and plausible_name(m["name"].strip()):
                    candidates.append((seg, m["name"].strip(), m["rest"]))
    if not cues or len(candidates) < _PREFIX_SHARE * len(cues):
        return
    for seg, name, rest in candidates:
        seg.speaker, seg.text = name, rest


def assemble(cues: list[list[Segment]]) -> tuple[str, list[Turn]]:
    """Stored text and turns from the segments of every cue, in file order."""
    merged: list[Segment] = []
    for segments in cues:
        for seg in segments:
            last = merged[-1] if merged else None
            if last is not None and seg.speaker is not None and last.speaker == seg.speaker:
                last.text += " " + seg.text
                if seg.end is not None and (last.end is None or seg.end > last.end):
                    last.end = seg.end
            else:
                merged.append(Segment(seg.speaker, seg.text, seg.start, seg.end))
    lines: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for seg in merged:
        line = f"{seg.speaker}: {seg.text}" if seg.speaker is not None else seg.text
        turns.append(Turn(seg.speaker, pos, pos + len(line), seg.start, seg.end))
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), turns
