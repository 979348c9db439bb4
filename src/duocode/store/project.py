"""A duocode project: one SQLite file, ``DIR/duocode.db``, or a PostgreSQL database whose connection URL (never a
password) ``DIR/duocode.url`` records; ``DUOCODE_DATABASE`` in the environment overrides that URL, so each coder
connects as their own database role.

Every command that writes does so inside :meth:`Project.transaction`, which rolls back on any exception, so a
refused or failed command leaves the project exactly as it was.
"""
from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from duocode.codebook import Codebook, codebook_from_text
from duocode.errors import InputError, RefusedError
from duocode.store._dialect import (POSTGRES, SQLITE, Dialect, Retryable, connect_postgres, is_postgres_url,
                                    url_without_password)
from duocode.store._sql import in_clause
from duocode.store.schema import MIGRATIONS, PG_MIGRATIONS, SCHEMA_VERSION

DB_NAME = "duocode.db"
URL_NAME = "duocode.url"   # a PostgreSQL project's folder: the connection URL, without any password
DATABASE_ENV = "DUOCODE_DATABASE"
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


def _check_version(version: int, path: Path | str) -> None:
    if version > SCHEMA_VERSION:
        raise RefusedError(f"the project was written by a newer duocode (schema {version}, this one knows "
                           f"{SCHEMA_VERSION})", path=str(path), expected="an upgraded duocode")


def _apply_migrations(conn, dialect: Dialect, version: int) -> None:
    """Take the database from ``version`` to :data:`SCHEMA_VERSION` (inside the caller's transaction)."""
    for n in range(version, SCHEMA_VERSION):
        if dialect is POSTGRES:
            conn.execute(PG_MIGRATIONS[n])   # one script: psycopg runs several statements without parameters
        else:
            for statement in _split_sql(MIGRATIONS[n]):
                conn.execute(statement)
    dialect.set_schema_version(conn, SCHEMA_VERSION)


def _migrate(conn, path: Path | str, dialect: Dialect = SQLITE) -> None:
    version = dialect.schema_version(conn)
    _check_version(version, path)
    if version == SCHEMA_VERSION:
        return
    dialect.begin_migration(conn)
    try:
        version = dialect.schema_version(conn)   # another duocode may have migrated while this one waited
        _check_version(version, path)
        if version < SCHEMA_VERSION:
            _apply_migrations(conn, dialect, version)
        conn.execute("COMMIT")
    except BaseException:
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

    def __init__(self, directory: Path, conn, dialect: Dialect = SQLITE, url: str | None = None):
        self.directory = directory
        self.dialect = dialect
        self.backend = dialect.name           # "sqlite" or "postgresql"
        self.url = url_without_password(url) if url else None
        self.path = directory / (URL_NAME if dialect is POSTGRES else DB_NAME)
        self.conn = conn
        self._codebook: Codebook | None = None
        self._in_transaction = False

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: str | Path, codebook: "Codebook", *, database: str | None = None) -> "Project":
        """Create ``DIR/duocode.db`` with ``codebook`` stored in it; refuses if a project is already there.

        With ``database`` (a ``postgresql://`` URL) the project lives in that PostgreSQL database, which must exist
        and hold no duocode project yet; ``DIR/duocode.url`` records the URL without its password, and the role
        that connects becomes the project's owner and lead."""
        directory = Path(directory)
        if database is not None and not is_postgres_url(database):
            raise InputError("not a PostgreSQL connection URL", path=database,
                             expected="postgresql://USER@HOST[:PORT]/DATABASE")
        for name in (DB_NAME, URL_NAME):
            if (directory / name).exists():
                raise RefusedError("a duocode project already exists here; nothing was changed",
                                   path=str(directory / name))
        if directory.exists() and not directory.is_dir():
            raise InputError("not a directory", path=str(directory))
        if database is not None:
            return cls._create_postgres(directory, codebook, database)
        path = directory / DB_NAME
        created_dir = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path)
            _migrate(conn, path)
            project = cls(directory, conn)
            with project.transaction():
                project._fill_new(codebook)
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            _remove_new_folder(directory, created_dir)
            raise
        return project

    @classmethod
    def _create_postgres(cls, directory: Path, codebook: "Codebook", database: str) -> "Project":
        shown = url_without_password(database)
        conn = connect_postgres(database)
        created_dir = not directory.exists()
        url_file = directory / URL_NAME
        try:
            project = cls(directory, conn, POSTGRES, database)
            POSTGRES.begin_migration(conn)
            project._in_transaction = True
            try:
                version = POSTGRES.schema_version(conn)
                held = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
                if version or held:
                    raise RefusedError("this database already holds a duocode project; nothing was changed",
                                       path=shown, expected="an empty database (createdb NAME)")
                _apply_migrations(conn, POSTGRES, 0)
                project._fill_new(codebook)
                conn.execute("INSERT INTO team_roles(role, coder, lead, added_at) VALUES (current_user, NULL, true, ?)",
                             (utcnow(),))
                directory.mkdir(parents=True, exist_ok=True)
                url_file.write_text(shown + "\n", encoding="utf-8")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                project._in_transaction = False
        except BaseException:
            conn.close()
            url_file.unlink(missing_ok=True)
            _remove_new_folder(directory, created_dir)
            raise
        return project

    def _fill_new(self, codebook: "Codebook") -> None:
        """The rows of a new project (inside its first transaction)."""
        conn = self.conn
        now = utcnow()
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
            ("project_id", str(uuid.uuid4())), ("created_at", now), ("workbook_key", secrets.token_hex(32)),
            ("settings", json.dumps({"hide_suggestions": True}))])
        self._store_codebook(codebook)
        for name in RESERVED_CODERS:
            conn.execute("INSERT INTO coders(name, kind, created_at) VALUES (?, ?, ?)", (name, name, now))
        self.log_event("init", "project", str(self.directory), detail={"codebook": codebook.id,
                                                                    "version": codebook.version})

    @classmethod
    def open(cls, directory: str | Path = ".") -> "Project":
        """Open an existing project, applying any forward migrations."""
        directory = Path(directory)
        path = directory / DB_NAME
        if not path.is_file() and (directory / URL_NAME).is_file():
            return cls._open_postgres(directory)
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

    @classmethod
    def _open_postgres(cls, directory: Path) -> "Project":
        url_file = directory / URL_NAME
        url = os.environ.get(DATABASE_ENV) or url_file.read_text(encoding="utf-8").strip()
        if not is_postgres_url(url):
            raise InputError(f"not a PostgreSQL connection URL: {url_without_password(url)!r}",
                             path=str(url_file) if not os.environ.get(DATABASE_ENV) else DATABASE_ENV,
                             expected="postgresql://USER@HOST[:PORT]/DATABASE")
        conn = connect_postgres(url)
        try:
            _migrate(conn, url_without_password(url), POSTGRES)
            if conn.execute("SELECT to_regclass('meta') IS NULL").fetchone()[0]:
                raise InputError("the database holds no duocode project", path=url_without_password(url),
                                 expected=f"the database named in {url_file}")
        except BaseException:
            conn.close()
            raise
        return cls(directory, conn, POSTGRES, url)

    @property
    def schema_version(self) -> int:
        return self.dialect.schema_version(self.conn)

    def tables(self) -> list[str]:
        """The names of the project's tables (the same on both backends), sorted."""
        return self.dialect.tables(self.conn)

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
        self.dialect.begin(self.conn)
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

    def retrying(self, work, *, attempts: int = 8):
        """``work()`` inside one transaction, run again (up to ``attempts`` times, with a short growing pause)
        when PostgreSQL gives the transaction up for a serialization failure or a deadlock; returns its result.
        ``work`` must do nothing outside the project (the rolled-back attempt leaves no trace)."""
        for attempt in range(attempts):
            try:
                with self.transaction():
                    return work()
            except Retryable:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.02 * (2 ** attempt))

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
        self.conn.execute("INSERT INTO codebook(singleton, codebook_id, version, sha256, source, yaml, loaded_at)"
                          " VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT(singleton) DO UPDATE SET "
                          "codebook_id = excluded.codebook_id, version = excluded.version, sha256 = excluded.sha256, "
                          "source = excluded.source, yaml = excluded.yaml, loaded_at = excluded.loaded_at",
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
        self.conn.execute("INSERT INTO coders(name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
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


def _remove_new_folder(directory: Path, created: bool) -> None:
    """Undo a failed create: remove the project folder when the create made it and it is empty again."""
    if created:
        try:
            directory.rmdir()
        except OSError:
            pass
