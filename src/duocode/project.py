"""Creating projects and showing their state (``duocode init``, ``duocode status``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from duocode.codebook import load_codebook
from duocode.store import Project


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
