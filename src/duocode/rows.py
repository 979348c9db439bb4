"""One row reader with one validation path, for every table duocode reads: CSV files and workbook sheets.

A reader describes its table once, as a :class:`TableSpec` of :class:`Column` s (name, aliases, required or
optional, kind, whether a blank cell is allowed, whether a value may repeat) with the table's policies (unknown,
repeated and unnamed columns; cells past the header; short rows; alternative column groups such as ``quote``
*or* ``start`` and ``end``). :func:`read_rows` reads a CSV file (through :mod:`duocode.csvio`) or an openpyxl
worksheet, checks the header and every cell against the description and returns :class:`Rows`: typed
:class:`Row` s, each knowing its location (``line 7`` in a CSV, header = line 1; ``Sheet!B7`` in a workbook),
and the :class:`~duocode.errors.ProblemCollector` holding every problem found. The reader then runs the checks
that are truly its own (case ids that exist, codebook values) on the typed rows, adds what it finds to the same
collector and raises once, so one run lists every problem of the file.

Problems of the header that leave the rows meaningless (a required column missing, a fixed workbook header
edited) are raised at once, with the header's other problems; every other problem is collected.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal

from duocode.csvio import CsvSyntaxError, csv_records, csv_text
from duocode.errors import InputError, ProblemCollector
from duocode.files import csv_unsafe, read_bytes

Kind = Literal["text", "int", "number", "choice", "id"]
KINDS = ("text", "int", "number", "choice", "id")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name
        The canonical name: the key of the column in :attr:`Row.cells`; matched case-insensitively.
    aliases
        Other header names accepted for the column.
    required
        The header must have the column.
    kind
        ``text`` (trimmed), ``int`` (a whole number, at least ``minimum`` when given), ``number`` (a finite
        number), ``choice`` (one of ``choices``, matched case-insensitively; the canonical spelling is returned) or
        ``id`` (an identifier such as a case id: trimmed text on one line, without tabs).
    blank
        A blank cell is allowed (it is ``None`` in the row); otherwise it is a problem.
    unique
        A value may occur only once in the file (``noun`` names it in the message: ``case C01 appears twice``).
    expected
        What the cell should hold, for messages (``a case id``); a default is derived from the kind.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: Kind = "text"
    blank: bool = True
    unique: bool = False
    noun: str | None = None
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    expected: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {', '.join(KINDS)}")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + self.aliases

    def expectation(self) -> str:
        if self.expected:
            return self.expected
        if self.kind in ("int", "number"):
            return ("a whole number" if self.kind == "int" else "a finite number") + (
                f" of {_num(self.minimum)} or more" if self.minimum is not None else "")
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        return f"a value in column {self.name}"


@dataclass(frozen=True)
class TableSpec:
    """A table: its columns and the policies of its header and rows.

    Parameters
    ----------
    what
        What the file is (``cases CSV``).
    columns
        The declared columns.
    header_expected
        What the header should be, named when a required column is missing or the file is empty (by default
        ``a cases CSV with a header line``).
    unknown
        A header name that is no declared column: ``error`` (a problem naming the allowed columns), ``ignore`` or
        ``keep`` (its trimmed cells are returned in :attr:`Row.extras` under the name as written).
    repeated
        A name given to two columns: ``error`` or ``first`` (the first one is read, later ones are ignored).
    unnamed
        A column without a name that holds values: ``error`` or ``ignore``.
    extra_cells
        A row with values past the header's last column: ``error`` (the row is not returned) or ``ignore``.
    short_rows
        A row with fewer cells than its required columns need: ``blank`` (missing cells are blank) or ``error``.
    alternatives
        Groups of columns of which a file has exactly one, e.g. ``(("quote",), ("start", "end"))``.
    label
        ``(column, template)``: each row problem starts with ``template.format(value)`` when that cell is filled,
        e.g. ``("case_id", "case {}: ")``.
    fixed
        For a workbook written by duocode: the declared columns stand in this order from column A, under exactly
        these names; the text says where that header comes from (``the header row as duocode wrote it``).
    lenient_quotes
        A stray quote inside an unquoted CSV cell stays part of the cell (Python's ``csv`` non-strict mode).
    max_problems
        Stop listing problems after this many, with a last line saying there are more.
    """

    what: str
    columns: tuple[Column, ...]
    header_expected: str | None = None
    unknown: Literal["error", "ignore", "keep"] = "ignore"
    repeated: Literal["error", "first"] = "error"
    unnamed: Literal["error", "ignore"] = "error"
    extra_cells: Literal["error", "ignore"] = "error"
    short_rows: Literal["blank", "error"] = "blank"
    alternatives: tuple[tuple[str, ...], ...] = ()
    label: tuple[str, str] | None = None
    fixed: str | None = None
    lenient_quotes: bool = False
    max_problems: int | None = None

    @property
    def header_hint(self) -> str:
        return self.header_expected or f"a {self.what} with a header line"


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank row: where it is, its typed cells (every declared column, ``None`` when blank or absent),
    the kept unknown columns, and which cells had a problem (their value is ``None``)."""

    line: int
    cells: dict[str, Any]
    extras: dict[str, str | None]
    bad: frozenset[str]
    _rows: "Rows" = field(repr=False, compare=False)

    def __getitem__(self, name: str) -> Any:
        return self.cells[name]

    @property
    def ok(self) -> bool:
        return not self.bad

    def where(self, column: str | None = None) -> str:
        """``line N`` in a CSV; the cell (``Sheet!B7``) in a workbook (the row's first cell without a column)."""
        return self._rows.where(self.line, column)

    @property
    def label(self) -> str:
        """The prefix of this row's messages (``case C01: ``), empty without a label column or value."""
        return _label(self._rows.spec, self.cells)


@dataclass
class Rows:
    """What :func:`read_rows` read: the rows, the header, and the problems found so far."""

    path: str
    spec: TableSpec
    header: list[str]
    index: dict[str, int]          # declared column present -> its position (0-based)
    problems: ProblemCollector
    sheet: str | None = None
    rows: list[Row] = field(default_factory=list)
    width: int = 0                 # cells in the header row, unnamed ones included
    layout: list[tuple[int, str, str]] = field(default_factory=list)   # (position, key, col|extra|unnamed)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, name: str) -> bool:
        return name in self.index

    def where(self, line: int, column: str | None = None) -> str:
        if self.sheet is None:
            return f"line {line}"
        return f"{self.sheet}!{_letter(self.index.get(column, 0) + 1)}{line}"

    def add(self, message: str, *, location: str | None = None, expected: str | None = None) -> None:
        """Add a problem of this file (capped at the spec's ``max_problems``)."""
        _add(self.problems, self.spec, message, path=self.path, location=location, expected=expected)

    def raise_if_any(self) -> None:
        """Raise every problem collected, in file order (by line or sheet row; those of no row last)."""
        self.problems.problems.sort(key=_row_of)
        self.problems.raise_if_any()


def read_rows(source: str | Path | Any, spec: TableSpec, *, path: str | None = None,
              problems: ProblemCollector | None = None, data: bytes | None = None) -> Rows:
    """Read and check every row of a CSV file or a workbook sheet against ``spec``.

    Parameters
    ----------
    source
        A CSV file's path, or an openpyxl worksheet (anything with ``iter_rows`` and ``title``).
    spec
        The table's description.
    path
        The file named in problems (default: ``source`` for a CSV; required for a worksheet).
    problems
        A collector to add to (a new one by default); returned as :attr:`Rows.problems`.
    data
        The CSV file's bytes, when the caller has read them already.

    Returns
    -------
    Rows
        The non-blank rows in file order, typed, with their locations; the problems are *not* raised yet, so the
        caller can add its own and raise them all at once (:meth:`Rows.raise_if_any`).

    Raises
    ------
    InputError
        At once only where the rows cannot be read at all: the file is unreadable, empty or a workbook; its
        header cannot be parsed; a required column is missing; a fixed header was edited.
    """
    problems = ProblemCollector(InputError) if problems is None else problems
    if hasattr(source, "iter_rows"):
        name = path or str(getattr(source, "title", "sheet"))
        records = _sheet_records(source, spec)
        rows = Rows(name, spec, [], {}, problems, sheet=source.title)
    else:
        name = path or str(source)
        records = _csv_records(source, data, name, spec)
        rows = Rows(name, spec, [], {}, problems)
    try:
        start, raw_header = next(records)
    except StopIteration:
        raise InputError("the file is empty", path=name, location=rows.where(1),
                         expected=spec.header_hint) from None
    except CsvSyntaxError as exc:
        raise InputError(f"cannot read the header ({exc})", path=name, location="line 1",
                         expected=spec.header_hint) from None
    if rows.sheet is not None and spec.fixed is None and not any(raw_header):
        raise InputError("the header row is blank", path=name, location=rows.where(start),
                         expected=spec.header_hint)
    _read_header(rows, start, raw_header)
    _read_body(rows, records)
    return rows


# -- sources ---------------------------------------------------------------------------------------------------
def _csv_records(path, data: bytes | None, name: str, spec: TableSpec) -> Iterator[tuple[int, list[str | None]]]:
    raw = read_bytes(path) if data is None else data
    text = csv_text(raw, name, expected=spec.header_hint)
    for line, cells in csv_records(text, strict=not spec.lenient_quotes):
        cells = [c.strip() or None for c in cells]
        yield line, [csv_unsafe(c) if c and c[0] == "'" else c for c in cells]


def _sheet_records(ws, spec: TableSpec) -> Iterator[tuple[int, list[str | None]]]:
    from duocode.xlsx import cell_text

    width = len(spec.columns) if spec.fixed else None
    for r, values in enumerate(ws.iter_rows(min_row=1, max_col=width, values_only=True), start=1):
        yield r, [cell_text(v) for v in values]


# -- header ----------------------------------------------------------------------------------------------------
def _read_header(rows: Rows, line: int, raw: list[str | None]) -> None:
    spec = rows.spec
    header = [(h or "").lstrip("\ufeff").strip() for h in raw]
    rows.header = [h for h in header if h]
    rows.width = len(header)
    fatal = ProblemCollector(InputError)
    if spec.fixed is not None:
        header += [""] * (len(spec.columns) - len(header))
        for i, col in enumerate(spec.columns):
            rows.index[col.name] = i
        for i, col in enumerate(spec.columns):
            if header[i] != col.name:
                fatal.add(f"found header '{header[i]}'", path=rows.path, location=rows.where(line, col.name),
                          expected=f"'{col.name}' ({spec.fixed})")
        rows.layout = [(i, col.name, "col") for i, col in enumerate(spec.columns)]
        _raise_with(rows, fatal)
        return
    by_name = {n.casefold(): c for c in spec.columns for n in c.names}
    layout = rows.layout
    first: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            layout.append((i, "", "unnamed"))
            continue
        col = by_name.get(name.casefold())
        key = col.name if col else name.casefold()
        if key in first:
            if spec.repeated == "error":
                rows.add(f"column '{name}' appears twice (columns {first[key] + 1} and {i + 1})",
                         location=rows.where(line), expected="each column once")
            continue
        first[key] = i
        if col is not None:
            rows.index[col.name] = i
            layout.append((i, col.name, "col"))
        elif spec.unknown == "error":
            rows.add(f"unknown column '{name}' (column {i + 1})", location=rows.where(line),
                     expected="one of " + ", ".join(c.name for c in spec.columns))
        elif spec.unknown == "keep":
            layout.append((i, name, "extra"))
    missing = [c.name for c in spec.columns if c.required and c.name not in rows.index]
    groups = spec.alternatives
    present = [g for g in groups if any(n in rows.index for n in g)]
    if len(present) > 1:
        fatal.add("has both " + " and ".join(_describe(g) for g in present), path=rows.path,
                  location=rows.where(line), expected="one form per file: either "
                  + " or ".join(" and ".join(f"'{n}'" for n in g) for g in groups))
    elif present:
        missing += [n for n in present[0] if n not in rows.index]
    elif groups:
        missing.append(" ".join(groups[0]) + "".join(f" (or {' and '.join(g)})" for g in groups[1:]))
    if missing:
        fatal.add(f"missing column(s): {', '.join(missing)} (found: {', '.join(rows.header) or 'none'})",
                  path=rows.path, location=rows.where(line), expected=spec.header_hint)
    _raise_with(rows, fatal)


def _describe(group: tuple[str, ...]) -> str:
    return f"a '{group[0]}' column" if len(group) == 1 else "/".join(f"'{n}'" for n in group) + " columns"


def _raise_with(rows: Rows, fatal: ProblemCollector) -> None:
    """Raise the header's fatal problems together with those already collected."""
    if fatal:
        rows.problems.extend(fatal.problems)
        rows.problems.raise_if_any()


# -- rows ------------------------------------------------------------------------------------------------------
def _read_body(rows: Rows, records: Iterator[tuple[int, list[str | None]]]) -> None:
    spec = rows.spec
    width = rows.width
    # Per declared column: its position in the file (None when absent) and whether its text is taken as it is.
    plan = [(c, rows.index.get(c.name), c.kind == "text") for c in spec.columns]
    extras = [(i, key) for i, key, what in rows.layout if what == "extra"]
    unnamed = [i for i, _, what in rows.layout if what == "unnamed"] if spec.unnamed == "error" else []
    label_at = rows.index.get(spec.label[0]) if spec.label else None
    needed = max((i for c, i, _ in plan if c.required and i is not None), default=-1) + 1
    seen: dict[str, dict[Any, str]] = {c.name: {} for c in spec.columns if c.unique}
    unnamed_first: dict[int, int] = {}
    no_problem: frozenset[str] = frozenset()
    try:
        for line, cells in records:
            if not any(cells):
                continue
            n = len(cells)
            if n > width and spec.extra_cells == "error" and any(cells[width:]):
                rows.add(f"the row has {n} cells but the header names {width} columns",
                         location=rows.where(line), expected="one cell per column of the header")
                continue
            if n < needed and spec.short_rows == "error":
                required = [c.name for c in spec.columns if c.required]
                rows.add(f"the row has {n} field(s)", location=rows.where(line),
                         expected=f"at least {needed} fields ({', '.join(required)})")
                continue
            typed: dict[str, Any] = {}
            bad: set[str] | None = None
            for col, i, plain in plan:
                value = cells[i] if i is not None and i < n else None
                problem = None
                if value is None:
                    if not col.blank and i is not None:
                        problem = f"the {col.name} cell is blank"
                elif not plain:
                    problem = _check_cell(col, value)
                    value = None if problem else _convert(col, value)
                if value is not None and col.unique:
                    first = seen[col.name].get(value)
                    if first is None:
                        seen[col.name][value] = rows.where(line, col.name)
                    else:
                        rows.add(f"{col.noun or col.name} {value} appears twice (first {_on(first)})",
                                 location=rows.where(line, col.name),
                                 expected=f"each {col.name.replace('_', ' ')} once")
                        bad = (bad or set()) | {col.name}
                if problem is not None:
                    label = cells[label_at] if label_at is not None and label_at < n and i != label_at else None
                    prefix = spec.label[1].format(label) if label is not None else ""
                    rows.add(prefix + problem, location=rows.where(line, col.name), expected=col.expectation())
                    value = None
                    bad = (bad or set()) | {col.name}
                typed[col.name] = value
            for i in unnamed:
                if i < n and cells[i] is not None:
                    unnamed_first.setdefault(i, line)
            kept = {key: cells[i] if i < n else None for i, key in extras} if extras else {}
            rows.rows.append(Row(line, typed, kept, frozenset(bad) if bad else no_problem, rows))
    except CsvSyntaxError as exc:
        rows.add(f"malformed CSV: {exc}", location=f"line {exc.line}", expected="CSV with quotes closed on every cell")
    for i, line in sorted(unnamed_first.items()):
        rows.add(f"column {i + 1} has values but no name in the header (first on line {line})",
                 location=rows.where(1), expected="a name for every column that holds values")


_ROW = re.compile(r"^line (\d+)$|^[^!]+![A-Z]+(\d+)$")


def _row_of(problem) -> tuple[int, int]:
    m = _ROW.match(problem.location or "")
    return (0, int(m.group(1) or m.group(2))) if m else (1, 0)


def _label(spec: TableSpec, cells: dict[str, Any]) -> str:
    if spec.label is None or cells.get(spec.label[0]) is None:
        return ""
    return spec.label[1].format(cells[spec.label[0]])


def _on(where: str) -> str:
    return f"on {where}" if where.startswith("line ") else f"at {where}"


def _check_cell(col: Column, value: str) -> str | None:
    """The problem with one filled cell of a number, choice or id column, or None."""
    if col.kind in ("int", "number"):
        number = _int(value) if col.kind == "int" else finite_number(value)
        if number is None or (col.minimum is not None and number < col.minimum):
            what = "a whole number" if col.kind == "int" else "a number"
            return f"{col.name} {value!r} is not {what}" + (
                f" of {_num(col.minimum)} or more" if col.minimum is not None else "")
    elif col.kind == "choice":
        if value.casefold() not in {c.casefold() for c in col.choices}:
            return f"{col.name} {value!r} is not one of the choices"
    elif col.kind == "id":
        if any(ch in value for ch in "\n\r\t"):
            return f"{col.name} {value!r} holds a line break or a tab"
    return None


def _convert(col: Column, value: str) -> Any:
    if col.kind == "int":
        return _int(value)
    if col.kind == "number":
        return finite_number(value)
    if col.kind == "choice":
        return next(c for c in col.choices if c.casefold() == value.casefold())
    return value


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def finite_number(value: str) -> float | None:
    """The finite number a text stands for (``" 2.5 "``, ``"1e3"``), or None (not a number, inf, nan)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _letter(n: int) -> str:
    """The spreadsheet column letters of the 1-based column ``n`` (1 -> A, 27 -> AA)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _add(problems: ProblemCollector, spec: TableSpec, message: str, **kw: Any) -> None:
    cap = spec.max_problems
    if cap is None or len(problems.problems) < cap:
        problems.add(message, **kw)
    elif len(problems.problems) == cap:
        problems.add("too many problems; fix the ones above and run again", path=kw.get("path"))


__all__ = ["Column", "KINDS", "Row", "Rows", "TableSpec", "finite_number", "read_rows"]
