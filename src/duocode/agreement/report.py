"""Agreement workbook (xlsx): one summary sheet, then one sheet per variable.

Each variable's sheet holds its coefficients (with CIs, benchmarks and the reason when undefined), the weighted
variants, the per-category diagnostics, the confusion matrix of every coder pair, the coincidence matrix behind
alpha, and the disagreeing cases (case id and each coder's value). Numbers are stored as numbers, full
precision; text goes through :func:`duocode.xlsx.set_text`, so a case id or code can never become a formula.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.agreement.result import COEFFICIENTS, benchmark_text, label, level_note

if TYPE_CHECKING:  # pragma: no cover
    from duocode.agreement.result import AgreementResult

SUMMARY_SHEET = "Summary"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-legal sheet name (<= 31 characters, none of []:*?/\\), unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'") or "variable"
    candidate = base[:31]
    if candidate.casefold() in taken:
        candidate = f"{base[:20]} (variable)"
    i = 2
    while candidate.casefold() in taken:
        candidate = f"{base[:25]} ({i})"
        i += 1
    taken.add(candidate.casefold())
    return candidate


def write_agreement_xlsx(results: dict[str, "AgreementResult"], path: str | Path,
                         disagreements: dict[str, list[dict[str, Any]]] | None = None,
                         partially_coded: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """Write the agreement workbook.

    Parameters
    ----------
    results : dict variable id -> AgreementResult
    path : str or Path
    disagreements : dict variable id -> list of {"case_id": ..., "values": {coder: value}}, optional
        Default: each result's own disagreeing units.
    partially_coded : dict variable id -> list of {"case_id", "values", "blank": [coders]}, optional
        Cases some coders coded and others left blank, listed after the disagreements.

    Returns
    -------
    Path of the written file.
    """
    from openpyxl import Workbook

    from duocode.xlsx import save_workbook

    wb = Workbook()
    wb.remove(wb.active)
    add_agreement_sheets(wb, results, disagreements, partially_coded=partially_coded)
    return save_workbook(wb, path)


def add_agreement_sheets(workbook, results: dict[str, "AgreementResult"],
                         disagreements: dict[str, list[dict[str, Any]]] | None = None,
                         summary_title: str = SUMMARY_SHEET,
                         partially_coded: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """Add the summary sheet and one sheet per variable to an open openpyxl workbook (e.g. the audit's)."""
    taken = {ws.title.casefold() for ws in workbook.worksheets}
    summary = workbook.create_sheet(sheet_name(summary_title, taken))
    names = {var: sheet_name(var, taken) for var in results}
    _write_summary(summary, results, names)
    for var, result in results.items():
        rows = None if disagreements is None else disagreements.get(var, [])
        if rows is None:
            rows = [{"case_id": d["unit"], "values": d["values"]} for d in result.disagreements()]
        _write_variable(workbook.create_sheet(names[var]), var, result, rows,
                        (partially_coded or {}).get(var, []))


# -- cells -----------------------------------------------------------------------------------------------------
def _put(ws, row: int, col: int, value: Any, bold: bool = False) -> None:
    from duocode.xlsx import set_text

    cell = ws.cell(row=row, column=col)
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        if isinstance(value, float):
            cell.number_format = "0.000"
    else:
        set_text(cell, str(value))
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)


def _row(ws, row: int, values: list, bold: bool = False) -> int:
    for j, v in enumerate(values, start=1):
        _put(ws, row, j, v, bold)
    return row + 1


WEIGHTED_OF = {"gwet_ac1": "gwet_ac2"}  # the weighted variant of AC1 is AC2; the others keep their name


def _summary_columns(results: dict[str, "AgreementResult"]) -> list[str]:
    """Coefficient keys of the summary, each unweighted one followed by its weighted variants in use."""
    in_use: list[str] = []
    for r in results.values():
        for k in _shown_weighted(r):
            if k not in in_use:
                in_use.append(k)
    columns = []
    for name in COEFFICIENTS:
        columns.append(name)
        base = WEIGHTED_OF.get(name, name)
        columns += [k for k in in_use if k.startswith(base + "_")]
    return columns


def _shown_weighted(r: "AgreementResult") -> dict:
    """Weighted variants worth a cell: weighted Cohen / Scott exist for two coders only."""
    return {k: c for k, c in r.weighted.items() if r.n_coders == 2 or not k.startswith(("cohen_kappa", "scott_pi"))}


def _write_summary(ws, results: dict[str, "AgreementResult"], names: dict[str, str]) -> None:
    columns = _summary_columns(results)
    header = ["Variable", "Sheet", "Level", "Units", "Pairable units", "Coders", "Codes"]
    for name in columns:
        header += [label(name), "CI low", "CI high"]
    header += ["Alpha benchmark (Krippendorff)", "Notes"]
    _row(ws, 1, header, bold=True)
    for i, (var, r) in enumerate(results.items(), start=2):
        pairable = r.diagnostics.n_pairable_units if r.diagnostics is not None else 0
        values: list[Any] = [var, names[var], r.level, r.n_units, pairable, r.n_coders, r.n_codes]
        notes = []
        shown = {**r.coefficients, **_shown_weighted(r)}
        for name in columns:
            c = shown.get(name)
            if c is None:  # a weighted variant of another level
                values += [None, None, None]
                continue
            values += [c.value, c.ci_low, c.ci_high]
            if c.value is None and name in r.coefficients:
                notes.append(f"{label(name)}: {c.reason}")
        alpha = r.coefficients["krippendorff_alpha"].value
        note = level_note(r.level)
        values += [benchmark_text("krippendorff_alpha", alpha) if alpha is not None else None,
                   "; ".join(dict.fromkeys(([note] if note else []) + notes)) or None]
        _row(ws, i, values)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 24


def _write_variable(ws, var: str, r: "AgreementResult", disagreements: list[dict[str, Any]],
                    partial: list[dict[str, Any]] = ()) -> None:
    row = _row(ws, 1, [f"{var} ({r.level}): {r.n_units} units, {r.n_coders} coders ({', '.join(r.coders)}), "
                       f"{r.n_codes} codes"], bold=True)
    note = level_note(r.level)
    if note:
        row = _row(ws, row, [f"Note: {note}."])
    row = _row(ws, row + 1, ["Coefficient", "Value", "CI low", "CI high", "Benchmark", "Undefined because"],
               bold=True)
    # weighted Cohen / Scott exist for two coders only; the unweighted rows already say so
    weighted = _shown_weighted(r)
    for name, c in {**r.coefficients, **weighted}.items():
        row = _row(ws, row, [label(name), c.value, c.ci_low, c.ci_high,
                             benchmark_text(name, c.value) or None, c.reason])
    if r.alpha_bootstrap is not None:
        b = r.alpha_bootstrap
        row = _row(ws, row + 1, [f"Krippendorff's bootstrap: {b.n_boot} replicates, {b.pairs} pairs each, "
                                 f"seed {r.seed}"], bold=True)
        for a, p in b.q.items():
            row = _row(ws, row, [f"P(alpha < {a:g})", p])
    d = r.diagnostics
    if d is not None:
        row = _row(ws, row + 1, ["Category", "Codes", "Share", "Specific agreement", "Kappa (vs rest)",
                                 "Alpha (vs rest)"], bold=True)
        for c in d.per_category:
            row = _row(ws, row, [c.category, c.n_codes, c.share, c.specific_agreement, c.kappa, c.alpha])
        for p in d.pairs:
            row = _row(ws, row + 1, [f"Confusion matrix: rows {p.coders[0]}, columns {p.coders[1]} "
                                     f"({p.n_units} units; agreement, kappa, PABAK below)"], bold=True)
            row = _row(ws, row, [f"{p.coders[0]} \\ {p.coders[1]}", *p.categories], bold=True)
            for cat, counts in zip(p.categories, p.confusion):
                row = _row(ws, row, [cat, *counts])
            row = _row(ws, row, ["Agreement", p.percent_agreement, "Cohen's kappa", p.cohen_kappa, "PABAK",
                                 p.pabak])
        if d.coincidence_categories:
            row = _row(ws, row + 1, ["Coincidence matrix (Krippendorff)", *d.coincidence_categories], bold=True)
            for cat, values in zip(d.coincidence_categories, d.coincidence_matrix):
                row = _row(ws, row, [cat, *values])
        for note in d.notes:
            row = _row(ws, row, [f"Note: {note}"])
    row = _row(ws, row + 1, ["Disagreeing cases", *r.coders], bold=True)
    for item in disagreements:
        values = item.get("values", {})
        row = _row(ws, row, [item.get("case_id"), *(values.get(c) for c in r.coders)])
    if partial:
        coders = sorted({c for item in partial for c in [*item["values"], *item["blank"]]})
        row = _row(ws, row + 1, ["Coded by some coders only (blank = not coded)", *coders], bold=True)
        for item in partial:
            row = _row(ws, row, [item["case_id"], *(item["values"].get(c, "(blank)") for c in coders)])
    ws.column_dimensions["A"].width = 34
