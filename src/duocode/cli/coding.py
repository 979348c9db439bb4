"""Dual coding: ``codes import|export``, ``sheet``, ``import-sheet``, ``code`` and ``status``."""
from __future__ import annotations

import sys

import click

from duocode.cli._base import (emit, format_option, group, main, open_project, output_file_option,
                              output_option, project_option)

codes_group = group("codes", "Import or export one coder's codes as CSV (wide: case_id plus one column per "
                             "variable).")

CASES_HELP = "Comma-separated case ids (default: every case)."
VARIABLES_HELP = "Comma-separated variable ids (default: every codebook variable)."


@codes_group.command("import")
@click.argument("csv_path", type=click.Path())
@click.option("--coder", required=True, help="The coder the codes belong to (not precoder or consensus).")
@project_option
@format_option(["table", "json"])
def codes_import(csv_path, coder, project, fmt):
    """Import a coder's codes from a wide CSV (case_id plus variable columns; a blank cell = not coded).

    Every cell is checked against the codebook first (values match case-insensitively after trimming); one
    bad cell and nothing is written.

    \b
    Example:
      duocode codes import ines.csv --coder ines --project study
    """
    from duocode.coding import import_codes

    with open_project(project) as p:
        emit(import_codes(p, csv_path, coder), fmt)


@codes_group.command("export")
@click.option("--coder", default=None, help="Export this coder's codes.")
@click.option("--consensus", is_flag=True, help="Export the consensus codes (with a reason column).")
@project_option
@format_option(["csv", "json"])
@output_option
def codes_export(coder, consensus, project, fmt, output):
    """Export a coder's (or the consensus) codes in the wide layout; a coder without codes gives the header.

    \b
    Example:
      duocode codes export --coder ines -o ines.csv
      duocode codes export --consensus --format json
    """
    from duocode.coding import export_codes

    if (coder is None) == (not consensus):
        raise click.UsageError("give exactly one of --coder NAME or --consensus")
    with open_project(project) as p:
        emit(export_codes(p, coder=coder, consensus=consensus), fmt, output, default="csv")


@main.command("sheet")
@click.option("--coder", required=True, help="The coder the workbook is for.")
@output_file_option("The workbook to write (.xlsx).", required=True)
@click.option("--cases", default=None, metavar="IDS", help=CASES_HELP)
@click.option("--variables", default=None, metavar="IDS", help=VARIABLES_HELP)
@click.option("--seed", type=int, default=None, help="Seed of the random case order (combined with the coder's "
                                                      "name; default: fixed per project).")
@click.option("--order", type=click.Choice(["random", "document"]), default="random", show_default=True,
              help="Case order: random per coder, or by document and position.")
@click.option("--with-suggestions", is_flag=True,
              help="Add the pre-coder's suggestions in separate, labelled columns (logged). Refused while the "
                   "project hides them (the default; see `duocode precode settings --show-suggestions`).")
@project_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None,
              help="How to report what was written: table (default) or json.")
def sheet_command(coder, output, cases, variables, seed, order, with_suggestions, project, fmt):
    """Write a blind coding workbook for one coder: one row per case, a dropdown per variable, a memo column,
    the codebook on a second sheet. No other coder's codes; pre-coder suggestions only when asked and allowed.

    \b
    Example:
      duocode sheet --coder ines -o ines.xlsx --project study
      duocode sheet --coder jonas -o jonas.xlsx --cases C01,C02 --variables tmp_type,summary --seed 7
    """
    from duocode.coding import write_sheet

    with open_project(project) as p:
        emit(write_sheet(p, coder, output, cases=cases, variables=variables, seed=seed,
                         with_suggestions=with_suggestions, order=order), fmt)


@main.command("import-sheet")
@click.argument("workbook", type=click.Path())
@project_option
@format_option(["table", "json"])
def import_sheet_command(workbook, project, fmt):
    """Read a filled coding (or reconcile) workbook back; the coder is taken from the workbook.

    Rows are matched by their case id (sorting is fine). Every cell is checked first and every problem listed as
    Sheet!Cell; one problem and nothing is written. A cell that would overwrite a code changed in the project
    after the workbook was written (or last imported) is refused: write a fresh workbook with `duocode sheet`.

    \b
    Example:
      duocode import-sheet ines.xlsx --project study
    """
    from duocode.audit import import_reconcile_sheet
    from duocode.coding import import_sheet

    with open_project(project) as p:
        emit(import_sheet(p, workbook, other_kinds={"reconcile": import_reconcile_sheet}), fmt)


def _stdin_reader():
    def ask(prompt: str) -> str:
        click.echo(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            click.echo()
            raise EOFError
        return line.rstrip("\r\n")
    return ask


@main.command("code")
@click.option("--coder", required=True, help="Your coder name.")
@click.option("--cases", default=None, metavar="IDS", help=CASES_HELP)
@click.option("--variables", default=None, metavar="IDS", help=VARIABLES_HELP)
@click.option("--with-suggestions", is_flag=True,
              help="Show the pre-coder's suggestion under each question (logged). Refused while the project "
                   "hides them (the default; see `duocode precode settings --show-suggestions`).")
@project_option
def code_command(coder, cases, variables, with_suggestions, project):
    """Code cases in the terminal, one question at a time; every answer is saved at once.

    Keys: a number chooses, Enter keeps (or skips), ? shows the definition, s skips, b goes back, m writes a
    memo, q quits. The next session resumes at the first case with a question left.

    \b
    Example:
      duocode code --coder ines --project study
    """
    from duocode.coding import code_interactively
    from duocode.render.coding import case_screen

    with open_project(project) as p:
        result = code_interactively(p, coder, input_fn=_stdin_reader(), output_fn=click.echo, cases=cases,
                                    variables=variables, color=sys.stdout.isatty(),
                                    with_suggestions=with_suggestions, draw_case=case_screen)
        emit(result, None)


@main.command("status")
@project_option
@format_option(["table", "json", "csv"])
@output_option
def status_command(project, fmt, output):
    """Each coder's progress: coded / total cases per variable (never the values, so coders stay blind).

    \b
    Example:
      duocode status --project study
    """
    from duocode import coding   # the function status shares its module's name: call it through the face

    with open_project(project) as p:
        emit(coding.status(p), fmt, output)
