"""A duocode project: one SQLite file, ``DIR/duocode.db``.

Every command that writes does so inside :meth:`Project.transaction`, which rolls back on any exception, so a
refused or failed command leaves the project exactly as it was.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from duocode.codebook import Codebook, codebook_from_text
from duocode.errors import InputError, RefusedError
from duocode.store._sql import in_clause
from duocode.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "duocode.db"
PRECODER = "precoder"    # the pre-coder's codes are stored under this coder name
CONSENSUS = "consensus"  # and the reconciled codes under this one
RESERVED_CODERS = (PRECODER, CONSENSUS)


def utcnow() -> str:
    """UTC time as ISO 8601 with seconds and a ``Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RefusedError(f"the project was written by a newer duocode (schema {version}, this one knows "
                           f"{SCHEMA_VERSION})", path=str(path), expected="an upgraded duocode")
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for n in range(version, SCHEMA_VERSION):
            for statement in _split_sql(MIGRATIONS[n]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (``sqlite3.complete_statement`` handles triggers' inner ``;``)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


class Project:
    """An open project. Use :meth:`create` or :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, directory: Path, conn: sqlite3.Connection):
        self.directory = directory
        self.path = directory / DB_NAME
        self.conn = conn
        self._codebook: Codebook | None = None
        self._in_transaction = False

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: str | Path, codebook: "Codebook") -> "Project":
        """Create ``DIR/duocode.db`` with ``codebook`` stored in it; refuses if a project is already there."""
        directory = Path(directory)
        path = directory / DB_NAME
        if path.exists():
            raise RefusedError("a duocode project already exists here; nothing was changed", path=str(path))
        if directory.exists() and not directory.is_dir():
            raise InputError("not a directory", path=str(directory))
        created_dir = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path)
            _migrate(conn, path)
            project = cls(directory, conn)
            with project.transaction():
                now = utcnow()
                conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
                    ("project_id", str(uuid.uuid4())), ("created_at", now), ("workbook_key", secrets.token_hex(32)),
                    ("settings", json.dumps({"hide_suggestions": True}))])
                project._store_codebook(codebook)
                for name in RESERVED_CODERS:
                    conn.execute("INSERT INTO coders(name, kind, created_at) VALUES (?, ?, ?)", (name, name, now))
                project.log_event("init", "project", str(directory), detail={"codebook": codebook.id,
                                                                               "version": codebook.version})
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            if created_dir:
                try:
                    directory.rmdir()
                except OSError:
                    pass
            raise
        return project

    @classmethod
    def open(cls, directory: str | Path = ".") -> "Project":
        """Open an existing project, applying any forward migrations."""
        directory = Path(directory)
        path = directory / DB_NAME
        if not path.is_file():
            raise InputError("not a duocode project (no duocode.db)", path=str(directory),
                             expected="a folder made by `duocode init`; give it with --project DIR")
        try:
            conn = _connect(path)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"the project database cannot be read: {exc}", path=str(path)) from None
        _migrate(conn, path)
        return cls(directory, conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions and the log ----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes of one command; committed together or not at all. Nested calls join the outer one."""
        if self._in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_transaction = False

    def _require_tx(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("writes must happen inside project.transaction()")

    def log_event(self, action: str, entity: str, entity_id: str | None = None, *, coder: str | None = None,
                  variable: str | None = None, old: Any = None, new: Any = None, source_file: str | None = None,
                  detail: Any = None, at: str | None = None) -> None:
        """Append one row to the event log (inside a transaction)."""
        self._require_tx()
        self.conn.execute(
            "INSERT INTO events(at, action, entity, entity_id, coder, variable, old_value, new_value, source_file,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at or utcnow(), action, entity, entity_id, coder, variable,
             None if old is None else str(old), None if new is None else str(new), source_file,
             None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True)))

    def log_events(self, rows: Iterable[dict]) -> None:
        """Append many events at once (each dict takes :meth:`log_event`'s keyword names)."""
        self._require_tx()
        now = utcnow()
        self.conn.executemany(
            "INSERT INTO events(at, action, entity, entity_id, coder, variable, old_value, new_value, source_file,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.get("at") or now, r["action"], r["entity"], r.get("entity_id"), r.get("coder"), r.get("variable"),
              None if r.get("old") is None else str(r["old"]), None if r.get("new") is None else str(r["new"]),
              r.get("source_file"),
              None if r.get("detail") is None else json.dumps(r["detail"], ensure_ascii=False, sort_keys=True))
             for r in rows])

    def events(self, *, entity: str | None = None, action: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM events", []
        where = []
        if entity:
            where.append("entity = ?")
            args.append(entity)
        if action:
            where.append("action = ?")
            args.append(action)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    # -- meta, settings, codebook ----------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._require_tx()
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                          "excluded.value", (key, value))

    @property
    def project_id(self) -> str:
        return self.meta("project_id") or ""

    @property
    def workbook_key(self) -> str | None:
        """The project's secret for signing workbook metadata (None for a project made before it existed)."""
        return self.meta("workbook_key")

    def ensure_workbook_key(self) -> str:
        """The workbook key, created (in its own transaction, or the caller's) if the project has none."""
        key = self.workbook_key
        if key is None:
            import secrets

            key = secrets.token_hex(32)
            with self.transaction():
                self.set_meta("workbook_key", key)
        return key

    @property
    def settings(self) -> dict:
        return json.loads(self.meta("settings", "{}") or "{}")

    def set_setting(self, key: str, value: Any) -> None:
        settings = self.settings
        old = settings.get(key)
        settings[key] = value
        self.set_meta("settings", json.dumps(settings, sort_keys=True))
        self.log_event("set", "setting", key, old=old, new=value)

    def _store_codebook(self, codebook: "Codebook") -> None:
        self.conn.execute("INSERT OR REPLACE INTO codebook(singleton, codebook_id, version, sha256, source, yaml,"
                          " loaded_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                          (codebook.id, codebook.version, codebook.sha256, codebook.source, codebook.text, utcnow()))
        self._codebook = codebook

    @property
    def codebook(self) -> "Codebook":
        if self._codebook is None:
            # the store keeps the codebook's text; the codebook layer parses and checks it
            row = self.conn.execute("SELECT yaml, source FROM codebook").fetchone()
            if row is None:
                raise InputError("the project has no codebook", path=str(self.path))
            self._codebook = codebook_from_text(row["yaml"], f"{self.path} (stored codebook {row['source']})")
        return self._codebook

    # -- coders and codes (read side shared by every stage) ----------------------------------------------------
    def ensure_coder(self, name: str, kind: str = "human") -> None:
        """Register a coder name (inside a transaction)."""
        self._require_tx()
        self.conn.execute("INSERT OR IGNORE INTO coders(name, kind, created_at) VALUES (?, ?, ?)",
                          (name, kind, utcnow()))

    def coders(self, *, kind: str | None = "human") -> list[str]:
        """Coder names that have at least one code or proposal, or are registered; humans only by default."""
        sql = "SELECT name FROM coders"
        args: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            args.append(kind)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY name", args)]

    def codes_long(self, variables: Iterable[str] | None = None, coders: Iterable[str] | None = None,
                   *, include_candidates: bool = False) -> list[tuple[str, str, str, str]]:
        """``(case_id, variable, coder, value)`` for coded cases.

        Without ``coders``, every human coder (never ``precoder`` or ``consensus``). Only cases with status
        ``case`` unless ``include_candidates``.
        """
        sql = ("SELECT k.case_id, k.variable, k.coder, k.value FROM codes k JOIN cases c ON c.id = k.case_id "
               "JOIN coders d ON d.name = k.coder WHERE 1=1")
        args: list[Any] = []
        if not include_candidates:
            sql += " AND c.status = 'case'"
        if variables is not None:
            sql += " AND " + in_clause("k.variable", variables, args)
        if coders is not None:
            sql += " AND " + in_clause("k.coder", coders, args)
        else:
            sql += " AND d.kind = 'human'"
        sql += " ORDER BY k.case_id, k.variable, k.coder"
        return [tuple(r) for r in self.conn.execute(sql, args)]
