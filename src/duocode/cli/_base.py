"""Shared pieces of every command: the group, common options, error handling and output rendering.

A command body parses, calls one ``duocode.<stage>`` function, and hands the result to :func:`emit`. Results are
dataclasses offering some of ``to_dict()`` (json), ``tables()`` (rich renderables for humans), ``to_csv()``,
``to_markdown()`` and ``write_xlsx(path)``.
"""
from __future__ import annotations

import json
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

output_option = click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
                             help="Write to this file; its extension picks the format unless --format is given.")


def format_option(choices: list[str] | tuple[str, ...] = ("table", "json")):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=None,
                        help=f"Output format ({', '.join(choices)}); default: from -o's extension, else "
                             f"{choices[0]}.")


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


def emit(result: Any, fmt: str | None, output: str | None = None, *, default: str = "table") -> None:
    """Render ``result`` in ``fmt`` to stdout or to ``output``."""
    fmt = resolve_format(fmt, output, default)
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
        click.echo(f"Wrote {output}")
    else:
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                from rich.console import Console

                c = Console(file=fh, width=120, soft_wrap=False)
                for renderable in result.tables():
                    c.print(renderable)
            click.echo(f"Wrote {output}")
            return
        c = console()
        for renderable in result.tables():
            c.print(renderable)


def _write_or_echo(text: str, output: str | None, newline: str | None = None) -> None:
    if output:
        with open(output, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
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
