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
