"""SubRip (``.srt``) transcripts, read with the ``srt`` package; stored like WebVTT (see :mod:`.cues`)."""
from __future__ import annotations

import re
from pathlib import Path

from duocode.errors import InputError, ProblemCollector
from duocode.ingest.cues import apply_name_prefixes, assemble, cue_segments
from duocode.decode import read_text
from duocode.store import Document

EXPECTED = "SubRip blocks: a number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line, the text, then a blank line"


_TIMING = re.compile(r"\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}(?:\s.*)?$")


def check_blocks(text: str, path: str) -> None:
    """Report, with line numbers, timing lines that do not parse and numbered blocks without a timing line.

    The ``srt`` package is lenient: a broken block after a blank line is silently read as more text of the
    subtitle before it, which would put cue numbers and timings into the stored transcript.
    """
    problems = ProblemCollector(InputError)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "-->" in line and not _TIMING.match(line):
            problems.add(f"malformed timing line {line.strip()[:60]!r}", path=path, location=f"line {i + 1}",
                         expected="HH:MM:SS,mmm --> HH:MM:SS,mmm")
        elif (line.strip().isdigit() and (i == 0 or not lines[i - 1].strip())
              and (i + 1 >= len(lines) or not _TIMING.match(lines[i + 1]))):
            problems.add(f"subtitle number {line.strip()} is not followed by a timing line", path=path,
                         location=f"line {i + 1}", expected="HH:MM:SS,mmm --> HH:MM:SS,mmm on the next line")
    problems.raise_if_any()


def parse_srt_text(text: str, path: str) -> tuple[str, list]:
    """Stored text and turns of an SRT document."""
    import srt as srt_lib

    check_blocks(text, path)
    try:
        subtitles = list(srt_lib.parse(text))
    except srt_lib.SRTParseError as exc:
        line = text.count("\n", 0, exc.actual_start) + 1 if exc.actual_start is not None else None
        found = (exc.unmatched_content or "").strip().split("\n")[0][:60]
        raise InputError(f"not a valid SRT subtitle block: {found!r}", path=path,
                         location=f"line {line}" if line else None, expected=EXPECTED) from None
    except Exception as exc:  # e.g. a timestamp srt cannot convert
        raise InputError(f"not a valid SRT file: {exc}", path=path, expected=EXPECTED) from None
    if not subtitles:
        raise InputError("no subtitles found", path=path, expected=EXPECTED)
    problems = ProblemCollector(InputError)
    cues = []
    for sub in subtitles:
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        if end < start:
            problems.add(f"subtitle {sub.index} ends ({end:.3f} s) before it starts ({start:.3f} s)", path=path,
                         expected="an end time at or after the start time")
        cues.append(cue_segments(sub.content.split("\n"), start, end))
    problems.raise_if_any()
    apply_name_prefixes(cues)
    stored, turns = assemble(cues)
    if not stored.strip():
        raise InputError("the subtitles hold no text", path=path, expected="subtitles with text")
    return stored, turns


def parse_srt_file(path: Path, doc_id: str) -> Document:
    """A ``.srt`` file as a :class:`Document`."""
    decoded = read_text(path)
    text, turns = parse_srt_text(decoded.text, str(path))
    return Document(id=doc_id, text=text, format="srt", source_path=str(path), encoding=decoded.encoding,
                    turns=turns)
