"""The two database backends of the store: SQLite (the default, one file) and PostgreSQL (a shared server).

Every SQL difference between the two goes through this module, so the query modules write one statement for
both: they use ``?`` placeholders, ``ON CONFLICT`` and ``RETURNING`` (which SQLite >= 3.35 and PostgreSQL share),
and ask the :class:`Dialect` for the few expressions that differ (reading a JSON field, a NULL-safe "not equal",
listing tables, the schema version).

For PostgreSQL, :class:`PgConnection` wraps a psycopg 3 connection with the small part of the ``sqlite3``
connection API the store uses (``execute``, ``executemany``, rows readable by position and by name), turning
``?`` into psycopg's ``%s``. psycopg is imported only when a PostgreSQL project is opened.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from duocode.errors import InputError, RefusedError

SCHEMA_TABLE = "duocode_schema"   # PostgreSQL has no PRAGMA user_version: the version lives in this one-row table


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0].lower() in ("postgresql", "postgres")


def url_without_password(url: str) -> str:
    """The connection URL with any password removed (what the project folder records), whether it was given
    before the host or as a ``password=`` parameter.

    >>> url_without_password("postgresql://lead:secret@db.example.org:5432/study?sslmode=require")
    'postgresql://lead@db.example.org:5432/study?sslmode=require'
    >>> url_without_password("postgresql://lead@db/study?password=secret&sslmode=require")
    'postgresql://lead@db/study?sslmode=require'
    """
    parts = urlsplit(url)
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        parts = parts._replace(netloc=f"{user}@{host}" if user else host)
    if "password" in parts.query.lower():
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "password"]
        parts = parts._replace(query=urlencode(kept, safe="/"))
    return urlunsplit(parts)


def _placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and a literal ``%`` -> ``%%`` outside quoted strings and identifiers.

    >>> _placeholders("SELECT '?%' FROM t WHERE a = ? AND b LIKE ?")
    "SELECT '?%%' FROM t WHERE a = %s AND b LIKE %s"
    """
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class IntegrityError(sqlite3.IntegrityError):
    """A constraint the PostgreSQL database refused; a ``sqlite3.IntegrityError`` so that callers (and tests)
    catch one exception type whatever the backend."""


class Retryable(RefusedError):
    """PostgreSQL gave up a transaction that may simply be run again (a serialization failure or a deadlock with
    another writer); nothing of it was written. :meth:`Project.retrying` runs it again; a command that meets it
    says so and exits 1."""


class _RowClass:
    """Row classes for psycopg results, one per column-name tuple: tuples readable by name like ``sqlite3.Row``."""

    _cache: dict[tuple[str, ...], type] = {}

    @classmethod
    def of(cls, names: tuple[str, ...]) -> type:
        row = cls._cache.get(names)
        if row is None:
            index = {n: i for i, n in enumerate(names)}

            def getitem(self, key, _get=tuple.__getitem__, _index=index):
                return _get(self, _index[key] if isinstance(key, str) else key)

            row = type("Row", (tuple,), {"__slots__": (), "__getitem__": getitem,
                                         "keys": lambda self, _n=names: list(_n)})
            cls._cache[names] = row
        return row


def _row_factory(cursor):
    if cursor.description is None:
        return tuple
    row = _RowClass.of(tuple(c.name for c in cursor.description))
    return lambda values: row(values)


class _Cursor:
    def __init__(self, cur):
        self._cur = cur

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def __iter__(self):
        return iter(self._cur.fetchall() if self._cur.description is not None else ())

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount


class PgConnection:
    """A psycopg 3 connection (autocommit; the store issues BEGIN/COMMIT itself) behind the sqlite3-like API."""

    def __init__(self, raw):
        self.raw = raw

    def _translate(self, exc: Exception) -> Exception:
        import psycopg

        if isinstance(exc, (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)):
            return Retryable(f"another writer conflicted with this one ({str(exc).strip()}); nothing was written",
                             expected="the same command again")
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return RefusedError(f"the database refused this for your role: {str(exc).strip()}",
                                expected="a lead's role, or your own coder's codes")
        if isinstance(exc, psycopg.IntegrityError):
            return IntegrityError(str(exc).strip())
        return exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        import psycopg

        cur = self.raw.cursor()
        try:
            if params:
                cur.execute(_placeholders(sql), tuple(params))
            else:   # without parameters psycopg reads no placeholders, so a literal % stays as it is
                cur.execute(sql)
        except psycopg.Error as exc:
            raise self._translate(exc) from exc
        return _Cursor(cur)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> _Cursor:
        import psycopg

        rows = [tuple(r) for r in rows]
        cur = self.raw.cursor()
        if rows:
            try:
                cur.executemany(_placeholders(sql), rows)
            except psycopg.Error as exc:
                raise self._translate(exc) from exc
        return _Cursor(cur)

    def close(self) -> None:
        self.raw.close()


# -- dialects --------------------------------------------------------------------------------------------------

class Dialect:
    name = ""

    def json_field(self, column: str, key: str) -> str:
        raise NotImplementedError

    def is_distinct_from(self, left: str) -> str:
        """``left`` differs from a ``?`` parameter, NULL counting as a value."""
        raise NotImplementedError

    def tables(self, conn) -> list[str]:
        """The project's own tables (those of the schema, without the backend's bookkeeping), sorted."""
        raise NotImplementedError

    def schema_version(self, conn) -> int:
        raise NotImplementedError

    def set_schema_version(self, conn, version: int) -> None:
        raise NotImplementedError

    def begin(self, conn) -> None:
        raise NotImplementedError

    def begin_migration(self, conn) -> None:
        self.begin(conn)


class SqliteDialect(Dialect):
    name = "sqlite"

    def json_field(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def is_distinct_from(self, left: str) -> str:
        return f"{left} IS NOT ?"

    def tables(self, conn) -> list[str]:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def schema_version(self, conn) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def set_schema_version(self, conn, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def begin(self, conn) -> None:
        conn.execute("BEGIN IMMEDIATE")


class PostgresDialect(Dialect):
    name = "postgresql"

    def json_field(self, column: str, key: str) -> str:
        return f"(({column})::jsonb ->> '{key}')"

    def is_distinct_from(self, left: str) -> str:
        return f"{left} IS DISTINCT FROM ?"

    def tables(self, conn) -> list[str]:
        return [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN (?, ?) "
            "ORDER BY tablename COLLATE \"C\"", (SCHEMA_TABLE, "team_roles"))]

    def schema_version(self, conn) -> int:
        exists = conn.execute("SELECT to_regclass(?) IS NOT NULL", (SCHEMA_TABLE,)).fetchone()[0]
        if not exists:
            return 0
        row = conn.execute(f"SELECT version FROM {SCHEMA_TABLE}").fetchone()
        return row[0] if row else 0

    def set_schema_version(self, conn, version: int) -> None:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER NOT NULL)")
        conn.execute(f"DELETE FROM {SCHEMA_TABLE}")
        conn.execute(f"INSERT INTO {SCHEMA_TABLE}(version) VALUES (?)", (int(version),))

    def begin(self, conn) -> None:
        conn.execute("BEGIN")

    def begin_migration(self, conn) -> None:
        # one migrator at a time: every other duocode opening the project waits here, then sees the new version
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('duocode schema'))")


SQLITE = SqliteDialect()
POSTGRES = PostgresDialect()


def connect_postgres(url: str) -> PgConnection:
    """Open a PostgreSQL connection; a server that cannot be reached is an :class:`InputError` naming it."""
    try:
        import psycopg
    except ImportError:
        raise InputError("a PostgreSQL project needs psycopg", path=url_without_password(url),
                         expected="pip install 'duocode[postgres]'") from None
    try:
        raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
    except psycopg.Error as exc:
        raise InputError(f"cannot connect to the PostgreSQL database: {str(exc).strip()}",
                         path=url_without_password(url),
                         expected="a reachable server, an existing database and your role's password (in "
                                  "PGPASSWORD or ~/.pgpass, never in the project folder)") from None
    return PgConnection(raw)
