"""The dual-coding step of ``duocode demo``: the demo coders' case finding, workbooks and codes.

The demo corpus holds, per demo coder, ``proposals_NAME.csv`` (the cases that coder marked: ``document`` and
``quote`` or ``start``/``end``) and ``codes_NAME.csv`` (that coder's codes in the wide layout; an optional
``memo`` column). :func:`code_demo` does what the two researchers would do: import and merge the proposals, then
for each coder write the blind workbook, fill it in (as a coder would in Excel) and import it back. A coder who
made proposals keeps the ``is_case`` codes that ``cases merge`` derived from them (case finding is judged from
the proposals), so their codes file's ``is_case`` column is not typed in.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.coding._common import plural

if TYPE_CHECKING:  # pragma: no cover
    from duocode.coding.csvcodes import WideRow
    from duocode.store import Project


def _coders(corpus: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(p.stem[len(prefix):], p) for p in sorted(corpus.glob(f"{prefix}*.csv")) if p.stem[len(prefix):]]


def fill_workbook(path: str | Path, rows: list["WideRow"]) -> int:
    """Type ``rows``' values (and memos) into a coding workbook written by ``duocode sheet``; returns the number
    of cells filled. Only cells of cases and variables the workbook has are touched."""
    import openpyxl

    from duocode.coding import sheet as layout
    from duocode.xlsx import read_meta_sheet

    wb = openpyxl.load_workbook(path)
    meta = read_meta_sheet(wb, str(path))
    ws = wb[meta["sheet"]]
    first = meta["first_row"]
    row_of = {cid: first + i for i, cid in enumerate(layout.join_chunks(meta, "case_ids") or [])}
    col_of = {vid: len(layout.FIXED_COLUMNS) + 1 + k for k, vid in enumerate(meta["variables"])}
    filled = 0
    for row in rows:
        r = row_of.get(row.case_id)
        if r is None:
            continue
        for vid, value in row.values.items():
            if vid in col_of and value is not None:
                number = _number(value)
                ws.cell(row=r, column=col_of[vid]).value = number if number is not None else value
                filled += 1
        memo = row.extras.get("memo")
        if memo:
            ws.cell(row=r, column=meta["memo_column"]).value = memo
    wb.save(path)
    return filled


def _number(value: str) -> int | float | None:
    try:
        x = float(value)
    except ValueError:
        return None
    return int(x) if x.is_integer() else x


def code_demo(project: "Project", corpus_dir: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Run the demo's dual coding: proposals -> merge -> per coder: workbook -> filled -> import-sheet.

    Parameters
    ----------
    project
        The demo project, with documents and cases already imported.
    corpus_dir
        Folder with ``proposals_NAME.csv`` and ``codes_NAME.csv`` per demo coder.
    out_dir
        Where the coders' workbooks are written (``NAME.xlsx``); created if needed.

    Returns
    -------
    dict
        ``summary`` (one line), ``coders`` (per coder: workbook, cases, codes imported), ``proposals`` (per
        coder) and ``merge`` (what ``cases merge`` did).
    """
    from duocode.coding.csvcodes import read_wide_csv
    from duocode.coding.importsheet import import_sheet
    from duocode.codebook import CASE_VARIABLE
    from duocode.coding.proposals import import_proposals, merge_cases
    from duocode.coding.sheet import write_sheet

    corpus, out = Path(corpus_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"coders": {}, "proposals": {}, "merge": None}

    proposal_files = _coders(corpus, "proposals_")
    for coder, path in proposal_files:
        figures["proposals"][coder] = import_proposals(project, path, coder).added
    if proposal_files:
        figures["merge"] = merge_cases(project).to_dict()

    for coder, path in _coders(corpus, "codes_"):
        rows = read_wide_csv(project, path, extra_columns=("memo",))
        if coder in figures["proposals"]:
            # This coder's case finding is their proposals: `cases merge` derived their is_case codes, which a
            # blanket is_case column in the codes file must not overwrite.
            rows = [replace(r, values={k: v for k, v in r.values.items() if k != CASE_VARIABLE}) for r in rows]
        workbook = out / f"{coder}.xlsx"
        written = write_sheet(project, coder, workbook)
        filled = fill_workbook(workbook, rows)
        imported = import_sheet(project, workbook)
        figures["coders"][coder] = {"workbook": str(workbook), "cases": written.cases, "cells_filled": filled,
                                    "codes_added": imported.counts.get("added", 0),
                                    "codes_changed": imported.counts.get("changed", 0),
                                    "memos": imported.memos_changed}

    parts = []
    if figures["coders"]:
        each = ", ".join(f"{c} {plural(f['cells_filled'], 'code')}" for c, f in figures["coders"].items())
        parts.append(f"{plural(len(figures['coders']), 'workbook')} written, filled and imported ({each})")
    if figures["merge"]:
        m = figures["merge"]
        parts.append(f"{plural(m['proposals_merged'], 'case proposal')} merged "
                     f"({plural(len(m['new_cases']), 'new case')}); is_case derived for "
                     f"{', '.join(m['coders'])}")
    figures["summary"] = "; ".join(parts) or "no demo codes or proposals found"
    return figures
