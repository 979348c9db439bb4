"""Codes: one current value per (case, variable, coder); every change is logged with old and new value.

Human coders, the reserved ``precoder`` (suggestions with confidence and explanation) and ``consensus`` (with the
reason and who decided) share one table, so agreement can always be recomputed from the coders' own codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from duocode.store._sql import in_clause
from duocode.store.project import RESERVED_CODERS, utcnow

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


AGREED = "agreed"  # the consensus reason of a value on which every human coder agreed


@dataclass(frozen=True)
class CodeRow:
    case_id: str
    variable: str
    coder: str
    value: str | None          # None deletes the code
    confidence: float | None = None
    explanation: str | None = None
    reason: str | None = None
    decided_by: str | None = None


def set_codes(project: "Project", rows: Iterable[CodeRow], *, source_file: str | None = None,
              action: str = "code") -> dict[str, int]:
    """Write codes (inside a transaction); log one event per actual change. Returns counts of
    ``added``, ``changed``, ``removed`` and ``unchanged``.

    The stored values of the coders concerned are read once and the writes go out in batches (one round trip per
    kind of write rather than two per code, which a server backend pays for); a slot named twice ends as its
    last row says."""
    project._require_tx()
    conn = project.conn
    now = utcnow()
    rows = list(rows)
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    events = []
    kinds = {r[0]: r[1] for r in conn.execute("SELECT name, kind FROM coders")}
    for coder in dict.fromkeys(r.coder for r in rows):
        if coder not in kinds:
            kind = coder if coder in RESERVED_CODERS else "human"
            project.ensure_coder(coder, kind)
            kinds[coder] = kind
    args: list = []
    stored: dict[tuple[str, str, str], tuple[str, str | None]] = {
        (r[0], r[1], r[2]): (r[3], r[4]) for r in conn.execute(
            "SELECT case_id, variable, coder, value, reason FROM codes WHERE "
            + in_clause("coder", dict.fromkeys(r.coder for r in rows), args), args)} if rows else {}
    writes: dict[tuple[str, str, str], tuple] = {}     # slot -> ("delete",) | ("upsert", row) | ("refresh", row)
    for row in rows:
        key = (row.case_id, row.variable, row.coder)
        old = stored.get(key)
        old_value = old[0] if old else None
        if row.value is None:
            if old is None:
                counts["unchanged"] += 1
                continue
            writes[key] = ("delete",)
            stored.pop(key)
            counts["removed"] += 1
        elif old is not None and old_value == row.value and (row.reason is None or row.reason == old[1]):
            # Same value: refresh pre-coder details silently, log nothing.
            if row.confidence is not None or row.explanation is not None:
                previous = writes.get(key)
                writes[key] = ("upsert", row) if previous and previous[0] == "upsert" else ("refresh", row)
            counts["unchanged"] += 1
            continue
        else:
            writes[key] = ("upsert", row)
            stored[key] = (row.value, row.reason)
            counts["added" if old is None else "changed"] += 1
        detail = None
        if row.reason is not None or row.decided_by is not None:
            detail = {"reason": row.reason, "decided_by": row.decided_by}
        if row.confidence is not None:
            detail = dict(detail or {}, confidence=row.confidence)
        events.append({"action": action, "entity": "code", "entity_id": row.case_id, "coder": row.coder,
                       "variable": row.variable, "old": old_value, "new": row.value, "source_file": source_file,
                       "detail": detail, "at": now})
    conn.executemany("DELETE FROM codes WHERE case_id = ? AND variable = ? AND coder = ?",
                     [key for key, w in writes.items() if w[0] == "delete"])
    conn.executemany(
        "INSERT INTO codes(case_id, variable, coder, value, confidence, explanation, reason, decided_by, "
        "source_file, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(case_id, variable, coder) DO UPDATE SET value = excluded.value, "
        "confidence = excluded.confidence, explanation = excluded.explanation, reason = excluded.reason, "
        "decided_by = excluded.decided_by, source_file = excluded.source_file, "
        "updated_at = excluded.updated_at",
        [(r.case_id, r.variable, r.coder, r.value, r.confidence, r.explanation, r.reason, r.decided_by,
          source_file, now) for w in writes.values() if w[0] == "upsert" for r in (w[1],)])
    conn.executemany("UPDATE codes SET confidence = ?, explanation = ? WHERE case_id = ? AND variable = ? "
                     "AND coder = ?", [(r.confidence, r.explanation, r.case_id, r.variable, r.coder)
                                       for w in writes.values() if w[0] == "refresh" for r in (w[1],)])
    if events:
        project.log_events(events)
    return counts


def insert_codes(project: "Project", rows: Iterable[CodeRow], *, source_file: str | None = None,
                 action: str = "code") -> int:
    """Store codes in (case, variable, coder) slots that hold none yet, in one batch (inside a transaction),
    logging one event per code as :func:`set_codes` does. For filling a new project (``refi import``), where
    :func:`set_codes`' look-up of each old value is wasted; a slot already taken raises ``sqlite3.IntegrityError``
    (and the transaction rolls back). Returns how many codes were stored."""
    project._require_tx()
    rows = [r for r in rows if r.value is not None]
    kinds = {r[0] for r in project.conn.execute("SELECT name FROM coders")}
    for coder in sorted({r.coder for r in rows} - kinds):
        project.ensure_coder(coder, coder if coder in RESERVED_CODERS else "human")
    now = utcnow()
    project.conn.executemany(
        "INSERT INTO codes(case_id, variable, coder, value, confidence, explanation, reason, decided_by, "
        "source_file, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.case_id, r.variable, r.coder, r.value, r.confidence, r.explanation, r.reason, r.decided_by,
          source_file, now) for r in rows])

    def detail(r: CodeRow) -> dict | None:
        d = {"reason": r.reason, "decided_by": r.decided_by} if r.reason is not None or r.decided_by is not None \
            else None
        return dict(d or {}, confidence=r.confidence) if r.confidence is not None else d

    project.log_events({"action": action, "entity": "code", "entity_id": r.case_id, "coder": r.coder,
                        "variable": r.variable, "old": None, "new": r.value, "source_file": source_file,
                        "detail": detail(r), "at": now} for r in rows)
    return len(rows)


def codes_by_case(project: "Project", coder: str, *, variables: Iterable[str] | None = None
                  ) -> dict[str, dict[str, str]]:
    """case id -> {variable: value} for one coder (cases of every status)."""
    sql, args = "SELECT case_id, variable, value FROM codes WHERE coder = ?", [coder]
    if variables is not None:
        sql += " AND " + in_clause("variable", variables, args)
    out: dict[str, dict[str, str]] = {}
    for case_id, variable, value in project.conn.execute(sql, args):
        out.setdefault(case_id, {})[variable] = value
    return out


def code_rows(project: "Project", coder: str | None = None) -> list[CodeRow]:
    """Full code rows (with confidence, explanation, reason), optionally for one coder."""
    sql = "SELECT case_id, variable, coder, value, confidence, explanation, reason, decided_by FROM codes"
    args: list = []
    if coder is not None:
        sql += " WHERE coder = ?"
        args.append(coder)
    return [CodeRow(*r) for r in project.conn.execute(sql + " ORDER BY case_id, variable, coder", args)]


def set_memo(project: "Project", case_id: str, coder: str, text: str | None, *,
             source_file: str | None = None) -> bool:
    """Set (or with ``None``/blank clear) a coder's memo on a case; logs a change. Returns whether it changed."""
    project._require_tx()
    old = project.conn.execute("SELECT text FROM memos WHERE case_id = ? AND coder = ?",
                               (case_id, coder)).fetchone()
    old_text = old[0] if old else None
    new_text = text if text and text.strip() else None
    if old_text == new_text:
        return False
    if new_text is None:
        project.conn.execute("DELETE FROM memos WHERE case_id = ? AND coder = ?", (case_id, coder))
    else:
        project.conn.execute("INSERT INTO memos(case_id, coder, text, updated_at) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(case_id, coder) DO UPDATE SET text = excluded.text, "
                             "updated_at = excluded.updated_at", (case_id, coder, new_text, utcnow()))
    project.log_event("memo", "memo", case_id, coder=coder, old=old_text, new=new_text, source_file=source_file)
    return True


def memos(project: "Project", coder: str) -> dict[str, str]:
    return {r[0]: r[1] for r in project.conn.execute("SELECT case_id, text FROM memos WHERE coder = ?", (coder,))}
