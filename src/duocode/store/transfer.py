"""``duocode migrate``: move a project between SQLite and PostgreSQL, row for row.

The target gets the same schema (same version), then every row of every table in one transaction, in an order
that satisfies the foreign keys, keeping the ids (the event log's order, the proposals' numbers). Before the
transaction commits, every table is read back from the target and compared with the source, row for row; any
difference rolls the whole copy back. Only then does the project folder switch: the old ``duocode.db`` (or
``duocode.url``) is kept beside it with the suffix ``.moved``.

PostgreSQL's team roles (``team_roles``) have no SQLite counterpart and are not carried to SQLite; the event log
keeps the record of who was given which role.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError, RefusedError
from duocode.store._dialect import (POSTGRES, SQLITE, IntegrityError, connect_postgres, is_postgres_url,
                                    url_without_password)

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project

# parents before children (the foreign keys)
TABLES = ("meta", "codebook", "coders", "documents", "turns", "informants", "informant_attributes", "cases",
          "proposals", "codes", "memos", "events", "embeddings")
MOVED = ".moved"


@dataclass
class Transfer:
    """What ``migrate`` moved: rows per table, from where to where."""

    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "rows": self.rows, "verified": True}


def _rows(conn, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(f"SELECT * FROM {table}")]


def _columns(conn, table: str, dialect) -> list[str]:
    if dialect is SQLITE:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    return [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                       "AND table_schema = current_schema() ORDER BY ordinal_position", (table,))]


def _may_read_everything(project: "Project") -> bool:
    """A PostgreSQL session sees every coder's rows: the tables' owner, a superuser, or a lead's role."""
    if project.backend != "postgresql":
        return True
    return bool(project.conn.execute(
        "SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'codes' AND schemaname = current_schema()) "
        "= current_user OR (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) "
        "OR EXISTS (SELECT 1 FROM team_roles WHERE role = current_user AND lead)").fetchone()[0])


def _copy(source: "Project", conn, dialect) -> dict[str, int]:
    """Every table of ``source`` into the target connection (inside the caller's transaction), verified."""
    from duocode.store.project import _apply_migrations

    _apply_migrations(conn, dialect, 0)
    counts: dict[str, int] = {}
    for table in TABLES:
        columns = _columns(source.conn, table, source.dialect)
        if columns != _columns(conn, table, dialect):
            raise RefusedError(f"table {table}: the two backends' columns differ; nothing was moved",
                               path=str(source.path))
        rows = _rows(source.conn, table)
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        try:
            conn.executemany(f"INSERT INTO {table}({quoted}) VALUES ({marks})", rows)
        except (IntegrityError, sqlite3.IntegrityError) as exc:
            raise RefusedError(f"table {table}: the target refused a row ({exc}); nothing was moved",
                               path=str(source.path)) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):   # e.g. a NUL character PostgreSQL text cannot hold
                raise RefusedError(f"table {table}: PostgreSQL refused a row ({str(exc).strip()}); nothing was "
                                   "moved", path=str(source.path)) from None
            raise
        counts[table] = len(rows)
    if dialect is POSTGRES:
        for table in ("proposals", "events"):   # the identity columns continue after the copied ids
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                         "HAVING max(id) IS NOT NULL")
    for table in TABLES:
        if sorted(_rows(source.conn, table), key=repr) != sorted(_rows(conn, table), key=repr):
            raise RefusedError(f"table {table}: the copy read back differs from the source; nothing was moved",
                               path=str(source.path))
    return counts


def move_project(source: "Project", to: str) -> Transfer:
    """Move the open project ``source`` to ``to``: a ``postgresql://`` URL (from SQLite; the database must be
    empty) or ``sqlite`` (from PostgreSQL, into the project folder's ``duocode.db``). Closes ``source``."""
    from duocode.store.project import DB_NAME, URL_NAME, utcnow

    folder = source.directory
    if is_postgres_url(to):
        if source.backend == "postgresql":
            raise RefusedError("the project is already on PostgreSQL", path=str(source.path),
                               expected="--to sqlite to move it back to a SQLite file")
        shown = url_without_password(to)
        conn = connect_postgres(to)
        try:
            POSTGRES.begin_migration(conn)
            try:
                if POSTGRES.schema_version(conn) or conn.execute("SELECT to_regclass('meta') IS NOT NULL"
                                                                  ).fetchone()[0]:
                    raise RefusedError("this database already holds a duocode project; nothing was moved",
                                       path=shown, expected="an empty database (createdb NAME)")
                counts = _copy(source, conn, POSTGRES)
                conn.execute("INSERT INTO team_roles(role, coder, lead, added_at) VALUES (current_user, NULL, "
                             "true, ?)", (utcnow(),))
                (folder / URL_NAME).write_text(shown + "\n", encoding="utf-8")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                (folder / URL_NAME).unlink(missing_ok=True)
                raise
        finally:
            conn.close()
        old = source.path
        source.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        source.close()
        old.replace(old.with_name(DB_NAME + MOVED))
        for suffix in ("-wal", "-shm"):
            Path(str(old) + suffix).unlink(missing_ok=True)
        return Transfer(str(folder / DB_NAME), shown, counts)
    if to != "sqlite":
        raise InputError(f"unknown migration target {to!r}", expected="postgresql://USER@HOST/DATABASE or sqlite")
    if source.backend == "sqlite":
        raise RefusedError("the project is already a SQLite file", path=str(source.path),
                           expected="--to postgresql://USER@HOST/DATABASE")
    if not _may_read_everything(source):
        raise RefusedError("your role sees only your own codes; a lead must move the project", path=source.url,
                           expected="a lead's or the owner's role in DUOCODE_DATABASE")
    target = folder / DB_NAME
    partial = folder / (DB_NAME + ".partial")
    if target.exists():
        raise RefusedError("the folder already holds a duocode.db; nothing was moved", path=str(target))
    from duocode.store.project import _connect

    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    conn = _connect(partial)
    try:
        SQLITE.begin(conn)
        try:
            counts = _copy(source, conn, SQLITE)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        raise
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    shown = source.url
    source.close()
    partial.replace(target)
    url_file = folder / URL_NAME
    url_file.replace(url_file.with_name(URL_NAME + MOVED))
    return Transfer(shown or "", str(target), counts)
