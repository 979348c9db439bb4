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
    pages: int | None = None    # known for paged formats (PDF) only

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
                     "n_chars = ?, n_words = ?, pages = ?, ingested_at = ? WHERE id = ?",
                     (doc.text, sha, doc.source_path, doc.format, doc.encoding, len(doc.text),
                      count_words(doc.text), doc.pages, utcnow(), doc.id))
    else:
        conn.execute("INSERT INTO documents(id, text, sha256, source_path, format, encoding, n_chars, n_words, "
                     "pages, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (doc.id, doc.text, sha, doc.source_path, doc.format, doc.encoding, len(doc.text),
                      count_words(doc.text), doc.pages, utcnow()))
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


def document_pages(project: "Project") -> dict[str, int | None]:
    """document id -> its page count, ``None`` where the format has no pages (txt, docx, vtt) or it is not known."""
    return {r[0]: r[1] for r in project.conn.execute("SELECT id, pages FROM documents ORDER BY id")}


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


# -- ingest helpers: what is stored, listing, informants ------------------------------------------------------

def document_hashes(project: "Project") -> dict[str, str]:
    """document id -> sha256 of its stored text."""
    return {r[0]: r[1] for r in project.conn.execute("SELECT id, sha256 FROM documents")}


@dataclass(frozen=True)
class DocumentSummary:
    """One row of ``documents list``."""

    id: str
    format: str
    source_path: str
    encoding: str | None
    n_chars: int
    n_words: int
    n_turns: int
    speakers: list[str]
    informant: str | None
    ingested_at: str

    def to_dict(self) -> dict:
        return asdict(self)


def list_documents(project: "Project") -> list[DocumentSummary]:
    """Every stored document with its size, turn count, speakers (in order of first turn) and informant."""
    conn = project.conn
    speakers: dict[str, list[str]] = {}
    n_turns: dict[str, int] = {}
    for doc_id, speaker, n in conn.execute(
            "SELECT document_id, speaker, count(*) FROM turns GROUP BY document_id, speaker "
            "ORDER BY document_id, min(seq)"):
        n_turns[doc_id] = n_turns.get(doc_id, 0) + n
        if speaker is not None:
            speakers.setdefault(doc_id, []).append(speaker)
    informants: dict[str, str] = {}
    for inf_id, doc_id in conn.execute("SELECT id, document_id FROM informants ORDER BY id"):
        informants.setdefault(doc_id, inf_id)
    return [DocumentSummary(id=r[0], format=r[1], source_path=r[2], encoding=r[3], n_chars=r[4], n_words=r[5],
                            n_turns=n_turns.get(r[0], 0), speakers=speakers.get(r[0], []),
                            informant=informants.get(r[0]), ingested_at=r[6])
            for r in conn.execute("SELECT id, format, source_path, encoding, n_chars, n_words, ingested_at "
                                  "FROM documents ORDER BY id")]


@dataclass(frozen=True)
class Informant:
    """An informant, the document holding their interview, and their attributes (blank cells are None)."""

    id: str
    document: str
    attributes: dict[str, str | None]


def informants(project: "Project") -> dict[str, Informant]:
    """informant id -> :class:`Informant`."""
    out = {r[0]: Informant(r[0], r[1], {}) for r in
           project.conn.execute("SELECT id, document_id FROM informants ORDER BY id")}
    for inf_id, name, value in project.conn.execute("SELECT informant_id, name, value FROM informant_attributes"):
        out[inf_id].attributes[name] = value
    return out


def write_informants(project: "Project", rows: list[Informant], *, source_file: str | None = None
                     ) -> dict[str, int]:
    """Add or update informants (inside a transaction), logging each change with old and new value.

    An attribute missing from a row is left as stored. Returns counts of ``added``, ``updated`` and
    ``unchanged`` informants.
    """
    project._require_tx()
    conn = project.conn
    stored = informants(project)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    events: list[dict] = []
    for row in rows:
        old = stored.get(row.id)
        changed = False
        if old is None:
            conn.execute("INSERT INTO informants(id, document_id, source_file) VALUES (?, ?, ?)",
                         (row.id, row.document, source_file))
            events.append({"action": "add", "entity": "informant", "entity_id": row.id, "new": row.document,
                           "source_file": source_file})
            old = Informant(row.id, row.document, {})
            counts["added"] += 1
        elif old.document != row.document:
            conn.execute("UPDATE informants SET document_id = ?, source_file = ? WHERE id = ?",
                         (row.document, source_file, row.id))
            events.append({"action": "set", "entity": "informant", "entity_id": row.id, "variable": "document",
                           "old": old.document, "new": row.document, "source_file": source_file})
            changed = True
        for name, value in row.attributes.items():
            if name in old.attributes and old.attributes[name] == value:
                continue
            conn.execute("INSERT INTO informant_attributes(informant_id, name, value) VALUES (?, ?, ?) "
                         "ON CONFLICT(informant_id, name) DO UPDATE SET value = excluded.value",
                         (row.id, name, value))
            events.append({"action": "set", "entity": "informant", "entity_id": row.id, "variable": name,
                           "old": old.attributes.get(name), "new": value, "source_file": source_file})
            changed = changed or row.id in stored
        if row.id in stored:
            counts["updated" if changed else "unchanged"] += 1
    if events:
        project.log_events(events)
    return counts
