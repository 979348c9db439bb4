"""Documents, their speaker turns, and informants."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from duocode.store.project import utcnow

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


@dataclass(frozen=True)
class Turn:
    speaker: str | None
    start: int
    end: int
    media_start: float | None = None
    media_end: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Document:
    id: str
    text: str
    format: str
    source_path: str = ""
    sha256: str = ""
    encoding: str | None = None
    turns: list[Turn] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The contract's JSON of ``documents show``."""
        return {"id": self.id, "text": self.text, "format": self.format,
                "turns": [t.to_dict() for t in self.turns]}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    return len(text.split())


def insert_document(project: "Project", doc: Document, *, replace: bool = False) -> None:
    """Store a document and its turns (inside a transaction); ``replace`` swaps an existing one's text."""
    project._require_tx()
    sha = doc.sha256 or text_sha256(doc.text)
    conn = project.conn
    if replace:
        conn.execute("DELETE FROM turns WHERE document_id = ?", (doc.id,))
        conn.execute("UPDATE documents SET text = ?, sha256 = ?, source_path = ?, format = ?, encoding = ?, "
                     "n_chars = ?, n_words = ?, ingested_at = ? WHERE id = ?",
                     (doc.text, sha, doc.source_path, doc.format, doc.encoding, len(doc.text),
                      count_words(doc.text), utcnow(), doc.id))
    else:
        conn.execute("INSERT INTO documents(id, text, sha256, source_path, format, encoding, n_chars, n_words, "
                     "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (doc.id, doc.text, sha, doc.source_path, doc.format, doc.encoding, len(doc.text),
                      count_words(doc.text), utcnow()))
    conn.executemany("INSERT INTO turns(document_id, seq, speaker, start, \"end\", media_start, media_end) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(doc.id, i, t.speaker, t.start, t.end, t.media_start, t.media_end)
                      for i, t in enumerate(doc.turns)])


def get_document(project: "Project", document_id: str) -> Document | None:
    row = project.conn.execute("SELECT id, text, format, source_path, sha256, encoding FROM documents "
                               "WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return None
    turns = [Turn(r[0], r[1], r[2], r[3], r[4]) for r in project.conn.execute(
        "SELECT speaker, start, \"end\", media_start, media_end FROM turns WHERE document_id = ? ORDER BY seq",
        (document_id,))]
    return Document(id=row[0], text=row[1], format=row[2], source_path=row[3], sha256=row[4], encoding=row[5],
                    turns=turns)


def document_ids(project: "Project") -> list[str]:
    return [r[0] for r in project.conn.execute("SELECT id FROM documents ORDER BY id")]


def document_text(project: "Project", document_id: str) -> str | None:
    row = project.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else None


def informant_attributes(project: "Project") -> dict[str, dict[str, str]]:
    """informant id -> {attribute: value}, with ``document`` among the attributes."""
    out: dict[str, dict[str, str]] = {}
    for r in project.conn.execute("SELECT id, document_id FROM informants ORDER BY id"):
        out[r[0]] = {"document": r[1]}
    for r in project.conn.execute("SELECT informant_id, name, value FROM informant_attributes"):
        out.setdefault(r[0], {})[r[1]] = r[2]
    return out
