"""PDF transcripts, read from their text layer with pypdf.

A PDF has no paragraphs, only positioned runs of text, so the stored text is rebuilt from the layout:

1. every run's position on the page comes from pypdf's text visitor (text matrix x current transformation
   matrix, PDF 32000-1:2008 section 9.4.4); runs outside the page's visible box are dropped (MAXQDA, for one,
   writes its paragraph numbers for the whole document below every page);
2. runs on one baseline make a line, left to right;
3. line numbers in the left margin are dropped (a strictly increasing column of bare numbers before the text),
   then page furniture in the first and last two lines of each page: bare page numbers (``7``, ``- 7 -``,
   ``3/12``, ``Page 3 of 12``) and lines that repeat, digits aside, on most pages (running headers and
   footers); a page's first line that repeats the previous page's last one, cut off at the top edge, goes too
   (MAXQDA does that);
4. wrapped lines are joined into paragraphs, one paragraph per stored line as for Word documents. A new
   paragraph starts after a vertical gap wider than the usual line pitch, at a change of font size, and at a
   line the plain-text turn finder takes for a speaker label (:func:`duocode.ingest.text.find_turns`, run on
   the unjoined lines). A paragraph continues across a page break unless the next page opens with a label or
   the last line ended a sentence (or, where the margin numbers paragraphs, unless the next line has its own
   number). A line ending in a hyphen after a letter is joined to the next line without a space. The hyphen
   stays (transcripts come from word processors and QDA tools, which do not hyphenate on their own, so a
   line-end hyphen is most often part of the word: ``non-monotonic``) unless the document writes the joined
   word elsewhere without it and never with it, the mark of a typesetter's break (``conse-quence``);
5. speaker turns are found in the result as in a Word document.

pypdf rather than pdfplumber, measured on the seven MAXQDA interview exports in
``../shared/samples/real-interviews``: both find the same words (the same count in every file), pypdf reads all
seven in 7-8 s and pdfplumber in 17-19 s on this 2-core machine, and pypdf brings no dependency of its own
(pdfplumber brings pdfminer.six, Pillow and pypdfium2). pdfplumber's gain, word boxes, is not needed: run origins
and pypdf's own word spacing inside a run suffice. pypdf separates those files' words with tabs; whitespace runs
inside a line (tabs, no-break spaces) become single spaces.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from duocode.errors import InputError
from duocode.files import read_bytes
from duocode.ingest.text import find_turns
from duocode.store import Document

EXPECTED = "a PDF whose text can be selected"

# A page number alone on a line, in the forms word processors and transcription tools write.
_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?"                                  # 7, - 7 -
    r"|\d{1,4}\s*(?:/|of|von|de|di|sur|van)\s*\d{1,4}"                   # 3/12, 3 of 12
    r"|(?:page|pg\.?|p\.|seite|página|pagina|pag\.?|blz\.?)\s*\d{1,4}"   # Page 3, p. 3
    r"(?:\s*(?:/|of|von|de|di|sur|van)\s*\d{1,4})?",                     # Page 3 of 12
    re.IGNORECASE)
_BAND = 2                 # lines at the top and at the bottom of a page where headers, footers and numbers live
_WHITESPACE = re.compile(r"[ \t\f\v\u00a0]+")
_HYPHEN_END = re.compile(r"([^\W\d_]+)-$")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]$")


@dataclass
class _Run:
    """A piece of text as pypdf reports it, with its start on the page (points from the visible box's top left)."""

    text: str
    x: float
    top: float        # baseline, measured down from the top of the visible box
    size: float       # font size on the page
    seq: int          # order in the content stream
    ends_line: bool   # pypdf saw a line break after it


@dataclass
class _Line:
    runs: list[_Run]
    page: int
    text: str = ""
    top: float = 0.0
    size: float = 0.0
    label: bool = False
    numbered: bool = False    # had a margin number (dropped)

    @property
    def x(self) -> float:
        return self.runs[0].x


@dataclass
class PdfLayout:
    """What :func:`pdf_text` removed on the way, for tests and for a curious reader."""

    pages: int = 0
    margin_numbers: int = 0
    page_numbers: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    repeated_lines: int = 0


def pdf_text(data: bytes, path: str, layout: PdfLayout | None = None) -> str:
    """The text of a PDF's text layer, one paragraph per line, without page furniture.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    path : str
        Named in every error.
    layout : PdfLayout, optional
        Filled with what was dropped (page count, margin numbers, page numbers, headers and footers).

    Raises
    ------
    InputError
        Empty, not a PDF, corrupt, password-protected, or without a text layer.
    """
    layout = layout if layout is not None else PdfLayout()
    pages = _read_lines(data, path)
    layout.pages = len(pages)
    layout.margin_numbers = _drop_margin_numbers(pages)
    _drop_furniture(pages, layout)
    layout.repeated_lines = _drop_repeated_lines(pages)
    lines = [line for page in pages for line in page]
    if not lines:
        what = ("only page numbers, headers or footers" if layout.page_numbers or layout.furniture
                else "no text on any page")
        raise InputError(f"the PDF has no text layer, {what}: a scanned document?", path=path,
                         expected=EXPECTED + "; run OCR on a scan first, or supply the transcript as .txt or .docx")
    _mark_labels(lines)
    return "\n".join(_paragraphs(lines))


def parse_pdf_file(path: Path, doc_id: str) -> Document:
    """A ``.pdf`` file as a :class:`Document`."""
    layout = PdfLayout()
    text = pdf_text(read_bytes(path), str(path), layout)
    return Document(id=doc_id, text=text, format="pdf", source_path=str(path), encoding=None,
                    turns=find_turns(text, lines_are_paragraphs=True), pages=layout.pages)


# --- reading ---------------------------------------------------------------------------------------------------

def _read_lines(data: bytes, path: str) -> list[list[_Line]]:
    """Each page's lines, top to bottom (runs joined, whitespace collapsed)."""
    import logging

    import pypdf

    if not data:
        raise InputError("the file is empty", path=path, expected=EXPECTED)
    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF- header in its first kilobyte)", path=path, expected="a PDF file")
    # pypdf reports what it repairs through logging; without a handler of the host's, Python would print each
    # message on stderr, beside our one-line errors. A NullHandler only stops that fallback.
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    page_no = 0
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, path)
        pages = []
        for page_no, page in enumerate(reader.pages, start=1):
            pages.append(_page_lines(page, page_no))
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files (PdfReadError, KeyError, ValueError, ...)
        where = f"page {page_no}" if page_no else None
        raise InputError(f"cannot be read as a PDF ({type(exc).__name__}: {_short(exc)})", path=path,
                         location=where, expected="an undamaged PDF file") from None
    if not pages:
        raise InputError("the PDF has no pages", path=path, expected=EXPECTED)
    return pages


def _decrypt(reader, path: str) -> None:
    """Open a PDF encrypted with an empty user password (an owner password that only restricts printing or
    copying is common); refuse one that needs a password to open."""
    from pypdf import PasswordType

    try:
        result = reader.decrypt("")
    except Exception as exc:  # unsupported algorithm, or no crypto library for AES
        raise InputError(f"the PDF is encrypted and cannot be opened ({type(exc).__name__}: {_short(exc)})",
                         path=path, expected="a PDF without a password") from None
    if result == PasswordType.NOT_DECRYPTED:
        raise InputError("the PDF is password-protected", path=path,
                         expected="a PDF without an open password (save a copy without it first)")


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _page_lines(page, page_no: int) -> list[_Line]:
    box = page.cropbox
    left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
    runs: list[_Run] = []
    seq = 0

    def visit(text, cm, tm, font_dict, font_size):
        nonlocal seq
        if not text:
            return
        seq += 1
        if not text.strip():
            if text.endswith("\n") and runs:
                runs[-1].ends_line = True
            return
        # The run's origin on the page: the text matrix times the current transformation matrix.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if not (left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1):
            return  # outside the visible box: nobody reading the PDF sees it
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        runs.append(_Run(text.rstrip("\n"), x - left, top - y, abs(float(font_size or 0)) * scale or 1.0, seq,
                         text.endswith("\n")))

    page.extract_text(orientations=(0,), visitor_text=visit)
    return _group_lines(runs, page_no)


def _group_lines(runs: list[_Run], page_no: int) -> list[_Line]:
    """Runs whose baselines lie within half a font size of each other form a line."""
    lines: list[_Line] = []
    for run in sorted(runs, key=lambda r: (r.top, r.seq)):
        if lines and run.top - lines[-1].top <= 0.5 * max(run.size, lines[-1].size):
            lines[-1].runs.append(run)
            lines[-1].size = max(lines[-1].size, run.size)
        else:
            lines.append(_Line([run], page_no, top=run.top, size=run.size))
    out = []
    for line in lines:
        line.runs.sort(key=lambda r: (r.x, r.seq))
        line.text = _join_runs(line.runs)
        if line.text:
            out.append(line)
    return out


def _join_runs(runs: list[_Run]) -> str:
    # Runs that follow each other in the content stream already carry pypdf's spacing decision; runs brought
    # together only by their position (a margin number written after the page's text) get a space.
    parts = [runs[0].text]
    for prev, run in zip(runs, runs[1:]):
        if run.seq != prev.seq + 1 or prev.ends_line:
            parts.append(" ")
        parts.append(run.text)
    return _WHITESPACE.sub(" ", "".join(parts).replace("\u00ad", "")).strip()


# --- page furniture ----------------------------------------------------------------------------------------------

def _leading_number(line: _Line) -> int | None:
    first = line.runs[0].text.strip()
    return int(first) if first.isdigit() and len(first) <= 5 else None


def _margin_numbers(lines: list[_Line]) -> list[_Line]:
    """The lines of one page that open with a line (or paragraph) number printed left of the text.

    The number must stand in a run of its own, left of where the page's other lines start, and the numbers must
    increase strictly down the page, so a number that is part of what someone said stays.
    """
    others = [round(line.x) for line in lines if _leading_number(line) is None]
    body_left = max(set(others), key=others.count) if others else math.inf
    numbered = [line for line in lines if _leading_number(line) is not None and line.x < body_left - 0.5 * line.size]
    values = [_leading_number(line) for line in numbered]
    return [] if any(b <= a for a, b in zip(values, values[1:])) else numbered


def _drop_margin_numbers(pages: list[list[_Line]]) -> int:
    """Remove the margin numbers of every page when there are at least three in the document (a last page may
    hold only one or two); return how many went."""
    found = [_margin_numbers(lines) for lines in pages]
    if sum(map(len, found)) < 3:
        return 0
    for lines, numbered in zip(pages, found):
        for line in numbered:
            line.numbered = True
            line.runs = line.runs[1:]
            line.text = _join_runs(line.runs) if line.runs else ""
        lines[:] = [line for line in lines if line.text]
    return sum(map(len, found))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def _drop_furniture(pages: list[list[_Line]], layout: PdfLayout) -> None:
    """Drop page numbers and running headers/footers from the top and bottom bands of every page."""
    n = len(pages)
    counts: dict[tuple[str, str], set[int]] = {}
    for i, lines in enumerate(pages):
        for where, band in (("top", lines[:_BAND]), ("bottom", lines[-_BAND:])):
            for line in band:
                counts.setdefault((where, _furniture_key(line.text)), set()).add(i)
    repeated = {key for key, on in counts.items() if n >= 2 and len(on) >= max(2, math.ceil(n / 2))}
    for i, lines in enumerate(pages):
        drop: set[int] = set()
        for where, idx in (("top", range(min(_BAND, len(lines)))),
                           ("bottom", range(max(0, len(lines) - _BAND), len(lines)))):
            for j in idx:
                text = lines[j].text
                if _PAGE_NUMBER.fullmatch(text):
                    if j not in drop:
                        layout.page_numbers.append(text)
                    drop.add(j)
                elif (where, _furniture_key(text)) in repeated:
                    if j not in drop:
                        layout.furniture.append(text)
                    drop.add(j)
        pages[i] = [line for j, line in enumerate(lines) if j not in drop]


def _drop_repeated_lines(pages: list[list[_Line]]) -> int:
    """Drop a page's first line when it repeats the previous page's last line and sits cut off at the top edge.

    MAXQDA's PDF export prints the last line of a page again at the top of the next one, its glyphs partly above
    the page (seen in all seven interviews in ``../shared/samples/real-interviews``).
    """
    dropped = 0
    for before, after in zip(pages, pages[1:]):
        if before and after and after[0].text == before[-1].text and after[0].top < after[0].size:
            del after[0]
            dropped += 1
    return dropped


# --- paragraphs --------------------------------------------------------------------------------------------------

def _pitch(lines: list[_Line]) -> float:
    """The usual distance between the baselines of two lines of one paragraph: a low percentile of the gaps
    between same-size neighbours (paragraph gaps are the wider ones)."""
    gaps = sorted(b.top - a.top for a, b in zip(lines, lines[1:])
                  if a.page == b.page and b.top > a.top and abs(a.size - b.size) <= 0.2 * a.size)
    if not gaps:
        return math.inf
    return gaps[int(0.15 * (len(gaps) - 1))]


def _breaks(lines: list[_Line], pitch: float) -> list[bool]:
    """Whether each line opens a paragraph, before labels are known (layout only).

    At a page break there is no gap to measure. Where the margin numbers paragraphs (most lines unnumbered, as
    in MAXQDA's export), a first line without a number continues the paragraph; otherwise a paragraph goes on
    unless the last line ended a sentence and the next opens with no lowercase letter.
    """
    n_numbered = sum(line.numbered for line in lines)
    paragraph_numbers = 3 <= n_numbered <= 0.8 * len(lines)
    out = [True]
    for a, b in zip(lines, lines[1:]):
        if a.page != b.page:
            if paragraph_numbers:
                out.append(b.numbered)
            else:
                out.append(bool(_SENTENCE_END.search(a.text)) and not b.text[:1].islower())
        else:
            out.append(b.top - a.top > 1.35 * pitch + 0.5 or abs(a.size - b.size) > 0.2 * a.size)
    return out


def _mark_labels(lines: list[_Line]) -> None:
    """Mark the lines that open a speaker turn, with the plain-text turn finder on the unjoined lines (a blank
    line where the layout shows a paragraph break)."""
    breaks = _breaks(lines, _pitch(lines))
    starts: dict[int, int] = {}
    chunks: list[str] = []
    pos = 0
    for i, (line, brk) in enumerate(zip(lines, breaks)):
        if brk and i:
            chunks.append("\n")
            pos += 1
        starts[pos] = i
        chunks.append(line.text + "\n")
        pos += len(line.text) + 1
    for turn in find_turns("".join(chunks)):
        if turn.speaker is not None and turn.start in starts:
            lines[starts[turn.start]].label = True


def _paragraphs(lines: list[_Line]) -> list[str]:
    breaks = _breaks(lines, _pitch(lines))
    vocabulary = {w for line in lines for w in _WORD.findall(line.text.casefold())}
    paragraphs: list[str] = []
    for line, brk in zip(lines, breaks):
        if not paragraphs or brk or line.label:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = _join_lines(paragraphs[-1], line.text, vocabulary)
    return paragraphs


def _join_lines(head: str, tail: str, vocabulary: set[str]) -> str:
    m = _HYPHEN_END.search(head)
    if m and tail[:1].isalnum():
        if not tail[:1].islower():
            return head + tail             # COVID-19, Mid-Atlantic: a real hyphen before a digit or a capital
        left = m.group(1).casefold()
        right = _WORD.match(tail.casefold())
        right_word = right.group().split("-")[0] if right else ""
        if f"{left}{right_word}" in vocabulary and f"{left}-{right_word}" not in vocabulary:
            return head[:-1] + tail        # the document writes this word unbroken: a typesetter's break
        return head + tail
    return head + " " + tail
