"""Queries of the pre-coder: case spans and statuses, training labels, stored suggestions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from duocode.store._sql import in_clause
from duocode.store.project import CONSENSUS, PRECODER

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


def case_spans(project: "Project") -> dict[str, list[tuple[int, int, str, str, str]]]:
    """document id -> ``(start, end, case id, status, source)`` of every case, candidate and rejected span."""
    out: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for r in project.conn.execute("SELECT document_id, start, \"end\", id, status, source FROM cases "
                                  "ORDER BY document_id, start, id"):
        out.setdefault(r[0], []).append((r[1], r[2], r[3], r[4], r[5]))
    return out


def set_case_status(project: "Project", case_ids: Iterable[str], status: str) -> int:
    """Set the status of pre-coder cases (inside a transaction); returns how many rows changed."""
    project._require_tx()
    ids = list(case_ids)
    if not ids:
        return 0
    cur = project.conn.executemany("UPDATE cases SET status = ? WHERE id = ? AND source = 'precoder'",
                                   [(status, i) for i in ids])
    return cur.rowcount


def labelled_codes(project: "Project", variables: Iterable[str]) -> tuple[dict, dict]:
    """The codes a classifier may learn from, for cases with status ``case``.

    Returns ``(consensus, humans)``: ``consensus`` maps case id -> {variable: value} of the consensus coder;
    ``humans`` maps case id -> {variable: {coder: value}} of every human coder.
    """
    variables = list(variables)
    args: list = [CONSENSUS]
    of_variables = in_clause("k.variable", variables, args)
    consensus: dict[str, dict[str, str]] = {}
    for case_id, var, value in project.conn.execute(
            "SELECT k.case_id, k.variable, k.value FROM codes k JOIN cases c ON c.id = k.case_id "
            f"WHERE c.status = 'case' AND k.coder = ? AND {of_variables}", args):
        consensus.setdefault(case_id, {})[var] = value
    humans: dict[str, dict[str, dict[str, str]]] = {}
    for case_id, var, coder, value in project.codes_long(variables):
        humans.setdefault(case_id, {}).setdefault(var, {})[coder] = value
    return consensus, humans


def suggestion_rows(project: "Project", case_ids: Iterable[str] | None = None,
                    variables: Iterable[str] | None = None) -> list[tuple]:
    """``(case_id, variable, value, confidence, explanation)`` of the pre-coder's stored suggestions."""
    sql = "SELECT case_id, variable, value, confidence, explanation FROM codes WHERE coder = ?"
    args: list = [PRECODER]
    if case_ids is not None:
        sql += " AND " + in_clause("case_id", case_ids, args)
    if variables is not None:
        sql += " AND " + in_clause("variable", variables, args)
    return [tuple(r) for r in project.conn.execute(sql + " ORDER BY case_id, variable", args)]


def coded_pairs(project: "Project", coder: str) -> set[tuple[str, str]]:
    """``(case_id, variable)`` pairs a coder has coded."""
    return {(r[0], r[1]) for r in project.conn.execute("SELECT case_id, variable FROM codes WHERE coder = ?",
                                                       (coder,))}


ADOPT_ACTION = "accepted-from-precoder"
ADOPT_SOURCE = "precode adopt"


def adopted_codes(project: "Project", variables: Iterable[str] | None = None,
                  coders: Iterable[str] | None = None) -> set[tuple[str, str, str]]:
    """``(case_id, variable, coder)`` of the codes whose current value was taken from the pre-coder.

    A code counts when it was written by ``precode adopt`` (its ``source_file``) or when the latest event that
    changed it is logged as ``accepted-from-precoder``; a code the coder has since changed is their own again.
    """
    def restrict(column: str, items: Iterable[str] | None, sql: str, args: list) -> str:
        if items is None:
            return sql
        return sql + " AND " + in_clause(column, items, args)

    args: list = [PRECODER, CONSENSUS]
    sql = restrict("variable", variables, "SELECT case_id, variable, coder, source_file FROM codes "
                   "WHERE coder NOT IN (?, ?)", args)
    sql = restrict("coder", coders, sql, args)
    current = {(r[0], r[1], r[2]): r[3] for r in project.conn.execute(sql, args)}
    if not current:
        return set()
    out = {key for key, source in current.items() if source == ADOPT_SOURCE}
    # One pass over the log: the action of the latest event of every code (no per-code look-up).
    args = [PRECODER, CONSENSUS]
    inner = restrict("variable", variables, "SELECT MAX(id) FROM events WHERE entity = 'code' "
                     "AND coder NOT IN (?, ?)", args)
    inner = restrict("coder", coders, inner, args)
    for case_id, variable, coder in project.conn.execute(
            f"SELECT entity_id, variable, coder FROM events WHERE id IN ({inner} GROUP BY entity_id, variable, "
            "coder) AND action = ?", [*args, ADOPT_ACTION]):
        if (case_id, variable, coder) in current:
            out.add((case_id, variable, coder))
    return out


def coders_with_own_codes(project: "Project") -> list[str]:
    """Coders (not ``precoder`` or ``consensus``) with at least one code not taken from the pre-coder."""
    adopted = adopted_codes(project)
    own: set[str] = set()
    for case_id, variable, coder in project.conn.execute(
            "SELECT case_id, variable, coder FROM codes WHERE coder NOT IN (?, ?)", (PRECODER, CONSENSUS)):
        if coder not in own and (case_id, variable, coder) not in adopted:
            own.add(coder)
    return sorted(own)
