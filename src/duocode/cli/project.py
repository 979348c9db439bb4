"""``duocode init``."""
from __future__ import annotations

import click

from duocode.cli._base import directory_or_project, emit, format_option, main


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--codebook", default="tmp", show_default=True,
              help="A bundled codebook name (tmp) or the path of a codebook YAML file.")
@click.option("--project", "project", default=None, type=click.Path(file_okay=False),
              help="The project folder (the same as DIRECTORY; default: the current folder).")
@click.option("--database", "database", default=None, metavar="URL",
              help="Keep the project in this PostgreSQL database (postgresql://USER@HOST/DB; default: "
                   "$DUOCODE_DATABASE, else a SQLite file). The folder records the URL, never a password.")
@format_option(["table", "json"])
def init(directory, codebook, project, database, fmt):
    """Create a project in DIRECTORY (duocode.db, with the codebook stored in it).

    \b
    Example:
      duocode init study --codebook tmp
      duocode init study --database postgresql://lead@db.example.org/study
    """
    from duocode.project import init_project

    emit(init_project(directory_or_project(directory, project, "."), codebook, database=database), fmt)
