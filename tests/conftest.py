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


# -- PostgreSQL: one throw-away server per test session, a fresh database per test --------------------------------

def pytest_collection_modifyitems(items):
    """Every test that takes the PostgreSQL server (directly or through ``pg_url``) is marked ``postgres``, so that
    ``pytest -m postgres`` runs exactly the PostgreSQL tests (the ``backend`` parameter marks its own)."""
    for item in items:
        if {"pg_server", "pg_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (:class:`pg_test_server.TempServer`); skips, saying why, where none can start."""
    import pg_test_server

    reason = pg_test_server.unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests need a server: {reason}")
    server = pg_test_server.TempServer()
    try:
        server.start()
    except Exception as exc:   # e.g. a locked-down machine; the reason is in the skip message
        server.stop()
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"the PostgreSQL test server did not start: {exc} {detail.decode(errors='replace')[-300:]}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a new, empty place for a project on the session's server (as its superuser)."""
    return pg_server.fresh_url()


# Tests taking ``backend`` run once on SQLite and once on PostgreSQL; `pytest -m postgres` runs the second only.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database(request, backend) -> str | None:
    """``None`` for SQLite, else a fresh PostgreSQL database's URL: the ``database`` of ``Project.create``."""
    if backend == "sqlite":
        return None
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_project(tmp_path, database):
    """:func:`mini_project` on each backend."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "proj", load_codebook(MINI_CODEBOOK), database=database)
    yield project
    project.close()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def snapshot(project) -> dict:
    """Every row of every table, to prove that a refused command changed nothing."""
    conn = project.conn
    return {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in project.tables()}


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
