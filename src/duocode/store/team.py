"""The team of a PostgreSQL project: each coder connects as their own database role.

A role is a coder's (it may read and write only that coder's codes, memos and case proposals, as the row-level
security policies of ``schema.PG_V1_SECURITY`` enforce in the database) or a lead's (it reads every coder's
codes and writes consensus; the project's owner, who ran ``duocode init``, is a lead from the start). A SQLite
project has no roles: whoever can open the file can read it all.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from duocode.errors import InputError, RefusedError
from duocode.store.project import RESERVED_CODERS, utcnow

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project


@dataclass(frozen=True)
class TeamRole:
    role: str
    coder: str | None
    lead: bool
    added_at: str

    def to_dict(self) -> dict:
        return asdict(self)


def _require_postgres(project: "Project") -> None:
    if project.backend != "postgresql":
        raise RefusedError("database roles exist only in a PostgreSQL project; a SQLite project is one file that "
                           "whoever opens it reads whole", path=str(project.path),
                           expected="a project made with `duocode init --database postgresql://...`")


def team_roles(project: "Project") -> list[TeamRole]:
    """Every role of the project's team, sorted by name (empty for a SQLite project)."""
    if project.backend != "postgresql":
        return []
    return [TeamRole(*r) for r in project.conn.execute(
        "SELECT role, coder, lead, added_at FROM team_roles ORDER BY role")]


def session_role(project: "Project") -> TeamRole | None:
    """The team role this connection runs as, if it is one (PostgreSQL only)."""
    if project.backend != "postgresql":
        return None
    row = project.conn.execute("SELECT role, coder, lead, added_at FROM team_roles WHERE role = current_user"
                               ).fetchone()
    return TeamRole(*row) if row else None


def add_team_role(project: "Project", role: str, *, coder: str | None = None, lead: bool = False,
                  password: str | None = None) -> TeamRole:
    """Give ``role`` (created as a login role when the server has none of that name) a coder's rights over
    ``coder``'s rows, or a lead's rights (``lead``), in one transaction; logs the change.

    ``password`` sets the role's password on the server (it is never stored by duocode). Needs a session that
    may create roles and grant on the project's tables (the owner)."""
    _require_postgres(project)
    if not role or not role.strip():
        raise InputError("the role name is blank", expected="a database role name")
    if (coder is None) == (not lead):
        raise InputError(f"role {role!r}: give either a coder name or lead, not both or neither",
                         expected="--coder NAME or --lead")
    if coder is not None and coder in RESERVED_CODERS:
        raise InputError(f"{coder!r} is a reserved coder name; its codes are written by leads",
                         expected="a human coder's name")
    conn = project.conn

    def run(template: str, *args) -> None:
        # format() quotes identifiers (%I) and literals (%L) on the server: no name reaches the SQL unquoted
        marks = ", ".join(["?::text"] * len(args))
        conn.execute(conn.execute(f"SELECT format('{template}', {marks})", args).fetchone()[0])

    now = utcnow()
    with project.transaction():
        if conn.execute("SELECT role FROM team_roles WHERE role = ?", (role,)).fetchone():
            raise RefusedError(f"role {role!r} is already in the team; nothing was changed", path=project.url)
        if coder is not None and conn.execute("SELECT role FROM team_roles WHERE coder = ?", (coder,)).fetchone():
            raise RefusedError(f"coder {coder!r} already has a role; nothing was changed", path=project.url)
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone():
            run("CREATE ROLE %I LOGIN", role)
        if password is not None:
            run("ALTER ROLE %I PASSWORD %L", role, password)
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        run("GRANT USAGE ON SCHEMA %I TO %I", schema, role)
        if lead:
            run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I", schema, role)
        else:
            project.ensure_coder(coder, "human")
            run("GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I", schema, role)
            run("GRANT INSERT, UPDATE, DELETE ON codes, memos, proposals TO %I", role)
            run("GRANT INSERT ON events, coders TO %I", role)
        run("GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, role)
        conn.execute("INSERT INTO team_roles(role, coder, lead, added_at) VALUES (?, ?, ?, ?)",
                     (role, coder, lead, now))
        project.log_event("add", "role", role, new="lead" if lead else coder,
                          detail={"coder": coder, "lead": lead})
    return TeamRole(role, coder, lead, now)
