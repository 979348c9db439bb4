"""``duocode ingest`` and ``duocode documents list|show``."""
from __future__ import annotations

import sys

import click

from duocode.cli._base import emit, format_option, group, main, open_project, output_option, project_option

# Below this many files a bar only flickers; above it the researcher wants to see that something happens.
PROGRESS_MIN_FILES = 10


class _ProgressBar:
    """A rich progress bar on stderr, started on the first report and only for many files on a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < PROGRESS_MIN_FILES:
            return
        if self.bar is None:
            from rich.progress import Progress

            from duocode.cli._base import console

            self.bar = Progress(console=console(err=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Reading transcripts", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--informants", "informants_csv", default=None, metavar="CSV",
              help="A CSV with a column `informant` (a document id) and attribute columns.")
@click.option("--replace", is_flag=True, help="Replace stored documents whose text changed (refused while "
                                               "a document has cases).")
@project_option
@format_option(["table", "json"])
def ingest_command(paths, informants_csv, replace, project, fmt):
    """Add transcripts (.txt, .md, .docx, .pdf, .vtt, .srt files or folders) to the project.

    Every file is checked before anything is written; an identical file already stored is left unchanged.
    A PDF is read from its text layer (a scan without one is refused: run OCR on it first).

    \b
    Example:
      duocode ingest interviews/ --informants informants.csv --project study
      duocode ingest interviews/H01.docx --replace --project study
    """
    from duocode import ingest   # the function ingest shares its module's name: call it through the face

    progress = _ProgressBar(sys.stderr.isatty())
    with open_project(project) as proj:
        try:
            result = ingest.ingest(proj, paths, informants=informants_csv, replace=replace, progress=progress)
        finally:
            progress.close()
        emit(result, fmt)


documents_group = group("documents", "List stored documents or show one with its exact text and turns.")


@documents_group.command("list")
@project_option
@format_option(["table", "json", "csv"])
@output_option
def documents_list_command(project, fmt, output):
    """List the stored documents with their size, turns, speakers and informant.

    \b
    Example:
      duocode documents list --project study --format json
    """
    from duocode.ingest import documents_list

    with open_project(project) as proj:
        emit(documents_list(proj), fmt, output)


@documents_group.command("show")
@click.argument("document_id")
@project_option
@format_option(["table", "json"])
@output_option
def documents_show_command(document_id, project, fmt, output):
    """Show one document: the exact stored text that all offsets index, and its speaker turns.

    \b
    Example:
      duocode documents show H01 --project study --format json
    """
    from duocode.ingest import document_show

    with open_project(project) as proj:
        emit(document_show(proj, document_id), fmt, output)
