"""``duocode cases import|list|merge``."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, group, open_project, output_option, project_option

cases_group = group("cases", "Cases (spans of documents): import, list, and merge coders' proposals.")


@cases_group.command("import")
@click.argument("csv_path", metavar="CSV")
@click.option("--coder", default=None,
              help="Store the spans as this coder's case proposals (merged later by `duocode cases merge`).")
@project_option
@format_option(["table", "json"])
def cases_import(csv_path, coder, project, fmt):
    """Import cases from a CSV: case_id, document, and either quote or start and end.

    Quotes must occur exactly once in their document; offsets are 0-based characters, end-exclusive.
    Nothing is imported unless every row is valid.

    \b
    Example:
      duocode cases import cases.csv --project study
      duocode cases import anna_cases.csv --coder anna --project study
    """
    with open_project(project) as proj:
        if coder is not None:
            from duocode.coding import import_proposals

            result = import_proposals(proj, csv_path, coder)
        else:
            from duocode.ingest import import_cases

            result = import_cases(proj, csv_path)
        emit(result, fmt)


@cases_group.command("list")
@click.option("--source", type=click.Choice(["human", "precoder"]), default=None,
              help="Only cases from this source.")
@click.option("--all", "all_statuses", is_flag=True,
              help="Also pre-coder candidates and rejected cases (adds a status column).")
@project_option
@format_option(["table", "json", "csv"])
@output_option
def cases_list(source, all_statuses, project, fmt, output):
    """List cases: case_id, document, start, end, text, source.

    \b
    Example:
      duocode cases list --project study
      duocode cases list --format json --project study
      duocode cases list -o cases.csv --project study
    """
    from duocode.ingest import list_cases_result

    with open_project(project) as proj:
        emit(list_cases_result(proj, source=source, all_statuses=all_statuses), fmt, output)


@cases_group.command("merge")
@project_option
@format_option(["table", "json"])
def cases_merge(project, fmt):
    """Turn every coder's proposed cases into cases: overlapping proposals of different coders become one case
    (one overlapping an existing case joins it; new ids continue the numbering), and each proposing coder gets
    is_case = yes where a proposal of theirs overlaps the case, no where none does.

    \b
    Example:
      duocode cases import ines_cases.csv --coder ines --project study
      duocode cases import jonas_cases.csv --coder jonas --project study
      duocode cases merge --project study
    """
    from duocode.coding import merge_cases

    with open_project(project) as p:
        emit(merge_cases(p), fmt)
