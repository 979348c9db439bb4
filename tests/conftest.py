"""Shared fixtures. Tests that read ../shared skip when it is absent (e.g. outside the team's workspace)."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
MINI_CODEBOOK = DATA / "mini_codebook.yaml"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def mini_project(tmp_path):
    """A fresh project with the mini test codebook; yields the open Project."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "proj", load_codebook(MINI_CODEBOOK))
    yield project
    project.close()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def snapshot(project) -> dict:
    """Every row of every table, to prove that a refused command changed nothing."""
    conn = project.conn
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t}")] for t in tables}
