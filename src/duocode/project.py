"""Creating projects and showing their state (``duocode init``, ``duocode status``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from duocode.codebook import load_codebook
from duocode.store import Project, TeamRole


@dataclass
class InitResult:
    directory: str
    codebook_id: str
    codebook_version: str
    project_id: str
    database: str | None = None    # a PostgreSQL project's URL (without password); None for SQLite

    def to_dict(self) -> dict:
        out = {"project": self.directory, "codebook": self.codebook_id, "codebook_version": self.codebook_version,
               "project_id": self.project_id}
        if self.database:
            out["database"] = self.database
        return out


def init_project(directory: str | Path = ".", codebook: str | Path = "tmp", *,
                 database: str | None = None) -> InitResult:
    """Create ``DIR/duocode.db`` with the codebook stored in it; refuses an existing project.

    ``database`` (else ``DUOCODE_DATABASE`` from the environment), a ``postgresql://`` URL, puts the project in
    that PostgreSQL database instead; the folder then records the URL without its password."""
    from duocode.store import DATABASE_ENV

    database = database or os.environ.get(DATABASE_ENV) or None
    cb = load_codebook(codebook)
    project = Project.create(directory, cb, database=database)
    try:
        return InitResult(str(directory), cb.id, cb.version, project.project_id, project.url)
    finally:
        project.close()


@dataclass
class MigrateResult:
    """What ``duocode migrate`` moved: rows per table, every one read back and compared before the switch."""

    project: str
    source: str
    target: str
    rows: dict[str, int]

    def to_dict(self) -> dict:
        return {"project": self.project, "from": self.source, "to": self.target, "rows": self.rows,
                "verified": True}


def migrate_project(directory: str | Path, to: str) -> MigrateResult:
    """Move the project in ``directory`` to PostgreSQL (``to`` a ``postgresql://`` URL of an empty database) or
    back to SQLite (``to`` = ``sqlite``), every row verified before the folder switches."""
    from duocode.store import move_project

    moved = move_project(Project.open(directory), to)
    return MigrateResult(str(directory), moved.source, moved.target, moved.rows)


@dataclass
class TeamList:
    """The roles of a PostgreSQL project's team (``duocode team list``/``add``)."""

    project: str
    roles: list[TeamRole]

    def to_dict(self) -> dict:
        return {"project": self.project, "roles": [r.to_dict() for r in self.roles]}


def add_team_member(directory: str | Path, role: str, *, coder: str | None = None, lead: bool = False,
                    password: str | None = None) -> TeamList:
    """Give a database role a coder's or a lead's rights in the PostgreSQL project in ``directory``."""
    from duocode.store import add_team_role, team_roles

    with Project.open(directory) as project:
        add_team_role(project, role, coder=coder, lead=lead, password=password)
        return TeamList(str(directory), team_roles(project))


def list_team(directory: str | Path) -> TeamList:
    from duocode.store import team_roles

    with Project.open(directory) as project:
        return TeamList(str(directory), team_roles(project))
