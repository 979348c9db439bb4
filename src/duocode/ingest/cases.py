"""Cases: spans of one document, imported from a CSV by quote or by offsets, and listed.

A cases CSV has the columns ``case_id``, ``document`` and either ``quote`` (the exact text of the case, found
in the document) or ``start`` and ``end`` (0-based code-point offsets into the stored text, end-exclusive). One
file uses one of the two forms; other columns are ignored, so the CSV of ``cases list`` imports as it is.

A quote is matched exactly first. When that fails, it is matched again with every run of whitespace standing for
any run of whitespace, because a quote copied out of a hard-wrapped transcript rarely keeps its line breaks. When
that fails too, both are compared after Unicode NFC normalisation (a quote pasted on a Mac may be decomposed) and
with typographic quote marks, apostrophes and dashes folded to their ASCII forms, again exactly and then with
whitespace tolerance. In every case the stored span is the document's own text, located by offsets into the
stored text, which is never changed.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError
from duocode.files import csv_safe
from duocode.rows import Column, Rows, TableSpec, read_rows

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Case, Project

LIST_COLUMNS = ("case_id", "document", "start", "end", "text", "source")


@dataclass(frozen=True)
class CaseRow:
    """One checked row of a cases CSV: its line, id (None when ids are optional and blank) and span."""

    line: int
    case_id: str | None
    document: str
    start: int
    end: int


# Typographic marks a quote is compared without: curly double quotes, curly single quotes and apostrophes,
# en and em dashes (and their close relatives) stand for their ASCII forms.
_FOLD = str.maketrans({**dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
                       **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
                       **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")})


def _find_all(text: str, quote: str, limit: int) -> list[tuple[int, int]]:
    """Spans where ``quote`` occurs in ``text`` (overlapping ones too), exactly, else with any whitespace run
    standing for any whitespace run; at most ``limit``."""
    spans = []
    i = text.find(quote)
    while i >= 0 and len(spans) < limit:
        spans.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if spans:
        return spans
    parts = quote.split()
    if len(parts) < 2:
        return spans
    pattern = re.compile(r"\s+".join(re.escape(p) for p in parts))
    pos = 0
    while len(spans) < limit:
        m = pattern.search(text, pos)
        if m is None:
            break
        spans.append((m.start(), m.end()))
        pos = m.start() + 1
    return spans


def _clusters(text: str):
    """``(start, end)`` of each character with the combining marks that follow it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            yield start, i
            start = i


def _normalised(text: str) -> tuple[str, list[int], list[int], set[int]]:
    """``text`` in NFC with quotes and dashes folded, and the way back to offsets in ``text``.

    Each character with its combining marks is normalised on its own, so every character of the result comes
    from one such cluster of the original. Returns the folded text, for each of its characters the start and
    end offset (in ``text``) of the cluster it came from, and the folded offsets where a cluster begins or ends
    (a match is only mapped back when it neither starts nor ends inside a cluster).
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    bounds = {0}
    for s, e in _clusters(text):
        piece = unicodedata.normalize("NFC", text[s:e]).translate(_FOLD)
        out.append(piece)
        starts += [s] * len(piece)
        ends += [e] * len(piece)
        bounds.add(len(starts))
    return "".join(out), starts, ends, bounds


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text[s:e]) for s, e in _clusters(text)).translate(_FOLD)


def _occurrences(text: str, quote: str, limit: int = 3) -> list[tuple[int, int]]:
    """Spans of ``text`` where ``quote`` occurs, at most ``limit``: exactly or with whitespace tolerance, else
    after NFC normalisation and folding of quote marks and dashes (spans are offsets into ``text`` as given)."""
    spans = _find_all(text, quote, limit)
    if spans:
        return spans
    folded_quote = _fold(quote)
    folded, starts, ends, bounds = _normalised(text)
    if folded == text and folded_quote == quote:
        return spans
    out: list[tuple[int, int]] = []
    for s, e in _find_all(folded, folded_quote, limit):
        if s in bounds and e in bounds and e > s:
            span = (starts[s], ends[e - 1])
            if span not in out:
                out.append(span)
    return out


def cases_table(need_case_id: bool = True) -> TableSpec:
    """The cases CSV: ``case_id`` (required for cases, optional for a coder's proposals), ``document``, and
    either ``quote`` or ``start`` and ``end``; other columns are ignored."""
    offset = dict(kind="int", minimum=0, blank=False, expected="0-based character offsets")
    return TableSpec(
        "cases CSV",
        (Column("case_id", required=need_case_id, kind="id", blank=not need_case_id, unique=True, noun="case",
                expected="a case id"),
         Column("document", required=True, blank=False, expected="a document id"),
         Column("quote", blank=False, expected="the exact text of the case"),
         Column("start", **offset), Column("end", **offset)),
        header_expected="columns case_id, document and either quote or start and end",
        alternatives=(("quote",), ("start", "end")), label=("case_id", "case {}: "))


def parse_case_rows(project: "Project", csv_path: str | Path, *, need_case_id: bool = True,
                    extra_documents: Mapping[str, str] | None = None) -> list[CaseRow]:
    """Read and check a cases CSV against the project's documents.

    Parameters
    ----------
    project : Project
        The open project (documents and existing case ids are read from it).
    csv_path : str or Path
        The CSV file; the header is line 1.
    need_case_id : bool
        When true (cases), the ``case_id`` column is required, every row needs an id and ids must be new to
        the project. When false (a coder's proposals), ids are optional.
    extra_documents : mapping of str to str, optional
        Document id -> text of documents not stored yet (checked as if they were).

    Returns
    -------
    list of CaseRow
        In file order (empty for a header-only file).

    Raises
    ------
    InputError
        Every problem at once, each naming the line and the case id: missing columns, both forms, blank cells,
        unknown documents, quotes not found or found more than once, bad or out-of-range offsets, start not
        before end, duplicate case ids.
    """
    from duocode.store import document_text, list_cases

    table = read_rows(csv_path, cases_table(need_case_id))
    extra = dict(extra_documents or {})
    texts: dict[str, str | None] = {}
    stored_cases = {c.id: c for c in list_cases(project, status=None)} if need_case_id else {}
    out: list[CaseRow] = []
    for row in table:
        case_id, document, label, where = row["case_id"], row["document"], row.label, row.where()
        ok = row.ok
        if case_id in stored_cases and "case_id" not in row.bad:
            old = stored_cases[case_id]
            table.add(f"{label}the case id already exists in the project (document {old.document}, "
                      f"{old.start}-{old.end})", location=where,
                      expected="a new case id (case ids stay fixed once created)")
            ok = False
        if document is None:
            continue
        if document not in texts:
            texts[document] = extra[document] if document in extra else document_text(project, document)
        text = texts[document]
        if text is None:
            table.add(f"{label}unknown document {document!r}", location=where,
                      expected="the id of an ingested document (see `duocode documents list`)")
            continue
        if table.has("quote"):
            span = _locate_quote(text, row["quote"], document, label, table, where)
        else:
            span = _check_offsets(text, row["start"], row["end"], document, label, table, where)
        if span is not None and ok:
            out.append(CaseRow(row.line, case_id, document, span[0], span[1]))
    table.raise_if_any()
    return out


def _locate_quote(text: str, quote: str | None, document: str, label: str, table: Rows, where: str
                  ) -> tuple[int, int] | None:
    if quote is None:   # blank: already reported
        return None
    spans = _occurrences(text, quote)
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    if not spans:
        table.add(f"{label}quote not found in document {document}: {short!r}", location=where,
                     expected="text copied exactly from the document")
        return None
    if len(spans) > 1:
        at = ", ".join(f"{s}-{e}" for s, e in spans[:2]) + (", ..." if len(spans) > 2 else "")
        table.add(f"{label}quote found more than once in document {document} (at {at}): {short!r}",
                  location=where, expected="a longer quote that occurs once, or start and end offsets")
        return None
    return spans[0]


def _check_offsets(text: str, start: int | None, end: int | None, document: str, label: str, table: Rows,
                   where: str) -> tuple[int, int] | None:
    if start is None or end is None:   # blank or not a whole number of 0 or more: already reported
        return None
    if start > end:
        table.add(f"{label}start {start} is after end {end}", location=where, expected="start < end")
        return None
    if start == end:
        table.add(f"{label}start and end are both {start}: the case is empty", location=where,
                  expected="start < end")
        return None
    if end > len(text):
        table.add(f"{label}end {end} is past the end of document {document} ({len(text)} characters)",
                  location=where, expected=f"offsets from 0 to {len(text)}")
        return None
    return start, end


@dataclass
class CasesResult:
    """The cases one import added."""

    source_file: str
    cases: list["Case"] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"imported": len(self.cases), "source_file": self.source_file,
                "cases": [_case_dict(c) for c in self.cases]}


def import_cases(project: "Project", csv_path: str | Path) -> CasesResult:
    """Import a cases CSV as human cases (status ``case``), all or nothing, one event per case.

    Raises
    ------
    InputError
        Every problem of :func:`parse_case_rows`, or a file without case rows.
    """
    from duocode.store import Case, insert_cases, list_cases

    rows = parse_case_rows(project, csv_path)
    if not rows:
        raise InputError("no case rows below the header", path=str(csv_path),
                         expected="one row per case: case_id, document and quote or start and end")
    cases = [Case(id=r.case_id, document=r.document, start=r.start, end=r.end, text="", source="human",
                  status="case") for r in rows]
    with project.transaction():
        insert_cases(project, cases, source_file=str(csv_path))
    return CasesResult(str(csv_path), list_cases(project, status=None, ids=[c.id for c in cases]))


def _case_dict(case: "Case", with_status: bool = False) -> dict:
    out = {"case_id": case.id, "document": case.document, "start": case.start, "end": case.end,
           "text": case.text, "source": case.source}
    if with_status:
        out["status"] = case.status
    return out


@dataclass
class CaseListResult:
    """``cases list``: the contract's ``{"cases": [...]}``; ``status`` is added to each case with ``--all``."""

    cases: list["Case"]
    with_status: bool = False

    def to_dict(self) -> dict:
        return {"cases": [_case_dict(c, self.with_status) for c in self.cases]}

    def to_csv(self) -> str:
        buf = io.StringIO()
        columns = LIST_COLUMNS + (("status",) if self.with_status else ())
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for case in self.cases:
            writer.writerow({k: csv_safe(v) for k, v in _case_dict(case, self.with_status).items()})
        return buf.getvalue()


def list_cases_result(project: "Project", *, source: str | None = None, all_statuses: bool = False
                      ) -> CaseListResult:
    """Cases ordered by document and position: status ``case`` only unless ``all_statuses``."""
    from duocode.store import list_cases

    return CaseListResult(list_cases(project, status=None if all_statuses else "case", source=source),
                          with_status=all_statuses)
