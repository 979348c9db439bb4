"""Reconciliation and the audit, for a terminal (rich); agreement over a project: :mod:`duocode.render.agree`."""
from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from duocode.audit import (PROPOSITIONS_GROUP, VERDICT_WORDS, AuditResult, ConsensusImportResult,
                           ReconcileImportResult, ReconcileWorkbook)
from duocode.render import renders


@renders(ConsensusImportResult)
def consensus_import_result(result: ConsensusImportResult) -> list:
    c = result.counts
    return [f"Imported consensus from {result.path} ({result.rows} rows): {c['added']} added, {c['changed']} "
            f"changed, {c['removed']} removed, {c['unchanged']} unchanged; {result.agreed} values agreed by "
            f"all coders taken over; {result.open_disagreements} disagreements still open."]


@renders(ReconcileWorkbook)
def reconcile_workbook(result: ReconcileWorkbook) -> list:
    head = (f"{result.auto_agreed} values agreed by all coders were taken over as consensus. "
            if result.auto_agreed else "")
    if not result.disagreements:
        return [head + f"No open disagreements; {result.path} has no rows to settle."]
    return [head + f"Wrote {result.path}: {result.disagreements} disagreements in {result.cases} cases "
            f"({', '.join(result.coders)}). Fill 'Agreed value' and 'Reason', then "
            f"`duocode import-sheet {result.path}`."]


@renders(ReconcileImportResult)
def reconcile_import_result(result: ReconcileImportResult) -> list:
    c = result.counts
    return [f"Read {result.path}: {result.settled} disagreements settled as consensus ({c['added']} added, "
            f"{c['changed']} changed, {c['unchanged']} unchanged); {result.left_open} rows left blank; "
            f"{result.open_disagreements} disagreements still open in the project."]


@renders(AuditResult)
def audit_result(result: AuditResult) -> list:
    m = result.matrix
    if not result.has_layout:
        out_: list = [f"[italic]{n}[/italic]" for n in result.notes()]
        if result.propositions:
            out_.insert(0, _propositions_table(result, f"Propositions: {result.codebook.title}"))
        return out_
    table = Table(title=f"Table II. Audit matrix: {result.codebook.title}", show_lines=True)
    table.add_column("")
    table.add_column("")
    for t in m.types:
        table.add_column(result.type_label(t), overflow="fold")
    for label, rows in m.row_groups:
        for i, r in enumerate(rows):
            table.add_row(label if i == 0 else "", result.row_label(r),
                          *("\n".join(result.cell_lines(m.cells[t][r])) for t in m.types))
    if m.summary_variable:
        table.add_row(result.summary_group(), "", *("\n".join(result.summary_lines(t)) for t in m.types))
    if result.propositions:
        table.add_row(PROPOSITIONS_GROUP, "", *("\n".join(result.proposition_line(p)
                                                          for p in result.propositions_of(t)) for t in m.types))
    out: list = [table]
    untyped = result.propositions_of(None)
    if untyped:   # they belong to no column (as in the Markdown and the workbook, which give them a line or row)
        out.append(escape("Propositions without a type: "
                          + "; ".join(result.proposition_line(p) for p in untyped)))
    if result.propositions:
        out.append(_propositions_table(result, "Propositions: the tests behind the verdicts"))
    out += [f"[italic]{n}[/italic]" for n in result.notes()]
    return out


def _propositions_table(result: AuditResult, title: str) -> Table:
    props = Table(title=title, show_lines=True)
    for name in ("Proposition", "Verdict", "Test", "p", "Effect size", "To decide"):
        props.add_column(name, overflow="fold")
    props.add_column("Basis", overflow="fold")
    for p in result.propositions.values():
        # escaped: explanations quote conditions such as "mode in [phone, video]", which rich reads as markup
        props.add_row(*(escape(text) for text in (p.id, VERDICT_WORDS[p.verdict], *result.proposition_stats(p),
                                                  p.explanation)))
    return props
