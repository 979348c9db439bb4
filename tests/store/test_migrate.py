"""``duocode migrate``: SQLite -> PostgreSQL -> SQLite gives back every row, and the same ``agree`` and ``audit``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pipeline_helpers import run_pipeline

MINI_CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"


def _report(runner, main, folder) -> dict:
    out = {}
    for command in ("agree", "audit"):
        result = runner.invoke(main, [command, "--format", "json", "--project", str(folder)])
        assert result.exit_code == 0, result.output
        out[command] = json.loads(result.stdout)
    out["audit"].pop("generated_at")
    return out


def test_a_round_trip_through_postgresql_keeps_every_row(tmp_path, pg_url, take_snapshot):
    from click.testing import CliRunner

    from duocode.cli import main
    from duocode.store import Project

    folder = tmp_path / "study"
    run_pipeline(folder, None)
    shutil.copytree(folder, tmp_path / "original")
    runner = CliRunner()
    before = _report(runner, main, folder)
    with Project.open(folder) as p:
        rows_before = take_snapshot(p)

    moved = runner.invoke(main, ["migrate", "--to", pg_url, "--project", str(folder), "--format", "json"])
    assert moved.exit_code == 0, moved.output
    summary = json.loads(moved.stdout)
    assert summary["rows"]["cases"] == 60 and summary["rows"]["events"] == len(rows_before["events"])
    assert not (folder / "duocode.db").exists() and (folder / "duocode.db.moved").exists()
    with Project.open(folder) as p:
        assert p.backend == "postgresql"
        assert take_snapshot(p) == rows_before
    assert _report(runner, main, folder) == before

    back = runner.invoke(main, ["migrate", "--to", "sqlite", "--project", str(folder)])
    assert back.exit_code == 0, back.output
    with Project.open(folder) as p:
        assert p.backend == "sqlite"
        assert take_snapshot(p) == rows_before
        assert {t: len(r) for t, r in take_snapshot(p).items()} == {t: len(r) for t, r in rows_before.items()}
    assert _report(runner, main, folder) == before
    # a new event after the move continues the log's numbering
    with Project.open(folder) as p, p.transaction():
        p.log_event("check", "project")
    with Project.open(folder) as p:
        assert max(e["id"] for e in p.events()) == len(rows_before["events"]) + 1


def test_migrate_refuses_a_database_that_holds_a_project_and_changes_nothing(tmp_path, pg_url, take_snapshot):
    from click.testing import CliRunner

    from duocode.cli import main
    from duocode.codebook import load_codebook
    from duocode.store import Project

    Project.create(tmp_path / "other", load_codebook(MINI_CODEBOOK), database=pg_url).close()
    with Project.create(tmp_path / "lite", load_codebook(MINI_CODEBOOK)) as p:
        before = take_snapshot(p)
    result = CliRunner().invoke(main, ["migrate", "--to", pg_url, "--project", str(tmp_path / "lite")])
    assert result.exit_code == 1
    assert "already holds a duocode project" in result.stderr
    with Project.open(tmp_path / "lite") as p:
        assert p.backend == "sqlite" and take_snapshot(p) == before
    assert not (tmp_path / "lite" / "duocode.url").exists()


@pytest.mark.parametrize("to", ["sqlite", "mysql://x/y"])
def test_migrate_refuses_a_target_it_cannot_move_to(mini_project, runner, to):
    from duocode.cli import main

    result = runner.invoke(main, ["migrate", "--to", to, "--project", str(mini_project.directory)])
    assert result.exit_code == 1
    assert ("already a SQLite file" if to == "sqlite" else "unknown migration target") in result.stderr
