"""Coders' case proposals: the spans each coder marked as a case, before ``cases merge`` turns them into cases.

Case finding is double-coded like any variable: each coder's proposals are kept apart (never shown to another
coder), and ``cases merge`` links every proposal to the case it became (``case_id``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Iterable

from duocode.store.project import utcnow

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


@dataclass(frozen=True)
class Proposal:
    """One coder's proposed case span (0-based code-point offsets into the document, end-exclusive)."""

    id: int
    coder: str
    document: str
    start: int
    end: int
    case_id: str | None = None
    source_file: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


_SELECT = 'SELECT id, coder, document_id, start, "end", case_id, source_file FROM proposals'


def list_proposals(project: "Project", *, coder: str | None = None, unlinked: bool = False) -> list[Proposal]:
    """Proposals ordered by document, start and id; ``unlinked`` keeps those not yet merged into a case."""
    sql, args, where = _SELECT, [], []
    if coder is not None:
        where.append("coder = ?")
        args.append(coder)
    if unlinked:
        where.append("case_id IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [Proposal(*r) for r in project.conn.execute(sql + " ORDER BY document_id, start, id", args)]


def proposal_coders(project: "Project") -> list[str]:
    """Every coder who has made at least one proposal, sorted."""
    return [r[0] for r in project.conn.execute("SELECT DISTINCT coder FROM proposals ORDER BY coder")]


def insert_proposals(project: "Project", coder: str, spans: Iterable[tuple[str, int, int]], *,
                     source_file: str | None = None) -> tuple[int, int]:
    """Store ``(document, start, end)`` spans as ``coder``'s proposals (inside a transaction), logging each.

    A span that coder already proposed is left alone, so importing the same file twice changes nothing.
    Returns ``(added, unchanged)``.
    """
    project._require_tx()
    conn = project.conn
    project.ensure_coder(coder, "human")
    existing = {(r[0], r[1], r[2]) for r in conn.execute(
        'SELECT document_id, start, "end" FROM proposals WHERE coder = ?', (coder,))}
    now = utcnow()
    added = unchanged = 0
    events = []
    for document, start, end in spans:
        key = (document, start, end)
        if key in existing:
            unchanged += 1
            continue
        existing.add(key)
        new_id = conn.execute('INSERT INTO proposals(coder, document_id, start, "end", source_file, created_at) '
                              "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              (coder, document, start, end, source_file, now)).fetchone()[0]
        events.append({"action": "propose", "entity": "proposal", "entity_id": str(new_id), "coder": coder,
                       "new": f"{document}[{start}:{end}]", "source_file": source_file, "at": now})
        added += 1
    if events:
        project.log_events(events)
    return added, unchanged


def link_proposals(project: "Project", links: Iterable[tuple[Proposal, str]]) -> None:
    """Record which case each proposal became (inside a transaction), logging each link."""
    project._require_tx()
    links = list(links)
    if not links:
        return
    project.conn.executemany("UPDATE proposals SET case_id = ? WHERE id = ?",
                             [(case_id, prop.id) for prop, case_id in links])
    project.log_events({"action": "link", "entity": "proposal", "entity_id": str(prop.id), "coder": prop.coder,
                        "old": prop.case_id, "new": case_id} for prop, case_id in links)
