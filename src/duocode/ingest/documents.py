"""``duocode documents list|show``: what was stored, exactly."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from duocode.errors import InputError
from duocode.files import csv_safe

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Document, DocumentSummary, Project

_LIST_COLUMNS = ("id", "format", "n_words", "n_turns", "speakers", "informant", "encoding", "source_path")


@dataclass
class DocumentListResult:
    """Every stored document: ``{"documents": [{"id", "format", "n_words", "n_turns", "speakers", ...}]}``."""

    documents: list["DocumentSummary"]

    def to_dict(self) -> dict:
        return {"documents": [d.to_dict() for d in self.documents]}

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(_LIST_COLUMNS)
        for d in self.documents:
            row = d.to_dict()
            row["speakers"] = "; ".join(d.speakers)
            writer.writerow([csv_safe(row[c]) for c in _LIST_COLUMNS])
        return buf.getvalue()


@dataclass
class DocumentShowResult:
    """One document; its JSON is the contract's ``{"id", "text", "format", "turns": [...]}``."""

    document: "Document"

    def to_dict(self) -> dict:
        return self.document.to_dict()


def documents_list(project: "Project") -> DocumentListResult:
    """Every stored document, ordered by id."""
    from duocode.store import list_documents

    return DocumentListResult(list_documents(project))


def document_show(project: "Project", document_id: str) -> DocumentShowResult:
    """One stored document with its exact text and turns.

    Raises
    ------
    InputError
        No document has that id.
    """
    from duocode.store import document_ids, get_document

    doc = get_document(project, document_id)
    if doc is None:
        ids = document_ids(project)
        shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
        raise InputError(f"unknown document {document_id!r}", path=str(project.path),
                         expected=f"one of: {shown}" if ids else "a document id, but none is stored yet")
    return DocumentShowResult(doc)
