"""Dual coding results for a terminal (rich)."""
from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from duocode._util import plural
from duocode.coding import (CaseScreen, CodesExport, CodesImportResult, ImportSheetResult, MergeResult,
                            ProposalsImportResult, SheetResult, StatusResult, TerminalResult)
from duocode.coding import SpanAgreementResult
from duocode.render import renders


@renders(CodesImportResult)
def codes_import_result(result: CodesImportResult) -> list:
    c = result.counts
    return [f"Imported {plural(result.rows, 'case')} for coder [bold]{result.coder}[/bold] from {result.path}: "
            f"{c['added']} added, {c['changed']} changed, {c['removed']} removed, {c['unchanged']} unchanged."
            ] + [f"[yellow]Warning:[/yellow] {escape(w)}" for w in result.warnings]


@renders(CodesExport)
def codes_export(result: CodesExport) -> list:
    table = Table(title=f"Codes of {result.coder} ({plural(len(result.rows), 'case')})")
    for col in result.columns:
        table.add_column(col, overflow="fold")
    for row in result.rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in result.columns))
    return [table]


@renders(ImportSheetResult)
def import_sheet_result(result: ImportSheetResult) -> list:
    c = result.counts
    return [f"Imported {result.path} for coder [bold]{result.coder}[/bold] ({plural(result.cases, 'case')}): "
            f"{c.get('added', 0)} codes added, {c.get('changed', 0)} changed, {c.get('removed', 0)} removed, "
            f"{c.get('unchanged', 0)} unchanged; {plural(result.memos_changed, 'memo')} changed."]


@renders(ProposalsImportResult)
def proposals_import_result(result: ProposalsImportResult) -> list:
    again = f" ({result.unchanged} already there)" if result.unchanged else ""
    return [f"Stored {plural(result.added, 'proposed case')} of coder [bold]{result.coder}[/bold] from "
            f"{result.path}{again}. Run `duocode cases merge` when every coder's proposals are in."]


@renders(MergeResult)
def merge_result(result: MergeResult) -> list:
    lines: list = [f"Merged {plural(result.proposals, 'proposal')}: {result.linked} linked to existing cases, "
                   f"{plural(len(result.new_cases), 'new case')}"
                   + (f" ({', '.join(result.new_cases[:8])}{', ...' if len(result.new_cases) > 8 else ''})"
                      if result.new_cases else "") + "."]
    if result.is_case:
        table = Table(title="Derived is_case codes per coder")
        for col in ("coder", "yes", "no"):
            table.add_column(col, justify="left" if col == "coder" else "right")
        for coder, n in result.is_case.items():
            table.add_row(coder, str(n.get("yes", 0)), str(n.get("no", 0)))
        lines.append(table)
    lines += [f"[yellow]warning:[/yellow] {w}" for w in result.warnings]
    return lines


@renders(SheetResult)
def sheet_result(result: SheetResult) -> list:
    extra = " with pre-coder suggestions" if result.with_suggestions else ""
    own = f"; {plural(result.prefilled, 'earlier code')} of this coder filled in" if result.prefilled else ""
    return [f"Wrote {result.path}: {plural(result.cases, 'case')} x {plural(len(result.variables), 'variable')} "
            f"for coder [bold]{result.coder}[/bold]{extra} ({result.order} order, seed {result.seed}{own})."]


@renders(StatusResult)
def status_result(result: StatusResult) -> list:
    notes = [f"{v}: not coded ({why})" for v, why in result.not_coded.items()]
    if not result.coders:
        return [f"{result.total_cases} cases; nobody has coded yet. Start with `duocode sheet --coder NAME -o "
                "FILE.xlsx` or `duocode code --coder NAME`.", *notes]
    table = Table(title=f"Coding progress: {result.total_cases} cases", caption=f"codebook {result.codebook}")
    table.add_column("variable")
    for c in result.coders:
        table.add_column(c.coder, justify="right")
    for v in result.variables:
        if v in result.not_coded and not any(c.coded.get(v) for c in result.coders):
            continue
        table.add_row(v, *(f"{c.coded.get(v, 0)}/{result.total_cases}" for c in result.coders))
    table.add_row("[bold]complete cases[/bold]", *(f"{c.complete}/{result.total_cases}" for c in result.coders))
    table.add_row("memos", *(str(c.memos) for c in result.coders))
    out: list = [table, *notes]
    if result.proposals:
        out.append("Case proposals: " + ", ".join(f"{k} {n}" for k, n in sorted(result.proposals.items())))
    return out


@renders(TerminalResult)
def terminal_result(result: TerminalResult) -> list:
    text = (f"Saved {plural(result.saved, 'code')} and {plural(result.memos, 'memo')} for coder "
            f"[bold]{result.coder}[/bold].")
    if result.remaining_cases:
        text += (f" {plural(result.remaining_cases, 'case')} of {result.total_cases} still "
                 f"{'has' if result.remaining_cases == 1 else 'have'} questions left: run "
                 f"`duocode code --coder {result.coder}` again to resume.")
    elif result.total_cases == 1:
        text += " The case is coded."
    else:
        text += f" All {result.total_cases} cases are coded."
    if result.not_asked:
        text += f" Not asked: {result.not_asked}."
    return [text]


def case_screen(screen: CaseScreen, *, color: bool = False, width: int = 100) -> str:
    """A case in ``duocode code``: a rule with where it is from, the context dimmed, the case in a panel, the
    coder's memo; terminal escape codes only when ``color``."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=color, no_color=not color, highlight=False,
                      soft_wrap=False)
    parts: list = [Rule(screen.heading)]
    if screen.before:
        parts.append(Text(screen.before, style="dim italic"))
    parts.append(Panel(Text(screen.text, style="bold"), title=f"case {screen.case_id}", title_align="left",
                       expand=False))
    if screen.after:
        parts.append(Text(screen.after, style="dim italic"))
    if screen.memo:
        parts.append(Text(f"your memo: {screen.memo}", style="cyan"))
    for part in parts:
        console.print(part)
    return buf.getvalue().rstrip("\n")


@renders(SpanAgreementResult)
def span_agreement_result(result: SpanAgreementResult) -> list:
    table = Table(title=f"Case-finding span agreement: {', '.join(result.coders)}")
    table.add_column("document", overflow="fold")
    for coder in result.coders:
        table.add_column(f"spans {coder}", justify="right")
    for col in ("|uα", "95% CI", "γ"):
        table.add_column(col, justify="right")
    rows = list(result.documents.items()) + [("overall", result.overall)]
    for i, (doc, s) in enumerate(rows):
        ci = "" if s.ci_low is None else f"{s.ci_low:.3f} to {s.ci_high:.3f}"
        table.add_row(Text(doc, style="bold" if doc == "overall" and i == len(rows) - 1 else ""),
                      *[str(s.spans.get(c, 0)) for c in result.coders], _fmt_span(s.u_alpha), ci, _fmt_span(s.gamma),
                      end_section=i == len(rows) - 2)
    notes = [f"|uα: Krippendorff, Mathet, Bouvry & Widlöcher (2016), eq. 6, on each document's text; 95% CI from "
             f"{result.bootstrap} bootstrap resamples of the marked stretches. γ: Mathet, Widlöcher & Métivier "
             f"(2015), chance disorder from {result.samples} random continua. Seed {result.seed}."]
    reasons = sorted({r for s in rows for r in (s[1].u_alpha_reason, s[1].gamma_reason) if r})
    notes += [f"n/a: {r}" for r in reasons]
    return [table, *[Text(n) for n in notes]]


def _fmt_span(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
