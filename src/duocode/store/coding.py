"""Read-side queries of dual coding: progress counts that never expose a value."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


def coder_kinds(project: "Project") -> dict[str, str]:
    """Every registered coder name -> its kind (``human``, ``precoder`` or ``consensus``)."""
    return {r[0]: r[1] for r in project.conn.execute("SELECT name, kind FROM coders ORDER BY name")}


def coded_counts(project: "Project") -> dict[str, dict[str, int]]:
    """coder -> {variable: number of accepted cases (status ``case``) that coder has coded}."""
    out: dict[str, dict[str, int]] = {}
    for coder, variable, n in project.conn.execute(
            "SELECT k.coder, k.variable, count(*) FROM codes k JOIN cases c ON c.id = k.case_id "
            "WHERE c.status = 'case' GROUP BY k.coder, k.variable"):
        out.setdefault(coder, {})[variable] = n
    return out


def memo_counts(project: "Project") -> dict[str, int]:
    """coder -> number of memos on accepted cases."""
    return {r[0]: r[1] for r in project.conn.execute(
        "SELECT m.coder, count(*) FROM memos m JOIN cases c ON c.id = m.case_id WHERE c.status = 'case' "
        "GROUP BY m.coder")}


def workbook_baseline(project: "Project", workbook_id: str) -> tuple[int, str] | None:
    """The last event that wrote (``sheet``) or imported (``import``) the workbook ``workbook_id``:
    ``(event id, action)``, or ``None`` when the log has neither."""
    import json

    found = None
    for event_id, action, detail in project.conn.execute(
            "SELECT id, action, detail FROM events WHERE entity = 'workbook' AND action IN ('sheet', 'import') "
            "AND detail LIKE ? ORDER BY id", (f"%{workbook_id}%",)):
        try:
            if json.loads(detail).get("workbook_id") == workbook_id:
                found = (event_id, action)
        except (TypeError, ValueError, AttributeError):
            continue
    return found


def changes_since(project: "Project", coder: str, *, after_id: int | None = None, after_at: str | None = None,
                  exclude_source: str | None = None) -> tuple[dict[tuple[str, str], str | None], dict[str, str | None]]:
    """What changed in ``coder``'s codes and memos after an event (``after_id``) or a time (``after_at``).

    Returns ``({(case id, variable): value before the first later change}, {case id: memo before the first later
    change})``; events from ``exclude_source`` (a file path) are left out."""
    sql = "SELECT entity, entity_id, variable, old_value FROM events WHERE coder = ? AND entity IN ('code', 'memo')"
    args: list = [coder]
    if after_id is not None:
        sql += " AND id > ?"
        args.append(after_id)
    if after_at is not None:
        sql += " AND at > ?"
        args.append(after_at)
    if exclude_source is not None:
        sql += " AND (source_file IS NULL OR source_file != ?)"
        args.append(exclude_source)
    codes: dict[tuple[str, str], str | None] = {}
    memos: dict[str, str | None] = {}
    for entity, case_id, variable, old in project.conn.execute(sql + " ORDER BY id", args):
        if entity == "code":
            codes.setdefault((case_id, variable), old)
        else:
            memos.setdefault(case_id, old)
    return codes, memos
