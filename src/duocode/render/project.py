"""``duocode init`` and ``duocode demo`` for a terminal (rich)."""
from __future__ import annotations

from rich.table import Table

from duocode.demo import DemoResult
from duocode.project import InitResult, MigrateResult, TeamList
from duocode.render import renderer, renders, tables


@renders(DemoResult)
def demo_result(result: DemoResult) -> list:
    table = Table(title=f"duocode demo: {result.directory}")
    table.add_column("step")
    table.add_column("result", overflow="fold")
    for step, res in result.steps:
        table.add_row(step, res)
    out: list = [table]
    if result.agreement is not None:
        out.append(_agreement_summary(result.agreement))
    if result.evaluation is not None and renderer(result.evaluation) is not None:
        out.extend(tables(result.evaluation))
    if result.audit_path:
        out.append(f"[bold]Audit workbook:[/bold] {result.audit_path}")
    if result.report_path:
        out.append(f"[bold]Methods report:[/bold] {result.report_path}")
    return out


@renders(InitResult)
def init_result(result: InitResult) -> list:
    where = f" in the PostgreSQL database {result.database}" if result.database else ""
    return [f"Created project [bold]{result.directory}[/bold]{where} with codebook {result.codebook_id} "
            f"(version {result.codebook_version})."]


@renders(MigrateResult)
def migrate_result(result: MigrateResult) -> list:
    moved = ", ".join(f"{n} {t}" for t, n in result.rows.items() if n)
    return [f"Moved project [bold]{result.project}[/bold] from {result.source} to {result.target} ({moved}); every "
            "row was read back and compared before the folder switched."]


@renders(TeamList)
def team_list(result: TeamList) -> list:
    table = Table(title=f"Team of {result.project}")
    for col in ("role", "coder", "rights", "added"):
        table.add_column(col)
    for r in result.roles:
        table.add_row(r.role, r.coder or "", "lead: reads every coder's codes" if r.lead else
                      "coder: own codes, and every coder's once reconciled", r.added_at)
    return [table]


def _agreement_summary(agreement) -> Table:
    data = agreement.to_dict()["variables"]
    table = Table(title="Agreement between the demo coders (per variable)")
    for col in ("variable", "% agreement", "Cohen's kappa", "Krippendorff's alpha", "units"):
        table.add_column(col, justify="right" if col != "variable" else "left")

    def fmt(coef):
        v = coef.get("value") if coef else None
        return "—" if v is None else f"{v:.3f}"

    for var, res in data.items():
        c = res["coefficients"]
        table.add_row(var, fmt(c.get("percent_agreement")), fmt(c.get("cohen_kappa")),
                      fmt(c.get("krippendorff_alpha")), str(res.get("n_units", "")))
    return table
