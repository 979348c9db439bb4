"""``duocode refi export|import``: exchange with NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette (REFI-QDA)."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, group, open_project, output_file_option, project_option

refi_group = group("refi", "Exchange projects and codebooks with other QDA tools (REFI-QDA .qdpx and .qdc).")


@refi_group.command("export")
@output_file_option("FILE.qdpx (the whole project) or FILE.qdc (the codebook alone).", required=True)
@project_option
@format_option(["table", "json"])
def refi_export(output, project, fmt):
    """Write the project as a REFI-QDA project (.qdpx) or its codebook as a .qdc.

    The .qdpx holds every document, every case as one selection per coder with that coder's codes, the consensus
    (as the user "consensus", reasons as notes), memos and the informant table; the same project always gives the
    same file. Selections count code points, end exclusive.

    \b
    Example:
      duocode refi export -o study.qdpx --project study
      duocode refi export -o codebook.qdc --project study
    """
    from duocode.interop.refi.exporter import export_refi

    if not output.lower().endswith((".qdpx", ".qdc")):
        raise click.BadParameter(f"{output!r}: name the file .qdpx (the project) or .qdc (the codebook)",
                                 param_hint="-o")
    with open_project(project) as proj:
        emit(export_refi(proj, output), fmt)


@refi_group.command("import")
@click.argument("path", metavar="FILE.qdpx|FILE.qdc", type=click.Path(dir_okay=False))
@click.option("--project", "project", default=".", show_default=True, type=click.Path(file_okay=False),
              help="The project folder to create (new or empty).")
@format_option(["table", "json"])
def refi_import(path, project, fmt):
    """Create a project from a REFI-QDA project (.qdpx) or codebook (.qdc) written by another tool or by duocode.

    Sources become documents, selections cases (with several coders: each coder's case proposals, merged), codes
    each coder's codes, the code tree a codebook (a folder of codes -> a nominal variable, a lone code -> a yes/no
    variable; a duocode export gets its own codebook back). Offsets from NVivo (UTF-16, CRLF) are converted.
    Unsafe files (entities, ../ paths, zip bombs) are refused and nothing is written.

    \b
    Example:
      duocode refi import nvivo-export.qdpx --project study
      duocode refi import codebook.qdc --project pilot --format json
    """
    from duocode.interop.refi.importer import import_refi

    emit(import_refi(path, project), fmt)
