"""``duocode reconcile``, ``duocode consensus import`` and ``duocode audit``."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, group, main, open_project, output_file_option, project_option

consensus_group = group("consensus", "Consensus codes: settled values with who decided, when and why.")


@main.command()
@output_file_option("The reconcile workbook to write (.xlsx).", required=True)
@project_option
@format_option(["table", "json"])
def reconcile(output, project, fmt):
    """Write a workbook of every disagreement between the coders, to settle as consensus.

    Values all coders agree on become consensus first (reason "agreed"). Each row of the workbook is one case and
    variable where the coders differ, their values side by side with the case text; fill "Agreed value" (a
    dropdown) and "Reason", then read it back with `duocode import-sheet`.

    \b
    Example:
      duocode reconcile -o reconcile.xlsx --project study
      duocode import-sheet reconcile.xlsx --project study
    """
    from duocode.audit import write_reconcile

    with open_project(project) as proj:
        emit(write_reconcile(proj, output), fmt)


@consensus_group.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(dir_okay=False))
@click.option("--decided-by", default=None,
              help="Who settled these values (default: the coders, e.g. 'ines & jonas'); a decided_by column "
                   "overrides it per row.")
@project_option
@format_option(["table", "json"])
def consensus_import(csv_path, decided_by, project, fmt):
    """Import consensus values settled outside duocode: the `codes import` layout plus a reason column.

    A blank cell means the variable stays not coded. Every cell is checked before anything is written; values
    all coders agree on are then taken over automatically.

    \b
    Example:
      duocode consensus import settled.csv --project study
    """
    from duocode.audit import import_consensus_csv

    with open_project(project) as proj:
        emit(import_consensus_csv(proj, csv_path, decided_by=decided_by), fmt)


@main.command()
@output_file_option("Write to this file (.xlsx, .md or .json); its extension picks the format.")
@format_option(["table", "xlsx", "md", "json"])
@click.option("--allow-unresolved", is_flag=True,
              help="Audit even with unsettled disagreements: those cases are left out and the outputs say so.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=0, show_default=True,
              help="Bootstrap replicates for the confidence intervals in the workbook's Agreement sheet.")
@click.option("--seed", type=int, default=None, help="Seed for the bootstrap (reproducible intervals).")
@project_option
def audit(output, fmt, allow_unresolved, bootstrap, seed, project):
    """Build the audit from consensus codes: Table II, evidence, propositions, agreement and the log.

    Refused while a disagreement is unresolved (each is listed) unless --allow-unresolved. Without -o or
    --format, prints Table II.

    \b
    Example:
      duocode audit -o audit.xlsx --bootstrap 1000 --seed 1 --project study
      duocode audit --format md --project study > table2.md
      duocode audit --format json --project study
    """
    from duocode.audit import build_audit

    with open_project(project) as proj:
        result = build_audit(proj, allow_unresolved=allow_unresolved, bootstrap=bootstrap, seed=seed)
        emit(result, fmt, output)
