"""The consensus and audit steps of ``duocode demo``, done as the demo team would do them.

Values both coders agree on are taken over; the reconcile workbook is written, its agreed values and reasons are
filled from the corpus's ``consensus.csv`` (what the coders settled in discussion) and it is read back the way
``duocode import-sheet`` reads it. Where the discussion also revised a value both coders had agreed on (the
workbook lists disagreements only), ``consensus.csv`` is imported as a team that settles elsewhere would. A
passage only one coder marked as a case, which ``consensus.csv`` does not list, is settled as not a case. Then
the audit workbook is written.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

REJECTED_REASON = "marked by one coder only and not among the team's agreed cases (consensus.csv): not a case"


def audit_demo(project: "Project", corpus_dir: str | Path, out_path: str | Path) -> dict:
    """Settle the demo coders' disagreements from ``corpus_dir/consensus.csv`` and write the audit workbook.

    Parameters
    ----------
    project
        The demo project, coded by the demo coders.
    corpus_dir
        The demo corpus folder (holding ``consensus.csv``: wide layout plus ``reason``).
    out_path
        Where to write the audit workbook; the reconcile workbook goes next to it as ``reconcile.xlsx``.

    Returns
    -------
    dict
        Figures: values agreed automatically, disagreements and the cases they are in, rows settled in the
        workbook, agreed values revised in discussion, cells with and without evidence, effects found, the
        verdicts, both paths, and a one-line ``summary``.
    """
    from duocode.audit.consensus import auto_consensus, import_consensus_csv, vote_table
    from duocode.audit.reconcile import import_reconcile_sheet, write_reconcile
    from duocode.audit.report import VERDICT_WORDS, build_audit
    from duocode.coding import read_wide_csv

    corpus_dir, out_path = Path(corpus_dir), Path(out_path)
    consensus_csv = corpus_dir / "consensus.csv"
    settled = {row.case_id: row for row in read_wide_csv(project, consensus_csv, extra_columns=("reason",))}

    table = vote_table(project)
    auto = auto_consensus(project, table)
    reconcile_path = out_path.with_name("reconcile.xlsx")
    written = write_reconcile(project, reconcile_path, auto=False)
    filled = _fill_reconcile(reconcile_path, settled, str(consensus_csv))
    import_reconcile_sheet(project, reconcile_path)
    revised = import_consensus_csv(project, consensus_csv)
    n_revised = revised.counts["added"] + revised.counts["changed"] + revised.counts["removed"]

    audit = build_audit(project)
    audit.write_xlsx(out_path)
    m = audit.matrix
    effects = sorted({e for t in m.types for r in m.rows for e in m.cells[t][r].found})
    verdicts = {pid: p.verdict for pid, p in audit.propositions.items()}
    tally = {v: sum(1 for x in verdicts.values() if x == v) for v in VERDICT_WORDS}
    summary = (f"{auto.agreed} agreed values taken over; {written.disagreements} disagreements in "
               f"{written.cases} cases settled in {reconcile_path.name}"
               + (f" ({n_revised} agreed values revised in discussion)" if n_revised else "")
               + f"; Table II of {len(audit.cases_with('included'))} cases: {m.found_cells()} cells with "
               f"evidence, {m.not_found_cells()} not found; verdicts: "
               + ", ".join(f"{n} {VERDICT_WORDS[v]}" for v, n in tally.items() if n))
    return {"summary": summary, "auto_agreed": auto.agreed, "disagreements": written.disagreements,
            "disagreement_cases": written.cases, "settled_in_workbook": filled,
            "revised_agreed_values": n_revised, "cases_audited": len(audit.cases_with("included")),
            "cells_found": m.found_cells(), "cells_not_found": m.not_found_cells(), "effects_found": effects,
            "verdicts": verdicts, "reconcile_workbook": str(reconcile_path), "audit_workbook": str(out_path)}


def _fill_reconcile(path: Path, settled: dict, source: str) -> int:
    """Type each disagreement's agreed value and reason into the workbook, as the coders would; returns rows."""
    import openpyxl

    from duocode.audit.consensus import NOT_CODED_LABEL
    from duocode.codebook import CASE_VARIABLE
    from duocode.audit.reconcile import AGREED_HEADER, REASON_HEADER
    from duocode.xlsx import read_meta_sheet, set_text

    wb = openpyxl.load_workbook(path)
    meta = read_meta_sheet(wb, str(path))
    ws = wb[meta["sheet"]]
    col = {name: i + 1 for i, name in enumerate(meta["columns"])}
    missing = []
    n = 0
    for r in range(2, ws.max_row + 1):
        case_id = ws.cell(row=r, column=col["Case"]).value
        variable = ws.cell(row=r, column=col["Variable"]).value
        if not case_id:
            continue
        row = settled.get(case_id)
        if row is None and variable == CASE_VARIABLE:
            # A passage only one coder marked, which the team's agreed case list does not hold: rejected.
            value, reason = "no", REJECTED_REASON
        elif row is None or variable not in row.values:
            missing.append(f"{case_id} {variable}")
            continue
        else:
            value, reason = row.values[variable], row.extras.get("reason") or "settled in discussion"
        set_text(ws.cell(row=r, column=col[AGREED_HEADER]), NOT_CODED_LABEL if value is None else value)
        set_text(ws.cell(row=r, column=col[REASON_HEADER]), reason)
        n += 1
    if missing:
        raise InputError(f"the demo consensus does not settle {len(missing)} disagreements: "
                         + ", ".join(missing[:10]), path=source, expected="a consensus row for every case")
    wb.save(path)
    return n
