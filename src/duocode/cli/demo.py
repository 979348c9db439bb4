"""``duocode demo``."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, main


@main.command()
@click.argument("directory", default="demo-project", type=click.Path(file_okay=False))
@format_option(["table", "json"])
def demo(directory, fmt):
    """Build a project from the bundled demo corpus and run every stage, ending with the audit workbook.

    \b
    Example:
      duocode demo demo-project
    """
    from duocode.demo import run_demo

    emit(run_demo(directory, progress=lambda msg: click.echo(f"… {msg}", err=True)), fmt)
