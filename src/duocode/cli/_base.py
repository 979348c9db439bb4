"""Shared pieces of every command: the group, common options, error handling and output rendering.

A command body parses, calls one ``duocode.<stage>`` function, and hands the result to :func:`emit`. Results are
dataclasses offering some of ``to_dict()`` (json), ``to_csv()``, ``to_markdown()`` and ``write_xlsx(path)``;
what a terminal shows of them (rich tables and text) is :func:`duocode.render.tables`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from duocode import __version__
from duocode.errors import DuocodeError

FORMAT_BY_SUFFIX = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".md": "md", ".txt": "table"}


class DuocodeGroup(click.Group):
    """A click group that turns :class:`DuocodeError` into exit 1 with one stderr line per problem."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DuocodeError as exc:
            for problem in exc.problems:
                click.echo(f"Error: {problem}", err=True)
            ctx.exit(1)
        except OSError as exc:   # a place that cannot be read or written: one line naming it, never a traceback
            where = exc.filename if exc.filename is not None else "a file"
            click.echo(f"Error: {where}: {exc.strerror or exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was written by the unfinished step.", err=True)
            ctx.exit(130)


@click.group(cls=DuocodeGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="duocode")
def main() -> None:
    """duocode: dual coding of interview transcripts, from transcripts to a Table II audit.

    \b
    Example:
      duocode init study --codebook tmp
      duocode ingest interviews/ --informants informants.csv --project study
    """


def group(name: str, help_text: str) -> click.Group:
    """A sub-group (``duocode cases ...``) that shares the error handling."""
    return main.group(name=name, cls=DuocodeGroup, help=help_text)(lambda: None)


project_option = click.option(
    "--project", "project", default=".", show_default=True, type=click.Path(file_okay=False),
    help="The project folder (the one holding duocode.db).")

def writable_output(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The ``-o`` callback of every writing command: a missing or read-only folder is refused while the
    arguments are parsed, before any work is done (see :func:`check_writable`)."""
    if value:
        check_writable(value, param.opts[0])
    return value


def output_file_option(help_text: str, *, required: bool = False):
    """The ``-o/--output FILE`` option of a writing command, checked by :func:`writable_output`."""
    # no default at all when required: this click counts an explicit default=None as a given value
    extra = {"required": True} if required else {"default": None}
    return click.option("-o", "--output", "output", type=click.Path(dir_okay=False), callback=writable_output,
                        help=help_text, **extra)


output_option = output_file_option("Write to this file; its extension picks the format unless --format is given.")


def format_option(choices: list[str] | tuple[str, ...] = ("table", "json")):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=None,
                        help=f"Output format ({', '.join(choices)}); default: from -o's extension, else "
                             f"{choices[0]}.")


def directory_or_project(directory: str | None, project: str | None, default: str) -> str:
    """The folder of ``init``/``demo``: the positional DIRECTORY or ``--project`` (the contract's option)."""
    if directory and project and Path(directory) != Path(project):
        raise click.UsageError(f"DIRECTORY {directory!r} and --project {project!r} name different folders")
    return directory or project or default


def resolve_format(fmt: str | None, output: str | None, default: str = "table") -> str:
    if fmt:
        return fmt
    if output:
        return FORMAT_BY_SUFFIX.get(Path(output).suffix.lower(), default)
    return default


def open_project(project: str):
    from duocode.store import Project

    return Project.open(project)


def console(err: bool = False):
    import os

    from rich.console import Console

    stream = sys.stderr if err else sys.stdout
    # Piped or redirected output (a file, `less`, CI logs) gets room for the wide agreement tables instead of
    # rich's 80-column default; a terminal keeps its own width.
    width = None if (stream.isatty() or os.environ.get("COLUMNS")) else 120
    return Console(stderr=err, soft_wrap=False, highlight=False, width=width)


_METHOD = {"json": "to_dict", "csv": "to_csv", "md": "to_markdown", "xlsx": "write_xlsx"}


def _can_write(result: Any, fmt: str) -> bool:
    if fmt == "table":
        from duocode.render import renderer

        return renderer(result) is not None
    return hasattr(result, _METHOD.get(fmt, ""))


def _supported(result: Any) -> list[str]:
    return [fmt for fmt in (*_METHOD, "table") if _can_write(result, fmt)]


def _check_output(result: Any, fmt: str, output: str | None) -> None:
    """Refuse, before anything is written, an output this command cannot make or a place it must not write."""
    from duocode.errors import InputError

    if not _can_write(result, fmt):
        where = f" ({output})" if output else ""
        raise InputError(f"this command cannot write {fmt}{where}", path=output,
                         expected="one of " + ", ".join(_supported(result)))
    if not output:
        return
    from duocode.store import DB_NAME   # only when writing a file: `duocode agreement FILE.csv` never opens a store

    p = Path(output)
    if p.name == DB_NAME or (p.is_file() and p.read_bytes()[:16] == b"SQLite format 3\x00"):
        raise InputError("refusing to write over a database (a duocode project?)", path=output,
                         expected="a new report file name")


def check_writable(output: str | Path, flag: str = "-o") -> None:
    """Refuse, before any work is written, an output path whose folder is missing, is not a folder, or cannot
    be written to, or that names a folder (the error names the path)."""
    from duocode.errors import InputError

    p = Path(output)
    if p.is_dir():
        raise InputError("is a folder", path=str(output), expected=f"a file name for {flag}")
    parent = p.parent
    if not parent.exists():
        raise InputError("the folder does not exist", path=str(parent), expected=f"an existing folder for {flag}")
    if not parent.is_dir():
        raise InputError("is not a folder", path=str(parent), expected=f"an existing folder for {flag}")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise InputError("cannot be written to (read-only)", path=str(p if p.exists() else parent),
                         expected=f"a writable place for {flag}")


def emit(result: Any, fmt: str | None, output: str | None = None, *, default: str = "table") -> None:
    """Render ``result`` in ``fmt`` to stdout or to ``output``."""
    import io
    import json

    if output and not fmt and Path(output).suffix.lower() not in FORMAT_BY_SUFFIX:
        raise click.UsageError(f"cannot tell the format from the extension of {output!r}; name the file .json, "
                               ".csv, .md, .xlsx or .txt, or give --format")
    fmt = resolve_format(fmt, output, default)
    _check_output(result, fmt, output)
    if fmt == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=_json_default)
        _write_or_echo(text, output)
    elif fmt == "csv":
        _write_or_echo(result.to_csv(), output, newline="")
    elif fmt == "md":
        _write_or_echo(result.to_markdown(), output)
    elif fmt == "xlsx":
        if not output:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx")
        result.write_xlsx(output)
        click.echo(f"Wrote {output}", err=True)
    else:
        from duocode.render import tables

        if output:
            from rich.console import Console

            text = io.StringIO()
            c = Console(file=text, width=120, soft_wrap=False)
            for renderable in tables(result):
                c.print(renderable)
            _write_or_echo(text.getvalue(), output)
            return
        c = console()
        for renderable in tables(result):
            c.print(renderable)


def _write_or_echo(text: str, output: str | None, newline: str | None = None) -> None:
    if output:
        # Write next to the target and rename, so an interrupted run never leaves half a report.
        from duocode.files import replace_atomically

        def into(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8", newline=newline) as fh:
                fh.write(text if text.endswith("\n") else text + "\n")

        replace_atomically(output, into)
        # Keep stdout clean for machine formats written to a file: the note goes to stderr.
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text.rstrip("\n"))
        sys.stdout.flush()


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")


class stage_progress:
    """A :data:`duocode._util.Progress` on stderr for long commands: on a terminal a rich bar per stage with
    its count (when the stage reports one) and elapsed time, the stage before ticked off when the next begins;
    elsewhere (pipes, CI logs) a plain line as each stage begins, never one per item.

    Use as ``with stage_progress() as report: run(..., progress=report)``."""

    def __enter__(self):
        self._progress, self._task, self._stage = None, None, None
        if sys.stderr.isatty():
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            self._progress = Progress(SpinnerColumn(finished_text="[green]✓[/green]"),
                                      TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=console(err=True))
            self._progress.start()
        return self

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        if stage != self._stage:
            self._stage = stage
            if self._progress is None:
                click.echo(f"… {stage}", err=True)
            else:
                self._finish()
                self._task = self._progress.add_task(stage, total=total)
        if self._progress is not None and done is not None:
            self._progress.update(self._task, completed=done, total=total)

    def _finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[-1]
            total = task.total if task.total is not None else 1
            self._progress.update(self._task, total=total, completed=total)

    def __exit__(self, exc_type, *exc) -> None:
        if self._progress is not None:
            if exc_type is None:   # a stage cut short by an error is not ticked off
                self._finish()
            self._progress.stop()
