"""Creating projects and showing their state (``duocode init``, ``duocode status``)."""
from __future__ import annotations

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

    def to_dict(self) -> dict:
        return {"project": self.directory, "codebook": self.codebook_id, "codebook_version": self.codebook_version,
                "project_id": self.project_id}


def init_project(directory: str | Path = ".", codebook: str | Path = "tmp") -> InitResult:
    """Create ``DIR/duocode.db`` with the codebook stored in it; refuses an existing project."""
    cb = load_codebook(codebook)
    project = Project.create(directory, cb)
    try:
        return InitResult(str(directory), cb.id, cb.version, project.project_id)
    finally:
        project.close()
