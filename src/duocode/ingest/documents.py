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

    def tables(self) -> list:
        from rich.table import Table
        from rich.text import Text

        if not self.documents:
            return ["No documents yet: add some with `duocode ingest PATH`."]
        table = Table(title=f"{len(self.documents)} document(s), {sum(d.n_words for d in self.documents)} words")
        for col, justify in (("id", "left"), ("format", "left"), ("words", "right"), ("turns", "right"),
                             ("speakers", "left"), ("informant", "left")):
            table.add_column(col, justify=justify, overflow="fold")
        for d in self.documents:
            speakers = ", ".join(d.speakers[:4]) + (f" (+{len(d.speakers) - 4})" if len(d.speakers) > 4 else "")
            table.add_row(Text(d.id), d.format, str(d.n_words), str(d.n_turns), Text(speakers),
                          Text(d.informant or ""))
        return [table]


@dataclass
class DocumentShowResult:
    """One document; its JSON is the contract's ``{"id", "text", "format", "turns": [...]}``."""

    document: "Document"

    def to_dict(self) -> dict:
        return self.document.to_dict()

    def tables(self) -> list:
        from rich.rule import Rule
        from rich.text import Text

        doc = self.document
        speakers = sorted({t.speaker for t in doc.turns if t.speaker is not None})
        head = Text(f"{doc.id} ({doc.format}, {len(doc.text)} characters, {len(doc.turns)} turns"
                    + (f"; speakers: {', '.join(speakers)}" if speakers else "") + f")\nfrom {doc.source_path}")
        if not doc.turns:
            return [head, Rule(), Text(doc.text)]
        from rich.table import Table

        # One row per turn with its offsets and media times, so that the times of a subtitle file stay visible.
        table = Table(show_header=True, show_lines=False, box=None, pad_edge=False)
        for col, justify in (("#", "right"), ("time", "left"), ("speaker", "left"), ("offsets", "right"),
                             ("text", "left")):
            table.add_column(col, justify=justify, overflow="fold")
        for i, t in enumerate(doc.turns, start=1):
            time = "" if t.media_start is None else f"{_clock(t.media_start)}–{_clock(t.media_end)}"
            table.add_row(str(i), time, Text(t.speaker or ""), f"{t.start}–{t.end}", Text(doc.text[t.start:t.end]))
        return [head, Rule(), table]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(round((seconds - whole) * 1000)):03d}"


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
