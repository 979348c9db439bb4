"""The whole pipeline through the command line on both backends: ingest, cases, two coders' codes, agreement,
consensus and the audit give the same JSON on PostgreSQL as on SQLite (the bundled demo corpus, first 60 cases)."""
from __future__ import annotations

import json

import pytest
from pipeline_helpers import N_CASES, run_pipeline


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory) -> dict:
    return run_pipeline(tmp_path_factory.mktemp("lite") / "study", None)


def test_the_sqlite_pipeline_codes_every_case_twice(sqlite_run):
    text = json.dumps(sqlite_run["agree"])
    assert "ines" in text and "jonas" in text
    assert sqlite_run["audit"]   # an audit was built from the consensus codes


def test_postgresql_gives_the_same_agreement_and_audit_as_sqlite(sqlite_run, tmp_path, pg_url):
    from duocode.store import Project

    on_pg = run_pipeline(tmp_path / "study", pg_url)
    assert on_pg == sqlite_run
    with Project.open(tmp_path / "study") as project:
        assert project.backend == "postgresql"
        assert project.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == N_CASES
        assert not (tmp_path / "study" / "duocode.db").exists()
