"""Queries of the consensus layer and the audit: consensus codes with who decided, when and why.

Consensus codes are ordinary rows of ``codes`` with the reserved coder ``consensus``; their ``reason`` and
``decided_by`` say why and by whom, ``updated_at`` when. A stored value ``""`` records the decision that a
variable stays *not coded* for that case (it settles a disagreement in which one coder left it blank). The
history of every decision is in ``events`` (coder ``consensus``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from duocode.store.project import CONSENSUS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


@dataclass(frozen=True)
class ConsensusCode:
    """One current consensus code."""

    case_id: str
    variable: str
    value: str                 # "" = decided: not coded
    reason: str | None
    decided_by: str | None
    updated_at: str
    source_file: str | None


@dataclass(frozen=True)
class ConsensusEvent:
    """One logged change of a consensus code (from the append-only event log)."""

    at: str
    case_id: str
    variable: str
    old: str | None
    new: str | None
    reason: str | None
    decided_by: str | None
    source_file: str | None


def consensus_codes(project: "Project") -> list[ConsensusCode]:
    """Every current consensus code of accepted cases, ordered by case and variable."""
    rows = project.conn.execute(
        "SELECT k.case_id, k.variable, k.value, k.reason, k.decided_by, k.updated_at, k.source_file "
        "FROM codes k JOIN cases c ON c.id = k.case_id WHERE k.coder = ? AND c.status = 'case' "
        "ORDER BY k.case_id, k.variable", (CONSENSUS,))
    return [ConsensusCode(*r) for r in rows]


def consensus_values(project: "Project") -> dict[str, dict[str, str]]:
    """case id -> {variable: value} of the consensus (accepted cases only; ``""`` = decided not coded)."""
    out: dict[str, dict[str, str]] = {}
    for case_id, variable, value in project.conn.execute(
            "SELECT k.case_id, k.variable, k.value FROM codes k JOIN cases c ON c.id = k.case_id "
            "WHERE k.coder = ? AND c.status = 'case'", (CONSENSUS,)):
        out.setdefault(case_id, {})[variable] = value
    return out


def consensus_events(project: "Project", *, exclude_decided_by: str | None = None) -> list[ConsensusEvent]:
    """Logged consensus decisions in the order they were made (optionally leaving out one ``decided_by``)."""
    json = project.dialect.json_field
    sql = (f"SELECT at, entity_id, variable, old_value, new_value, source_file, {json('detail', 'reason')}, "
           f"{json('detail', 'decided_by')} FROM events WHERE entity = 'code' AND coder = ?")
    args: list = [CONSENSUS]
    if exclude_decided_by is not None:
        sql += f" AND (detail IS NULL OR {project.dialect.is_distinct_from(json('detail', 'decided_by'))})"
        args.append(exclude_decided_by)
    return [ConsensusEvent(at, case_id, variable, old, new, reason, decided_by, source_file)
            for at, case_id, variable, old, new, source_file, reason, decided_by
            in project.conn.execute(sql + " ORDER BY id", args)]


def count_consensus_events(project: "Project", decided_by: str) -> int:
    """How many logged consensus changes were made by ``decided_by`` (e.g. ``auto``)."""
    return project.conn.execute(
        "SELECT count(*) FROM events WHERE entity = 'code' AND coder = ? AND "
        f"{project.dialect.json_field('detail', 'decided_by')} = ?",
        (CONSENSUS, decided_by)).fetchone()[0]


def informant_of_documents(project: "Project") -> dict[str, str]:
    """document id -> informant id (the first informant linked to each document)."""
    out: dict[str, str] = {}
    for informant, document in project.conn.execute("SELECT id, document_id FROM informants ORDER BY id"):
        out.setdefault(document, informant)
    return out
