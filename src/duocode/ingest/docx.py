"""Word (``.docx``) transcripts, read with python-docx.

The stored text is the document's paragraphs in body order, one per line (a table row becomes one line with
its cells separated by tabs); speaker turns are found in it as in plain text, with every paragraph allowed to
open a turn (``Interviewer: ...``).
"""
from __future__ import annotations

import io
from pathlib import Path

from duocode.errors import InputError
from duocode.files import check_zip
from duocode.decode import normalize_newlines, read_bytes
from duocode.ingest.text import find_turns
from duocode.store import Document


def docx_text(data: bytes, path: str) -> str:
    """The paragraphs (and table rows) of a .docx file, one per line, LF line endings."""
    import docx

    if not data:
        raise InputError("the file is empty", path=path, expected="a Word .docx document with some text")
    _check_container(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, PackageNotFoundError, KeyError for missing parts, XML errors
        raise InputError(f"cannot be read as a Word .docx document ({type(exc).__name__}: {exc})", path=path,
                         expected="a .docx saved by Word or LibreOffice (old binary .doc files are not "
                                  "supported: save them as .docx)") from None
    lines: list[str] = []
    body = document.iter_inner_content() if hasattr(document, "iter_inner_content") else document.paragraphs
    for block in body:
        if hasattr(block, "rows"):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.replace("\n", " ").strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    text = normalize_newlines("\n".join(lines)).rstrip("\n")
    if not text.strip():
        raise InputError("the document has no text", path=path, expected="a Word .docx document with some text")
    return text


# A transcript of several hours is a few MiB of XML; anything far larger is not a transcript (or is a zip bomb:
# python-docx reads every part it references fully into memory).
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def _check_container(data: bytes, path: str) -> None:
    """Refuse zip bombs (from the declared sizes) and XML with a DOCTYPE before python-docx parses anything.

    A DOCTYPE in a Word part is never written by Word or LibreOffice; it is how entity tricks (external entities,
    "billion laughs") arrive, and libxml2 silently drops the text after an unresolved entity, so refusing is both
    the safe and the honest answer.
    """
    import zipfile

    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: python-docx gives the clear "cannot be read as a .docx" message
    check_zip(io.BytesIO(data), what="Word document", max_total=MAX_UNCOMPRESSED,
              expected="a .docx saved by Word or LibreOffice", name=path)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise InputError(f"the document part {info.filename} declares a DOCTYPE or entities, which "
                                     "Word never writes; refusing it", path=path,
                                     expected="a .docx saved by Word or LibreOffice")


def parse_docx_file(path: Path, doc_id: str) -> Document:
    """A ``.docx`` file as a :class:`Document`."""
    text = docx_text(read_bytes(path), str(path))
    return Document(id=doc_id, text=text, format="docx", source_path=str(path), encoding=None,
                    turns=find_turns(text, lines_are_paragraphs=True))
