"""Reliability data: a validated units x coders matrix of category indices, built from long records.

Every coefficient in :mod:`duocode.agreement` reads one :class:`ReliabilityData`. It is built from long records
``(unit, coder, code)`` - a missing rating is an absent record - by :meth:`ReliabilityData.from_long`, from a
coders x units matrix with ``nan`` for missing ratings (the layout of Krippendorff 2011 and of the
``krippendorff`` package) by :meth:`ReliabilityData.from_matrix`, or from a two-coder contingency table by
:meth:`ReliabilityData.from_contingency_table`. :func:`read_long_csv` reads a ``unit,coder,code`` CSV file and
reports every problem with the file name and line (the header is line 1).

Conventions
-----------
* Categories are labelled by strings. Numbers are labelled canonically (``3``, ``3.0`` and ``" 3 "`` are all
  ``"3"``), so that a code means the same whether it came from a CSV file or from a numeric column.
* Order: the caller's ``categories`` if given (for ordinal data: the codebook's order, lowest first); otherwise
  numeric order when every code is a number, else alphabetical order. Ordinal text codes need ``categories``:
  an alphabetical order of words is no order at all.
* Interval codes must be finite numbers; ``values`` holds them. For ordinal data ``values`` holds the rank of
  each category in the declared order, for nominal data its position (unused by nominal statistics).
"""
from __future__ import annotations

from collections import Counter

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from duocode.errors import InputError, ProblemCollector
from duocode.files import read_bytes
from duocode.rows import Column, TableSpec, finite_number, read_rows

LEVELS = ("nominal", "ordinal", "interval")
REQUIRED_COLUMNS = ("unit", "coder", "code")
MAX_PROBLEMS = 50  # a broken file of 10,000 lines should not print 10,000 lines
# Further columns are ignored; a repeated name reads its first column; a stray quote stays part of its cell, as
# this reader has always done.
LONG_TABLE = TableSpec(
    "unit,coder,code CSV",
    (Column("unit", required=True, kind="id", blank=False, expected="a unit id"),
     Column("coder", required=True, kind="id", blank=False, expected="a coder id"),
     Column("code", required=True)),
    header_expected="a header line unit,coder,code", unknown="ignore", repeated="first", unnamed="ignore",
    extra_cells="ignore", short_rows="error", lenient_quotes=True, max_problems=MAX_PROBLEMS)


def check_level(level: Any, path: str | None = None) -> str:
    """Return ``level`` if it is one of :data:`LEVELS`, else raise :class:`InputError` naming it."""
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}", path=path, expected="nominal, ordinal or interval")
    return level


def canonical_code(raw: Any) -> str | None:
    """The string label of one code, or ``None`` when the rating is missing (None, NaN, blank).

    >>> canonical_code(3.0), canonical_code(" yes "), canonical_code(float("nan"))
    ('3', 'yes', None)
    """
    if raw is None:
        return None
    if isinstance(raw, (bool, np.bool_)):
        return "yes" if raw else "no"
    if isinstance(raw, (int, np.integer)):
        return str(int(raw))
    if isinstance(raw, (float, np.floating)):
        if math.isnan(raw):
            return None
        return _format_number(float(raw))
    text = str(raw).strip()
    return text or None


def _format_number(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Validated reliability data.

    Attributes
    ----------
    codes : ndarray of int, shape (n_units, n_coders)
        Index into ``categories`` of each coder's code for each unit; ``-1`` where the rating is missing.
    units : tuple, length n_units
        Unit labels (case ids), in order of first appearance.
    coders : tuple of str, length n_coders
        Coder names, sorted.
    categories : tuple of str, length q
        Category labels in order (declared categories included even when nobody used them).
    values : ndarray of float, shape (q,)
        Interval: the number; ordinal: the rank in ``categories``; nominal: the position.
    level : {'nominal', 'ordinal', 'interval'}
    locations : tuple of str, length n_units, optional
        Where each unit's first record came from (``"line 4"``), for messages.
    """

    codes: np.ndarray
    units: tuple
    coders: tuple
    categories: tuple
    values: np.ndarray
    level: str = "nominal"
    locations: tuple = field(default=())

    # -- sizes -------------------------------------------------------------------------------------------------
    @property
    def n_units(self) -> int:
        return self.codes.shape[0]

    @property
    def n_coders(self) -> int:
        return self.codes.shape[1]

    @property
    def n_codes(self) -> int:
        return int((self.codes >= 0).sum())

    # -- derived arrays ----------------------------------------------------------------------------------------
    @cached_property
    def counts(self) -> np.ndarray:
        """r_ik: how many coders gave unit i category k, shape (n_units, q) (Fleiss 1971's n_ij)."""
        q = len(self.categories)
        rows, cols = np.nonzero(self.codes >= 0)
        flat = rows * q + self.codes[rows, cols]
        return np.bincount(flat, minlength=self.n_units * q).reshape(self.n_units, q)

    @cached_property
    def used(self) -> np.ndarray:
        """Boolean mask over ``categories``: which categories occur in the data at all."""
        return self.counts.sum(axis=0) > 0

    @property
    def observed_counts(self) -> np.ndarray:
        """``counts`` restricted to the categories that occur, shape (n_units, q_observed)."""
        return self.counts[:, self.used]

    @property
    def observed_categories(self) -> tuple:
        return tuple(c for c, u in zip(self.categories, self.used) if u)

    @property
    def observed_values(self) -> np.ndarray:
        return self.values[self.used]

    @property
    def q(self) -> int:
        """Number of distinct codes observed (the q of Gwet 2014 and of Brennan & Prediger 1981)."""
        return int(self.used.sum())

    # -- constructors ------------------------------------------------------------------------------------------
    @classmethod
    def from_long(cls, records: Any, *, level: str = "nominal", categories: Sequence[Any] | None = None,
                  path: str | None = None) -> "ReliabilityData":
        """Build from long records ``(unit, coder, code)``; a missing rating is an absent record.

        Parameters
        ----------
        records : pandas.DataFrame with columns unit, coder, code, or iterable of (unit, coder, code)
            A DataFrame may carry a ``line`` column (as :func:`read_long_csv` returns) or a ``location``
            column; problems then name it. Records whose code is missing (None, NaN, blank) are ignored.
        level : {'nominal', 'ordinal', 'interval'}
        categories : sequence, optional
            The category order (ordinal: lowest first). Codes outside it are errors. Ignored at interval level.
        path : str, optional
            Named in problem messages (defaults to ``records.attrs["path"]`` of a DataFrame).

        Raises
        ------
        InputError
            Unknown level, missing columns, a unit coded twice by one coder (both records named), codes outside
            ``categories``, ordinal text codes without ``categories``, non-numeric interval codes. Every
            problem is collected first and raised once.
        """
        check_level(level, path)
        if hasattr(records, "columns") and hasattr(records, "attrs"):   # a pandas DataFrame or a _Table
            df = records
            path = path or df.attrs.get("path")
            missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
            if missing:
                raise InputError(f"the data has no column {', '.join(missing)}", path=path,
                                 expected="columns unit, coder, code")
        else:
            rows = [tuple(r) for r in records]
            bad = [i for i, r in enumerate(rows) if len(r) != 3]
            if bad:
                raise InputError(f"record {bad[0] + 1} has {len(rows[bad[0]])} fields", path=path,
                                 expected="(unit, coder, code) records")
            df = _Table(list(REQUIRED_COLUMNS), rows)
        return _build(df, level, categories, path)

    @classmethod
    def from_matrix(cls, reliability_data: Any, *, level: str = "nominal",
                    categories: Sequence[Any] | None = None) -> "ReliabilityData":
        """Build from a coders x units matrix, ``nan`` (or None) for a missing rating.

        Parameters
        ----------
        reliability_data : array-like, shape (n_coders, n_units)
            The layout of Krippendorff (2011) and of the ``krippendorff`` package.
        level, categories
            As for :meth:`from_long`.
        """
        numeric = np.asarray(reliability_data)
        if numeric.dtype.kind in "fiub" and numeric.ndim == 2 and categories is None:
            return _from_numeric_matrix(numeric.astype(float), check_level(level))
        matrix = np.asarray(reliability_data, dtype=object)
        if matrix.ndim != 2:
            raise InputError(f"reliability data must be 2-dimensional, got {matrix.ndim} dimension(s)",
                             expected="a coders x units matrix")
        records = [(u, c, matrix[c, u]) for c in range(matrix.shape[0]) for u in range(matrix.shape[1])]
        return cls.from_long(records, level=level, categories=categories)

    @classmethod
    def from_contingency_table(cls, table: Any, categories: Sequence[Any] | None = None, *,
                               level: str = "nominal", coders: tuple[str, str] = ("A", "B")) -> "ReliabilityData":
        """Build two coders' data from their contingency table (rows: first coder, columns: second coder).

        >>> rd = ReliabilityData.from_contingency_table([[20, 5], [10, 15]], ["yes", "no"])
        >>> rd.n_units, rd.n_coders
        (50, 2)
        """
        t = np.asarray(table)
        if t.ndim != 2 or t.shape[0] != t.shape[1] or (t < 0).any() or (t != np.round(t)).any():
            raise InputError("a contingency table must be a square matrix of non-negative whole numbers")
        cats = [str(c) for c in (categories if categories is not None else range(1, t.shape[0] + 1))]
        if len(cats) != t.shape[0]:
            raise InputError(f"{len(cats)} categories for a {t.shape[0]} x {t.shape[0]} table")
        records, unit = [], 0
        for i in range(t.shape[0]):
            for j in range(t.shape[1]):
                for _ in range(int(t[i, j])):
                    records += [(unit, coders[0], cats[i]), (unit, coders[1], cats[j])]
                    unit += 1
        return cls.from_long(records, level=level, categories=cats if level != "interval" else None)

    @classmethod
    def from_category_counts(cls, table: Any, categories: Sequence[Any] | None = None, *,
                             level: str = "nominal") -> "ReliabilityData":
        """Build from a units x categories table of counts (how many coders put unit i in category k).

        Published multi-rater examples (Fleiss 1971) often give only this table. Coder names are synthetic
        (``r1``, ``r2``, ... assigned in category order within each unit), so only coefficients that do not
        depend on coder identity are meaningful: percent agreement, Fleiss' kappa, Krippendorff's alpha,
        Gwet's AC1, Brennan-Prediger.

        >>> rd = ReliabilityData.from_category_counts([[2, 0], [1, 1], [0, 2]], ["yes", "no"])
        >>> rd.n_units, rd.n_coders, rd.n_codes
        (3, 2, 6)
        """
        t = np.asarray(table)
        if t.ndim != 2 or (t < 0).any() or (t != np.round(t)).any():
            raise InputError("a category-count table must be a matrix of non-negative whole numbers")
        cats = [str(c) for c in (categories if categories is not None else range(1, t.shape[1] + 1))]
        if len(cats) != t.shape[1]:
            raise InputError(f"{len(cats)} categories for a table with {t.shape[1]} columns")
        records = []
        for unit, row in enumerate(t.astype(int)):
            coder = 0
            for k, n in enumerate(row):
                for _ in range(n):
                    coder += 1
                    records.append((unit + 1, f"r{coder:02d}", cats[k]))
        return cls.from_long(records, level=level, categories=cats if level != "interval" else None)

    # -- views -------------------------------------------------------------------------------------------------
    def unit_label(self, i: int) -> str:
        return str(self.units[i])

    def pair_units(self, a: int, b: int) -> np.ndarray:
        """Indices of the units coded by both coder ``a`` and coder ``b``."""
        return np.nonzero((self.codes[:, a] >= 0) & (self.codes[:, b] >= 0))[0]


def as_reliability_data(data: Any, level: str = "nominal") -> ReliabilityData:
    """Accept a :class:`ReliabilityData` as it is, or build one from a coders x units matrix."""
    if isinstance(data, ReliabilityData):
        return data
    return ReliabilityData.from_matrix(data, level=level)


def _from_numeric_matrix(x: np.ndarray, level: str) -> ReliabilityData:
    """Vectorised :meth:`ReliabilityData.from_matrix` for a float coders x units matrix (nan = missing)."""
    present = ~np.isnan(x)
    if np.isinf(x[present]).any():
        raise InputError("the reliability data contain an infinite value", expected="finite numbers or nan")
    keep = present.any(axis=0)  # units nobody coded do not exist in long data either
    x, present = x[:, keep], present[:, keep]
    vals = np.unique(x[present])
    codes = np.where(present, np.searchsorted(vals, np.where(present, x, vals[0] if len(vals) else 0)), -1)
    values = vals if level == "interval" else np.arange(len(vals), dtype=float)
    return ReliabilityData(codes=codes.T.astype(np.int64), units=tuple(np.nonzero(keep)[0].tolist()),
                           coders=tuple(str(c) for c in range(x.shape[0])),
                           categories=tuple(_format_number(float(v)) for v in vals), values=values, level=level)


# -- building --------------------------------------------------------------------------------------------------
def _where(df, positions) -> list[str | None]:
    """Location text of the given DataFrame rows: CSV line, caller-given location, or row number."""
    if "line" in df.columns:
        return [f"line {int(x)}" for x in df["line"].to_numpy()[positions]]
    if "location" in df.columns:
        return [str(x) for x in df["location"].to_numpy()[positions]]
    return [f"record {int(p) + 1}" for p in positions]


def _add_capped(problems: ProblemCollector, message: str, **kw: Any) -> None:
    if len(problems.problems) < MAX_PROBLEMS:
        problems.add(message, **kw)
    elif len(problems.problems) == MAX_PROBLEMS:
        problems.add("too many problems; fix the ones above and run again", path=kw.get("path"))


def _build(df, level: str, categories: Sequence[Any] | None, path: str | None,
           problems: ProblemCollector | None = None) -> ReliabilityData:
    """Validate and build; every problem (blank ids, duplicates, bad codes) is collected, then raised once.

    ``problems`` may already hold problems found by the caller (e.g. the CSV reader's); they are raised together
    with these.
    """
    problems = ProblemCollector(InputError) if problems is None else problems
    codes = [canonical_code(x) for x in df["code"].tolist()]
    keep = np.array([c is not None for c in codes], dtype=bool)
    all_units = df["unit"].to_numpy(dtype=object)
    all_coders = df["coder"].to_numpy(dtype=object)
    for name, col in (("unit", all_units), ("coder", all_coders)):
        blank = np.array([keep[i] and canonical_code(x) is None for i, x in enumerate(col)], dtype=bool)
        if blank.any():
            for where in _where(df, np.nonzero(blank)[0]):
                _add_capped(problems, f"empty {name}", path=path, location=where, expected=f"a {name} id")
            keep &= ~blank  # reported; the other records are still checked, so one run lists every problem
    positions = np.nonzero(keep)[0]
    labels = [codes[p] for p in positions]
    units = all_units[positions]
    coders = np.array([canonical_code(c) for c in all_coders[positions]], dtype=object)

    # The same coder coding one unit twice is ambiguous: report every record involved (csvkit-style).
    pair_counts = Counter(zip(units.tolist(), coders.tolist()))
    dup = np.array([pair_counts[k] > 1 for k in zip(units.tolist(), coders.tolist())], dtype=bool)
    if dup.any():
        groups: dict[tuple, list[int]] = {}
        for i in np.nonzero(dup)[0]:
            groups.setdefault((units[i], coders[i]), []).append(int(i))
        for (unit, coder), idx in groups.items():
            wheres = _where(df, positions[idx])
            _add_capped(problems, f"unit {unit} is coded more than once by coder {coder} "
                        f"({' and '.join(w or '?' for w in wheres)})", path=path, location=wheres[-1],
                        expected="one code per unit and coder")

    cat_labels, values, index = _categories(labels, level, categories, df, positions, path, problems)
    problems.raise_if_any()

    unit_idx, unit_labels = _factorize(units.tolist(), sort=False)
    try:
        coder_idx, coder_labels = _factorize(coders.tolist(), sort=True)
    except TypeError:
        coder_idx, coder_labels = _factorize(coders.tolist(), sort=False)
    matrix = np.full((len(unit_labels), len(coder_labels)), -1, dtype=np.int64)
    matrix[unit_idx, coder_idx] = index
    first = np.unique(unit_idx, return_index=True)[1] if len(unit_idx) else np.array([], dtype=int)
    locations = tuple(_where(df, positions[first])) if len(first) else ()
    return ReliabilityData(codes=matrix, units=tuple(_plain(u) for u in unit_labels),
                           coders=tuple(str(c) for c in coder_labels), categories=tuple(cat_labels),
                           values=values, level=level, locations=locations)


def _factorize(values: list, *, sort: bool) -> tuple[np.ndarray, list]:
    """Codes and uniques of ``values``, like ``pandas.factorize``: uniques in order of first appearance, or
    sorted (a TypeError when they cannot be compared)."""
    uniques = list(dict.fromkeys(values))
    if sort:
        uniques = sorted(uniques)
    index = {u: i for i, u in enumerate(uniques)}
    return np.array([index[v] for v in values], dtype=np.int64), uniques


class _Table:
    """The few DataFrame features the validators use (named columns, ``attrs``), so that reading a CSV file
    and computing agreement need not import pandas (``duocode agreement`` starts in a third of the time)."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.columns = list(columns)
        self._data = {c: [r[i] for r in rows] for i, c in enumerate(self.columns)}
        self.attrs: dict[str, Any] = {}

    def __getitem__(self, name: str) -> "_Column":
        return _Column(self._data[name])

    def to_frame(self):
        import pandas as pd

        df = pd.DataFrame(self._data, columns=self.columns)
        df.attrs.update(self.attrs)
        return df


class _Column:
    def __init__(self, values: list):
        self._values = values

    def tolist(self) -> list:
        return list(self._values)

    def to_numpy(self, dtype=None) -> np.ndarray:
        if dtype is object:
            out = np.empty(len(self._values), dtype=object)
            out[:] = self._values
            return out
        return np.asarray(self._values, dtype=dtype)


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x


def _categories(labels: list[str], level: str, categories: Sequence[Any] | None, df, positions,
                path: str | None, problems: ProblemCollector) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Category labels in order, their numeric values, and each record's category index."""
    distinct = list(dict.fromkeys(labels))
    if level == "interval":
        numbers = {lab: finite_number(lab) for lab in distinct}
        bad = {lab for lab, x in numbers.items() if x is None}
        if bad:
            for i, lab in enumerate(labels):
                if lab in bad:
                    (where,) = _where(df, positions[[i]])
                    _add_capped(problems, f"code {lab!r} is not a number", path=path, location=where,
                                expected="a finite number at interval level")
            return [], np.zeros(0), np.zeros(len(labels), dtype=np.int64)
        by_value: dict[float, str] = {}
        for lab in distinct:
            by_value.setdefault(numbers[lab], _format_number(numbers[lab]))
        ordered = sorted(by_value)
        pos = {x: k for k, x in enumerate(ordered)}
        index = np.array([pos[numbers[lab]] for lab in labels], dtype=np.int64)
        return [by_value[x] for x in ordered], np.array(ordered, dtype=float), index

    if categories is not None:
        declared = [canonical_code(c) for c in categories]
        if any(c is None for c in declared):
            problems.add("a declared category is blank", path=path, expected="non-empty category labels")
        if len(set(declared)) != len(declared):
            problems.add("the declared categories repeat a label", path=path, expected="distinct categories")
        ordered = [c for c in dict.fromkeys(declared) if c is not None]
        unknown = [lab for lab in distinct if lab not in set(ordered)]
        if unknown:
            first = {lab: labels.index(lab) for lab in unknown}
            for lab in unknown:
                (where,) = _where(df, positions[[first[lab]]])
                _add_capped(problems, f"code {lab!r} is not one of the categories", path=path, location=where,
                            expected="one of " + ", ".join(ordered))
    else:
        numbers = {lab: finite_number(lab) for lab in distinct}
        if all(x is not None for x in numbers.values()):
            ordered = sorted(distinct, key=lambda lab: numbers[lab])
        elif level == "ordinal":
            words = [lab for lab, x in numbers.items() if x is None]
            problems.add(f"ordinal codes {', '.join(repr(w) for w in words[:5])} are not numbers and no "
                         "category order was given", path=path,
                         expected="numeric codes, or the order of the categories (lowest first)")
            ordered = sorted(distinct)
        else:
            ordered = sorted(distinct)
    pos = {lab: k for k, lab in enumerate(ordered)}
    index = np.array([pos.get(lab, -1) for lab in labels], dtype=np.int64)
    return ordered, np.arange(len(ordered), dtype=float), index


# -- CSV -------------------------------------------------------------------------------------------------------
def read_long_csv(path: str | Path, *, level: str = "nominal") -> "pd.DataFrame":  # noqa: F821
    """The long CSV file as a pandas DataFrame (columns unit, coder, code, line); see :func:`read_long_table`."""
    return read_long_table(path, level=level).to_frame()


def read_long_table(path: str | Path, *, level: str = "nominal") -> _Table:
    """Read a long-format ``unit,coder,code`` CSV file into a DataFrame, checking it on the way.

    Parameters
    ----------
    path : str or Path
        UTF-8 (with or without BOM), cp1252 as a fallback. Header = line 1; further columns are ignored; a row
        with an empty code is a missing rating.
    level : {'nominal', 'ordinal', 'interval'}
        Interval codes must be numbers.

    Returns
    -------
    _Table
        Columns ``unit``, ``coder``, ``code`` (strings, as written) and ``line`` (the CSV line number);
        ``attrs["path"]`` is the file name. ``.to_frame()`` gives the pandas DataFrame (which is what
        :func:`read_long_csv` returns); :func:`~duocode.agreement.agreement` takes either.

    Raises
    ------
    InputError
        Unreadable or empty file; header without unit/coder/code; no ratings; a unit coded twice by the same
        coder (naming both lines); non-numeric codes at interval level; fewer than two coders; unknown level.
        Every problem names the file and, where there is one, the line.
    """
    name = str(path)
    check_level(level, name)
    try:
        raw = read_bytes(path)
    except InputError as exc:  # this reader's message since its first release; tests and users rely on it
        raise InputError(f"cannot read the file ({exc.problems[0].message})", path=name,
                         expected="a readable unit,coder,code CSV file") from None
    table = read_rows(path, LONG_TABLE, path=name, data=raw)
    rows: list[tuple[str, str, str, int]] = []
    seen_coders: dict[str, None] = {}  # coders with a code, also on rows reported for another problem
    for row in table:
        unit, coder, code = row.cells["unit"], row.cells["coder"], row.cells["code"]
        if code is not None and coder is not None:
            seen_coders[coder] = None
        if code is not None and row.ok:  # an empty code is a missing rating, like an absent row
            rows.append((unit, coder, code, row.line))
    if not rows:
        if not table.problems:
            raise InputError("no ratings after the header", path=name, location="line 2",
                             expected="rows unit,coder,code")
        table.raise_if_any()

    df = _Table(["unit", "coder", "code", "line"], rows)
    df.attrs["path"] = name
    coders = list(seen_coders)
    # Every problem of the file in one run: the rows' own, duplicates, interval numbers and too few coders.
    # (The ordinal order is checked once the categories are known.)
    try:
        _build(df, "nominal" if level == "ordinal" else level, None, name, problems=table.problems)
    except InputError:
        pass
    if len(coders) < 2:
        table.add(f"only one coder ({coders[0]}) in the file", expected="codes from at least two coders")
    table.raise_if_any()
    return df


__all__ = ["LEVELS", "ReliabilityData", "as_reliability_data", "canonical_code", "check_level", "read_long_csv"]
