"""WebVTT transcripts (Zoom, Teams, captions), read with webvtt-py.

Timestamps are checked and padded before webvtt-py sees them: Microsoft Teams writes non-padded timings such as
``0:0:0.210 --> 0:0:1.130``, which the WebVTT spec does not allow and strict parsers reject (webvtt-py issue
#44, PRs #43 and #45). The fraction is read as a decimal fraction (``0.21`` = 210 ms). Our own check also gives
every malformed timing its line number, which webvtt-py's errors do not carry.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from duocode.errors import InputError, ProblemCollector
from duocode.ingest.cues import apply_name_prefixes, assemble, cue_segments
from duocode.decode import read_text
from duocode.store import Document

_TS = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^(\s*){_TS}(\s*-->\s*){_TS}(.*)$")
EXPECTED_TIMING = "HH:MM:SS.mmm --> HH:MM:SS.mmm"


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return ((int(h or 0) * 3600 + int(m) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))) / 1000


def _fmt(seconds_ms: int) -> str:
    h, rest = divmod(seconds_ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def normalize_timings(text: str, path: str) -> tuple[str, list[tuple[float, float]]]:
    """Pad every cue timing to ``HH:MM:SS.mmm``; return the new text and each cue's (start, end) in seconds.

    Raises
    ------
    InputError
        Listing every line whose timing is malformed, out of range or ends before it starts.
    """
    problems = ProblemCollector(InputError)
    lines = text.split("\n")
    times: list[tuple[float, float]] = []
    if not lines[0].startswith("WEBVTT"):
        problems.add(f"missing the WEBVTT header (found {lines[0][:40]!r})", path=path, location="line 1",
                     expected="a WebVTT file starting with 'WEBVTT'")
    for i, line in enumerate(lines):
        if "-->" not in line:
            continue
        m = _TIMING.match(line)
        if not m:
            problems.add(f"malformed cue timing {line.strip()[:60]!r}", path=path, location=f"line {i + 1}",
                         expected=EXPECTED_TIMING)
            continue
        g = m.groups()
        if any(int(x) >= 60 for x in (g[2], g[3], g[7], g[8])):
            problems.add(f"minutes or seconds of 60 or more in {line.strip()!r}", path=path,
                         location=f"line {i + 1}",
                         expected=EXPECTED_TIMING)
            continue
        start, end = _seconds(*g[1:5]), _seconds(*g[6:10])
        if end < start:
            problems.add(f"the cue ends ({end:.3f} s) before it starts ({start:.3f} s)", path=path,
                         location=f"line {i + 1}",
                         expected="an end time at or after the start time")
            continue
        times.append((start, end))
        lines[i] = f"{g[0]}{_fmt(round(start * 1000))}{g[5]}{_fmt(round(end * 1000))}{g[10]}"
    problems.raise_if_any()
    return "\n".join(lines), times


def parse_vtt_text(text: str, path: str) -> tuple[str, list]:
    """Stored text and turns of a WebVTT document (see :mod:`duocode.ingest.cues`)."""
    import webvtt

    normalized, times = normalize_timings(text, path)
    try:
        reader = getattr(webvtt, "from_buffer", None)
        if reader is None:  # webvtt-py < 0.5
            captions = webvtt.read_buffer(io.StringIO(normalized)).captions
        else:
            try:
                captions = reader(io.StringIO(normalized), strict=True).captions
            except TypeError:  # no `strict` before webvtt-py 0.6
                captions = reader(io.StringIO(normalized)).captions
    except Exception as exc:  # webvtt-py's MalformedFileError / MalformedCaptionError, or worse
        location, message = _describe(exc, normalized)
        raise InputError(f"not a valid WebVTT file: {message}", path=path, location=location,
                         expected="WebVTT cues: a timing line then the cue text, cues separated by blank "
                                  "lines") from None
    if not captions:
        raise InputError("no cues found", path=path, expected="at least one cue (a timing line then its text)")
    if len(captions) != len(times):
        raise InputError(f"{len(times)} timing lines but {len(captions)} cues could be read", path=path,
                         expected="each timing line followed by its cue text")
    cues = []
    for caption, (start, end) in zip(captions, times):
        lines = list(getattr(caption, "lines", None) or caption.raw_text.split("\n"))
        cues.append(cue_segments(lines, start, end))
    apply_name_prefixes(cues)
    stored, turns = assemble(cues)
    if not stored.strip():
        raise InputError("the cues hold no text", path=path, expected="cues with text")
    return stored, turns


def _describe(exc: Exception, text: str) -> tuple[str | None, str]:
    message = str(exc) or type(exc).__name__
    # webvtt-py names the bad block's lines, not their number: find the first one in the text.
    m = re.search(r"\[['\"](.*?)['\"][,\]]", message)
    if m:
        for i, line in enumerate(text.split("\n")):
            if line == m.group(1):
                return f"line {i + 1}", message
    return None, message


def parse_vtt_file(path: Path, doc_id: str) -> Document:
    """A ``.vtt`` file as a :class:`Document`."""
    decoded = read_text(path)
    text, turns = parse_vtt_text(decoded.text, str(path))
    return Document(id=doc_id, text=text, format="vtt", source_path=str(path), encoding=decoded.encoding,
                    turns=turns)
