"""Codes as CSV in the contract's wide layout: a ``case_id`` column plus one column per variable id.

``codes import CSV --coder NAME`` checks every cell against the codebook before anything is written (all or
nothing); ``codes export --coder NAME | --consensus`` writes the same layout back. :func:`read_wide_csv` and
:func:`write_wide_rows` are the shared low-level reader and writer (``consensus import`` uses them too).

A cell is matched to the codebook case-insensitively after trimming (``" Yes "`` -> ``yes``; a value's label is
accepted too); a blank cell means "not coded", so importing a blank where the coder had a code removes it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from duocode._util import plural
from duocode.coding._common import check_coder
from duocode.errors import InputError
from duocode.files import csv_safe
from duocode.rows import Column, TableSpec, read_rows
from duocode.store import AGREED, CONSENSUS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

CASE_COLUMN = "case_id"


@dataclass(frozen=True)
class WideRow:
    """One data line of a wide CSV, already checked.

    ``values`` maps each variable column present in the file to its canonical value id (``None`` = blank);
    ``extras`` maps each extra column present (e.g. ``reason``) to its trimmed text (``None`` = blank).
    """

    line: int
    case_id: str
    values: dict[str, str | None]
    extras: dict[str, str | None] = field(default_factory=dict)


def wide_table(codebook, extra_columns: Iterable[str] = ()) -> TableSpec:
    """The wide codes CSV of ``codebook``: ``case_id``, any of its variable ids, and the ``extra_columns``."""
    return TableSpec(
        "codes CSV",
        (Column(CASE_COLUMN, required=True, kind="id", blank=False, unique=True, noun="case",
                expected="a case id from `duocode cases list`"),
         *(Column(v.id) for v in codebook.variables), *(Column(e) for e in extra_columns)),
        header_expected="a header line starting with case_id, then variable ids, e.g. case_id,tmp_type",
        unknown="error")


def read_wide_csv(project: "Project", csv_path: str | Path, *, extra_columns: Iterable[str] = ("reason",)
                  ) -> list[WideRow]:
    """Read and check a wide codes CSV against the project's codebook and cases.

    Parameters
    ----------
    project
        The open project (its codebook and accepted cases are the reference).
    csv_path
        A CSV with a ``case_id`` column, any subset of the codebook's variable ids as columns, and optionally
        the ``extra_columns``.
    extra_columns
        Further column names allowed (matched case-insensitively), returned as trimmed text in ``extras``.

    Returns
    -------
    list of WideRow
        One per non-blank data line, in file order.

    Raises
    ------
    InputError
        Listing every problem at once, each with its line (header = line 1), column and case id: unknown or
        duplicated columns, a missing ``case_id`` column, blank, unknown or duplicated case ids, values the
        codebook does not allow.
    """
    from duocode.store import list_cases

    codebook = project.codebook
    extras = tuple(extra_columns)
    table = read_rows(csv_path, wide_table(codebook, extras))
    variables = [v for v in codebook.variables if table.has(v.id)]
    status = {c.id: c.status for c in list_cases(project, status=None)}
    out: list[WideRow] = []
    for row in table:
        case_id, where = row[CASE_COLUMN], row.where()
        if case_id is None or CASE_COLUMN in row.bad:
            pass
        elif case_id not in status:
            table.add(f"unknown case id '{case_id}'", location=where, expected="a case id from `duocode cases list`")
        elif status[case_id] != "case":
            table.add(f"case {case_id} is a {status[case_id]} case, not an accepted one", location=where,
                      expected="an accepted case id from `duocode cases list`")
        values: dict[str, str | None] = {}
        for var in variables:
            try:
                values[var.id] = var.normalize(row[var.id])
            except ValueError as exc:
                label = f"case {case_id}, " if case_id else ""
                table.add(f"{label}column {var.id}: {exc}", location=where, expected=var.allowed_text())
        out.append(WideRow(row.line, case_id or "", values, {e: row[e] for e in extras if table.has(e)}))
    table.raise_if_any()
    return out


def write_wide_rows(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with ``columns`` as the header and one line per row dict (missing keys and ``None`` -> blank)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in columns])
    for row in rows:
        writer.writerow([csv_safe(row.get(c)) for c in columns])
    return buf.getvalue()


# -- codes import ------------------------------------------------------------------------------------------------
@dataclass
class CodesImportResult:
    coder: str
    path: str
    rows: int
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"coder": self.coder, "file": self.path, "rows": self.rows, **self.counts, "warnings": self.warnings}


def import_codes(project: "Project", csv_path: str | Path, coder: str) -> CodesImportResult:
    """Import one coder's codes from a wide CSV; every cell is checked first, then all are written at once.

    Parameters
    ----------
    project
        The open project.
    csv_path
        Wide layout: ``case_id`` plus any of the codebook's variable ids.
    coder
        The human coder the codes belong to (``precoder`` and ``consensus`` are refused).

    Returns
    -------
    CodesImportResult
        Counts of codes added, changed, removed (a blank cell where the coder had a code) and unchanged.

    Raises
    ------
    InputError
        Every problem of the file, each with line, column and case id; nothing is written.
    RefusedError
        ``coder`` is a reserved name.
    """
    from duocode.store import CodeRow, set_codes

    coder = check_coder(coder)
    rows = read_wide_csv(project, csv_path, extra_columns=())
    codes = [CodeRow(r.case_id, var, coder, value) for r in rows for var, value in r.values.items()]
    source = str(csv_path)
    warnings = _case_finding_removed(project, coder, rows)
    with project.transaction():
        project.ensure_coder(coder, "human")
        counts = set_codes(project, codes, source_file=source, action="code")
        project.log_event("import", "codes", None, coder=coder, source_file=source,
                          detail={"rows": len(rows), **counts})
    return CodesImportResult(coder, source, len(rows), counts, warnings)


def _case_finding_removed(project: "Project", coder: str, rows: list[WideRow]) -> list[str]:
    """A warning when blank ``is_case`` cells remove codes the coder has there: usually the ones ``cases merge``
    derived from their proposals, which a file made for the other variables leaves empty."""
    from duocode.codebook import CASE_VARIABLE
    from duocode.store import codes_by_case

    blank = [r.case_id for r in rows if CASE_VARIABLE in r.values and r.values[CASE_VARIABLE] is None]
    if not blank:
        return []
    had = codes_by_case(project, coder, variables=[CASE_VARIABLE])
    gone = [cid for cid in blank if CASE_VARIABLE in had.get(cid, {})]
    if not gone:
        return []
    shown = ", ".join(gone[:10]) + (", ..." if len(gone) > 10 else "")
    return [f"the file's blank {CASE_VARIABLE} cells removed {coder}'s {CASE_VARIABLE} codes for "
            f"{plural(len(gone), 'case')} ({shown}), which `cases merge` derives from the case "
            f"proposals; to keep them, leave the {CASE_VARIABLE} column out of the file, or run `duocode cases "
            "merge` again"]


# -- codes export ------------------------------------------------------------------------------------------------
@dataclass
class CodesExport:
    coder: str
    columns: list[str]
    rows: list[dict[str, Any]]
    interval: set[str] = field(default_factory=set)

    def to_csv(self) -> str:
        return write_wide_rows(self.columns, self.rows)

    def to_dict(self) -> dict:
        def typed(col, value):
            if value == "":      # the consensus's "decided: not coded"
                return None
            if value is None or col not in self.interval:
                return value
            number = float(value)
            return int(number) if number.is_integer() else number
        return {"coder": self.coder, "columns": self.columns,
                "rows": [{c: typed(c, row.get(c)) for c in self.columns} for row in self.rows]}


def export_codes(project: "Project", coder: str | None = None, consensus: bool = False) -> CodesExport:
    """One coder's (or the consensus) codes in the wide layout, one row per coded case in document order.

    A coder with no codes yet gives the header only. The consensus export adds a ``reason`` column (the
    reasons recorded for that case's consensus codes, joined by ``; ``).
    """
    from duocode.store import code_rows, list_cases

    if consensus == (coder is not None):
        raise InputError("give exactly one of --coder NAME or --consensus")
    name = CONSENSUS if consensus else coder.strip()
    codebook = project.codebook
    columns = [CASE_COLUMN] + codebook.variable_ids + (["reason"] if consensus else [])
    by_case: dict[str, dict[str, Any]] = {}
    reasons: dict[str, list[str]] = {}
    for r in code_rows(project, name):
        if r.variable not in codebook.variables_by_id:
            continue
        by_case.setdefault(r.case_id, {CASE_COLUMN: r.case_id})[r.variable] = r.value
        if r.reason and r.reason not in reasons.setdefault(r.case_id, []):
            reasons[r.case_id].append(r.reason)
    for texts in reasons.values():
        texts.sort(key=lambda text: text != AGREED)  # "agreed" first, the discussion notes after, in order
    rows = []
    for case in list_cases(project, status=None):
        row = by_case.get(case.id)
        if row is None:
            continue
        if consensus:
            row["reason"] = "; ".join(reasons.get(case.id, [])) or None
        rows.append(row)
    interval = {v.id for v in codebook.variables if v.level == "interval"}
    return CodesExport(name, columns, rows, interval)
