"""Reading researchers' CSV files with line numbers for every record: the one CSV reader of duocode.

Files saved by Excel come in several shapes: UTF-8 with a BOM, Windows-1252, semicolons instead of commas in
some locales, trailing empty columns. All are accepted; what cannot be read is reported with its line number
(the header is line 1; a record's line is the line where it starts, so quoted cells spanning lines are counted).
A workbook saved under a ``.csv`` name is refused with a message that says so.

Two layers: :func:`csv_text` (bytes -> text, refusing workbooks and empty files) and :func:`csv_records`
(text -> ``(line, cells)``, raising :class:`CsvSyntaxError` where parsing stops). Checking a table's header and
cells is :func:`duocode.rows.read_rows`, the one row reader built on these two, which also reads a cell that
duocode's CSV exports protected against formula injection (a ``'`` before a leading ``=``, ``+``, ``-``, ``@``,
tab or CR; see :func:`duocode.files.csv_safe`) without that ``'``.
"""
from __future__ import annotations

import csv
import io
from typing import Iterator

from duocode.decode import decode_bytes
from duocode.errors import InputError

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


__all__ = ["CsvSyntaxError", "csv_records", "csv_text", "sniff_delimiter"]
