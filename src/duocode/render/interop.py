"""``duocode refi export|import`` for a terminal (rich)."""
from __future__ import annotations

from rich.text import Text

from duocode.interop.refi.exporter import RefiExportResult
from duocode.interop.refi.importer import RefiImportResult
from duocode.render import renders


def _warnings(warnings: list[str]) -> list:
    return [Text(f"warning: {w}", style="yellow") for w in warnings]


@renders(RefiExportResult)
def refi_export(result: RefiExportResult) -> list:
    if result.kind == "qdc":
        lines = [Text(f"Wrote the codebook to {result.path} ({result.codes} codes).")]
    else:
        lines = [Text(f"Wrote {result.path}: {result.documents} documents, {result.codes} codes, "
                      f"{result.selections} selections with {result.codings} codings by "
                      f"{', '.join(result.coders) or 'nobody'}, {result.informants} informants as cases, "
                      f"{result.notes} notes.")]
    return lines + _warnings(result.warnings)


@renders(RefiImportResult)
def refi_import(result: RefiImportResult) -> list:
    return [Text(f"Imported {result.path} into {result.project}: {result.documents} documents, {result.cases} "
                 f"cases from {result.selections} selections, {result.codings} codings by "
                 f"{', '.join(result.coders) or 'nobody'}; {result.codes} codes in the file, codebook "
                 f"{result.codebook}.")] + _warnings(result.warnings)
