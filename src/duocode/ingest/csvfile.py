"""Reading researchers' CSV files (informants, cases) with line numbers for every row.

Files saved by Excel come in several shapes: UTF-8 with a BOM, Windows-1252, semicolons instead of commas in
some locales, trailing empty columns. All are accepted; what cannot be read is reported with its line number
(the header is line 1; a row's line is the line where it starts, so quoted cells spanning lines are counted).
A cell that duocode's CSV exports protected against formula injection (a ``'`` before a leading ``=``, ``+``,
``-``, ``@``, tab or CR; see :func:`duocode.files.csv_safe`) is read without that ``'``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from duocode.errors import InputError, ProblemCollector
from duocode.files import csv_unsafe
from duocode.ingest.decode import decode_bytes, read_bytes


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
    data = read_bytes(path)
    if not data.strip():
        raise InputError("the file is empty", path=name, expected=f"a {what} with a header line")
    text = decode_bytes(data, name).text
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems = ProblemCollector(InputError)
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error) as exc:
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
    line = reader.line_num
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
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
    except csv.Error as exc:
        problems.add(f"malformed CSV: {exc}", path=name, location=f"line {reader.line_num}",
                     expected="CSV with quotes closed on every cell")
    for i in sorted(unnamed_used):
        problems.add(f"column {i + 1} has values but no name in the header", path=name, location="line 1",
                     expected="a name for every column that holds values")
    problems.raise_if_any()
    return CsvTable(name, [h for h in header if h], rows)
