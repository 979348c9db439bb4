"""``duocode codebook show|validate``."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, group, open_project, project_option

codebook_group = group("codebook", "Show or check a codebook (YAML, validated on load).")


@codebook_group.command("show")
@click.argument("path", required=False)
@project_option
@format_option(["table", "json"])
def codebook_show(path, project, fmt):
    """Print a codebook: PATH (a YAML file or a bundled name), else the project's stored codebook.

    \b
    Example:
      duocode codebook show tmp
      duocode codebook show --project study --format json
    """
    from duocode.codebook import show_codebook

    emit(show_codebook(_codebook(path, project)), fmt)


@codebook_group.command("validate")
@click.argument("path", required=False)
@project_option
@format_option(["table", "json"])
def codebook_validate(path, project, fmt):
    """Check a codebook; every problem is listed with its YAML line (exit 1 if any).

    \b
    Example:
      duocode codebook validate codebooks/tmp.yaml
    """
    from duocode.codebook import validate_summary

    emit(validate_summary(_codebook(path, project)), fmt)


def _codebook(path, project):
    """PATH (a YAML file or bundled name) as given, else the codebook stored in the project."""
    if path:
        return path
    with open_project(project) as opened:
        return opened.codebook
