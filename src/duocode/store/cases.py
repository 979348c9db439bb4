"""Cases: spans of one document (0-based code-point offsets, end-exclusive)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from duocode.store._sql import in_clause

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


@dataclass(frozen=True)
class Case:
    id: str
    document: str
    start: int
    end: int
    text: str
    source: str = "human"       # human | precoder
    status: str = "case"        # case | candidate | rejected
    confidence: float | None = None
    explanation: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


_SELECT = ("SELECT c.id, c.document_id, c.start, c.\"end\", substr(d.text, c.start + 1, c.\"end\" - c.start) "
           "AS text, c.source, c.status, c.confidence, c.explanation FROM cases c "
           "JOIN documents d ON d.id = c.document_id")


def _case(row) -> Case:
    return Case(id=row[0], document=row[1], start=row[2], end=row[3], text=row[4], source=row[5], status=row[6],
                confidence=row[7], explanation=row[8])


def list_cases(project: "Project", *, status: str | None = "case", source: str | None = None,
               ids: list[str] | None = None) -> list[Case]:
    """Cases ordered by document and position (``status=None`` for every status)."""
    sql, args, where = _SELECT, [], []
    if status is not None:
        where.append("c.status = ?")
        args.append(status)
    if source is not None:
        where.append("c.source = ?")
        args.append(source)
    if ids is not None:
        where.append(in_clause("c.id", ids, args))
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.document_id, c.start, c.id"
    return [_case(r) for r in project.conn.execute(sql, args)]


def get_case(project: "Project", case_id: str) -> Case | None:
    row = project.conn.execute(_SELECT + " WHERE c.id = ?", (case_id,)).fetchone()
    return _case(row) if row else None


def case_ids(project: "Project", *, status: str | None = "case") -> set[str]:
    if status is None:
        return {r[0] for r in project.conn.execute("SELECT id FROM cases")}
    return {r[0] for r in project.conn.execute("SELECT id FROM cases WHERE status = ?", (status,))}


def case_context(project: "Project", case: Case, chars: int = 300) -> tuple[str, str]:
    """Up to ``chars`` characters of the document before and after the case, cut at whitespace."""
    text = project.conn.execute("SELECT text FROM documents WHERE id = ?", (case.document,)).fetchone()[0]
    before = text[max(0, case.start - chars):case.start]
    after = text[case.end:case.end + chars]
    if case.start - chars > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if case.end + chars < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


def case_speaker(project: "Project", case: Case) -> str | None:
    """The speaker of the turn in which the case starts, if the document has turns."""
    row = project.conn.execute(
        "SELECT speaker FROM turns WHERE document_id = ? AND start <= ? AND \"end\" > ? ORDER BY seq LIMIT 1",
        (case.document, case.start, case.start)).fetchone()
    return row[0] if row else None


def case_informant(project: "Project", case: Case) -> str | None:
    row = project.conn.execute("SELECT id FROM informants WHERE document_id = ? ORDER BY id LIMIT 1",
                               (case.document,)).fetchone()
    return row[0] if row else None


def insert_cases(project: "Project", cases: list[Case], *, source_file: str | None = None) -> None:
    """Store new cases (inside a transaction) and log each. Offsets are validated by the caller."""
    from duocode.store.project import utcnow

    project._require_tx()
    now = utcnow()
    project.conn.executemany(
        "INSERT INTO cases(id, document_id, start, \"end\", source, status, confidence, explanation, created_at, "
        "source_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(c.id, c.document, c.start, c.end, c.source, c.status, c.confidence, c.explanation, now, source_file)
         for c in cases])
    project.log_events({"action": "add", "entity": "case", "entity_id": c.id, "source_file": source_file,
                        "new": f"{c.document}[{c.start}:{c.end}]",
                        "detail": {"source": c.source, "status": c.status}} for c in cases)


def document_case_counts(project: "Project") -> dict[str, int]:
    """document id -> number of cases (any status) and coders' proposals on it; documents without any are absent.

    A document with cases or proposals cannot be replaced: their offsets index its text.
    """
    counts: dict[str, int] = {}
    for sql in ("SELECT document_id, count(*) FROM cases GROUP BY document_id",
                "SELECT document_id, count(*) FROM proposals GROUP BY document_id"):
        for doc_id, n in project.conn.execute(sql):
            counts[doc_id] = counts.get(doc_id, 0) + n
    return counts
