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


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory):
    """``duocode demo`` run once per test session, through the CLI, over an earlier (empty) demo project, so the
    one build also proves that the demo rebuilds its own folder. Returns (directory, the JSON it printed, what
    it wrote to stderr).
    Read-only: a test that changes the project takes :func:`demo_copy`."""
    import json

    from click.testing import CliRunner

    from duocode.cli import main
    from duocode.codebook import load_codebook
    from duocode.store import Project

    directory = tmp_path_factory.mktemp("demo") / "demo-project"
    with Project.create(directory, load_codebook("tmp")) as earlier, earlier.transaction():
        earlier.set_meta("demo", "1")
    (directory / "workbooks").mkdir()
    (directory / "workbooks" / "stale.xlsx").write_bytes(b"from an earlier run")
    result = CliRunner().invoke(main, ["demo", str(directory), "--format", "json"])
    assert result.exit_code == 0, result.output
    return directory, json.loads(result.stdout), result.stderr


@pytest.fixture
def demo_copy(built_demo, tmp_path):
    """A private copy of the session's demo project folder (the path), free to change."""
    import shutil

    target = tmp_path / "demo-project"
    shutil.copytree(built_demo[0], target)
    return target


@pytest.fixture
def take_snapshot():
    """:func:`snapshot`, for test folders that cannot import this conftest by name."""
    return snapshot
