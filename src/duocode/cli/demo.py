"""``duocode demo``."""
from __future__ import annotations

import click

from duocode.cli._base import directory_or_project, emit, format_option, main


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


class stage_progress:
    """Progress on stderr, one line per stage: on a terminal a rich bar with the stage's elapsed time (the
    stage before is ticked off when the next begins); elsewhere (pipes, CI logs) a plain line per stage."""

    def __enter__(self):
        import sys

        self._progress, self._task = None, None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(finished_text="[green]✓[/green]"),
                                      TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                      console=Console(stderr=True))
            self._progress.start()
        return self

    def __call__(self, message: str) -> None:
        if self._progress is None:
            click.echo(f"… {message}", err=True)
            return
        self._finish()
        self._task = self._progress.add_task(message, total=None)

    def _finish(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, total=1, completed=1)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._finish()
            self._progress.stop()
