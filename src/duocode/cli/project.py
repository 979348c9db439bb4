"""``duocode init``."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, main


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--codebook", default="tmp", show_default=True,
              help="A bundled codebook name (tmp) or the path of a codebook YAML file.")
@format_option(["table", "json"])
def init(directory, codebook, fmt):
    """Create a project in DIRECTORY (duocode.db, with the codebook stored in it).

    \b
    Example:
      duocode init study --codebook tmp
    """
    from duocode.project import init_project

    emit(init_project(directory, codebook), fmt)
