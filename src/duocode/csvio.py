"""Reading researchers' CSV files with line numbers for every record: the one CSV reader of duocode.

Files saved by Excel come in several shapes: UTF-8 with a BOM, Windows-1252, semicolons instead of commas in
some locales, trailing empty columns. All are accepted; what cannot be read is reported with its line number
(the header is line 1; a record's line is the line where it starts, so quoted cells spanning lines are counted).
A workbook saved under a ``.csv`` name is refused with a message that says so.

Three layers, so each caller keeps its own messages: :func:`csv_text` (bytes -> text, refusing workbooks and
empty files), :func:`csv_records` (text -> ``(line, cells)``, raising :class:`CsvSyntaxError` where parsing
stops) and :func:`read_csv` (a file -> :class:`CsvTable` of stripped cells, every problem collected).
A cell that duocode's CSV exports protected against formula injection (a ``'`` before a leading ``=``, ``+``,
``-``, ``@``, tab or CR; see :func:`duocode.files.csv_safe`) is read by :func:`read_csv` without that ``'``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from duocode.decode import decode_bytes
from duocode.errors import InputError, ProblemCollector
from duocode.files import csv_unsafe, read_bytes

# Zip (xlsx) and OLE2 (xls) signatures: a workbook renamed to .csv, or saved by the wrong menu entry.
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class CsvSyntaxError(Exception):
    """The CSV text cannot be parsed past ``line`` (the record being read started on ``start``)."""

    def __init__(self, start: int, line: int, message: str):
        super().__init__(message)
        self.start = start
        self.line = line
        self.message = message


def sniff_delimiter(text: str) -> str:
    """The field separator of a CSV text, read from its header line: ``,``, ``;`` or a tab (Excel in many
    locales saves ``;``); comma when the header has none of them."""
    first = text.split("\n", 1)[0]
    return max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","


def csv_text(data: bytes, path: str, *, expected: str, empty_location: str | None = "line 1") -> str:
    """The decoded text of a CSV file's bytes (no BOM, LF line endings).

    Raises
    ------
    InputError
        The bytes are a spreadsheet workbook, or the file is empty (``expected`` says what the header should be).
    """
    if data.startswith(WORKBOOK_SIGNATURES):
        raise InputError("this is a spreadsheet workbook, not a CSV file", path=path,
                         expected="a .csv file (or use `duocode import-sheet` for a coding workbook)")
    text = decode_bytes(data, path).text if data.strip() else ""
    if not text.strip():
        raise InputError("the file is empty", path=path, location=empty_location, expected=expected)
    return text


def csv_records(text: str, *, strict: bool = True) -> Iterator[tuple[int, list[str]]]:
    """``(line number of the record's first line, raw cells)`` for every record, the header first (line 1).

    Blank lines give an empty record. Raises :class:`CsvSyntaxError` where the text stops being CSV.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=strict)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvSyntaxError(start, reader.line_num, str(exc)) from None


@dataclass
class CsvTable:
    """A CSV file's header (stripped names) and its non-blank rows as ``(line, {column: stripped cell})``."""

    path: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def column(self, name: str) -> str | None:
        """The header name matching ``name`` case-insensitively, or None."""
        for col in self.header:
            if col.lower() == name.lower():
                return col
        return None


def read_csv(path: str | Path, *, what: str = "CSV file") -> CsvTable:
    """Read a CSV file; every structural problem is collected and raised as one :class:`InputError`."""
    name = str(path)
    text = csv_text(read_bytes(path), name, expected=f"a {what} with a header line", empty_location=None)
    records = csv_records(text)
    problems = ProblemCollector(InputError)
    try:
        _, raw_header = next(records)
    except (StopIteration, CsvSyntaxError) as exc:
        raise InputError(f"cannot read the header: {exc}", path=name, location="line 1") from None
    header = [h.strip() for h in raw_header]
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if col and col.lower() in seen:
            problems.add(f"column {i + 1} repeats the column name {col!r} (also column {seen[col.lower()] + 1})",
                         path=name, location="line 1", expected="each column name once")
        elif col:
            seen[col.lower()] = i
    rows: list[tuple[int, dict[str, str]]] = []
    unnamed_used: set[int] = set()
    try:
        for start, cells in records:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                problems.add(f"the row has {len(cells)} cells but the header names {len(header)} columns",
                             path=name, location=f"line {start}", expected="one cell per column of the header")
                continue
            row = {}
            for i, col in enumerate(header):
                value = csv_unsafe(cells[i].strip()) if i < len(cells) else ""
                if not col:
                    if value:
                        unnamed_used.add(i)
                    continue
                row[col] = value
            rows.append((start, row))
    except CsvSyntaxError as exc:
        problems.add(f"malformed CSV: {exc}", path=name, location=f"line {exc.line}",
                     expected="CSV with quotes closed on every cell")
    for i in sorted(unnamed_used):
        problems.add(f"column {i + 1} has values but no name in the header", path=name, location="line 1",
                     expected="a name for every column that holds values")
    problems.raise_if_any()
    return CsvTable(name, [h for h in header if h], rows)


__all__ = ["CsvSyntaxError", "CsvTable", "csv_records", "csv_text", "read_csv", "sniff_delimiter"]
