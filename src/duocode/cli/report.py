"""``duocode report``: the methods-and-results report."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, main, open_project, output_file_option, project_option


@main.command("report")
@output_file_option("The report to write: .md (pastes into a paper), .docx or .html (with figures).")
@format_option(["json"])
@click.option("--bootstrap", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Bootstrap replicates for the agreement and span-agreement intervals.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the intervals (the same as `duocode agree --seed`).")
@project_option
def report_command(output, fmt, bootstrap, seed, project):
    """Write the methods-and-results report: corpus, case finding, coding, agreement, reconciliation, the audit
    and the pre-coder, every figure taken from the project (nothing is written to it).

    \b
    Example:
      duocode report -o methods.md --project study
      duocode report -o methods.docx --project study
      duocode report --format json --project study
    """
    from duocode.report import build_report, report_format, write_report

    if output and not fmt and output.lower().endswith(".json"):
        fmt = "json"
    if not output and not fmt:
        raise click.UsageError("give -o FILE.md|FILE.docx|FILE.html or --format json")
    if output and not fmt:
        report_format(output)          # a bad extension is refused before any work
    with open_project(project) as proj:
        result = build_report(proj, bootstrap=bootstrap, seed=seed)
    if fmt == "json":
        emit(result, "json", output)
        return
    write_report(result, output)
    click.echo(f"Wrote {output}", err=True)
