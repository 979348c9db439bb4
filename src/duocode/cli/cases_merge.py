"""``duocode cases merge``: coders' case proposals become cases, with each coder's ``is_case`` derived."""
from __future__ import annotations

from duocode.cli._base import emit, format_option, open_project, project_option

try:
    from duocode.cli.cases import cases_group
except ImportError:  # pragma: no cover - only while the `cases` command module is not there
    from duocode.cli._base import group

    cases_group = group("cases", "Cases: spans of one document that are coded.")


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
    from duocode.coding.proposals import merge_cases

    with open_project(project) as p:
        emit(merge_cases(p), fmt)
