"""``duocode demo``."""
from __future__ import annotations

import click

from duocode.cli._base import directory_or_project, emit, format_option, main, stage_progress


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--project", "project", default=None, type=click.Path(file_okay=False),
              help="The project folder to build (the same as DIRECTORY; default: demo-project).")
@click.option("--learning-curve", is_flag=True,
              help="Also compute the pre-coder's learning curve (several times slower).")
@click.option("--codebook", "codebook", default="tmp", show_default=True,
              help="The bundled codebook whose bundled corpus the demo runs on; an unknown one is refused with "
                   "the list of those that have a corpus.")
@format_option(["table", "json"])
def demo(directory, project, learning_curve, codebook, fmt):
    """Build a project from the bundled demo corpus and run every stage, ending with the audit workbook.

    An earlier demo project in DIRECTORY is rebuilt from scratch, unless the folder holds other files or
    the work of other coders (then it is refused, unchanged).

    \b
    Example:
      duocode demo demo-project
      duocode demo other-demo --codebook ID
    """
    from duocode.demo import run_demo

    folder = directory_or_project(directory, project, "demo-project")
    with stage_progress() as say:
        result = run_demo(folder, progress=say, learning_curve=learning_curve, codebook=codebook)
    emit(result, fmt)
