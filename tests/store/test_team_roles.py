"""Coders connect as themselves: the database, not duocode, keeps each coder's codes from the others until a
(case, variable) is reconciled. The checks connect with psycopg directly, as a coder's role would."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

MINI_CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"

psycopg = pytest.importorskip("psycopg")


def as_role(url: str, role: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)


@pytest.fixture
def team(tmp_path, pg_url, monkeypatch):
    """A PostgreSQL project with two cases, roles for coders ann and bob, and each coder's codes written in a
    session of their own role (through ``DUOCODE_DATABASE``)."""
    from duocode.codebook import load_codebook
    from duocode.store import (Case, CodeRow, Document, Project, add_team_role, insert_cases, insert_document,
                               set_codes, set_memo)

    folder = tmp_path / "study"
    suffix = os.urandom(3).hex()   # roles belong to the whole server: one name per test
    roles = {"ann": f"ann_{suffix}", "bob": f"bob_{suffix}", "lea": f"lea_{suffix}"}
    with Project.create(folder, load_codebook(MINI_CODEBOOK), database=pg_url) as lead:
        with lead.transaction():
            insert_document(lead, Document("D1", "one two three four", "txt"))
            insert_cases(lead, [Case("C1", "D1", 0, 3, ""), Case("C2", "D1", 4, 7, "")])
        add_team_role(lead, roles["ann"], coder="ann")
        add_team_role(lead, roles["bob"], coder="bob")
        add_team_role(lead, roles["lea"], lead=True)
    for coder, value in (("ann", "alpha"), ("bob", "beta")):
        monkeypatch.setenv("DUOCODE_DATABASE", as_role(pg_url, roles[coder]))
        with Project.open(folder) as mine, mine.transaction():
            set_codes(mine, [CodeRow("C1", "kind", coder, value), CodeRow("C2", "kind", coder, value)],
                      source_file=f"{coder}.csv")
            set_memo(mine, "C1", coder, f"{coder}'s memo")
    monkeypatch.delenv("DUOCODE_DATABASE")
    return folder, pg_url, roles


def test_a_coder_cannot_select_another_coders_codes(team):
    _, url, roles = team
    with psycopg.connect(as_role(url, roles["ann"])) as conn:
        assert conn.execute("SELECT case_id, value FROM codes WHERE coder = 'bob'").fetchall() == []
        assert conn.execute("SELECT coder, count(*) FROM codes GROUP BY coder").fetchall() == [("ann", 2)]
        assert conn.execute("SELECT count(*) FROM memos WHERE coder = 'bob'").fetchone() == (0,)
        # nor through the log, which holds every old and new value
        assert conn.execute("SELECT count(*) FROM events WHERE coder = 'bob'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM events WHERE coder = 'ann' AND entity = 'code'").fetchone() == (2,)


def test_a_coder_cannot_change_or_forge_another_coders_codes(team):
    _, url, roles = team
    with psycopg.connect(as_role(url, roles["ann"]), autocommit=True) as conn:
        assert conn.execute("UPDATE codes SET value = 'x' WHERE coder = 'bob'").rowcount == 0
        assert conn.execute("DELETE FROM codes WHERE coder = 'bob'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO codes(case_id, variable, coder, value, updated_at) "
                         "VALUES ('C1', 'good', 'bob', 'yes', 'now')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO events(at, action, entity, coder) VALUES ('now', 'code', 'code', 'bob')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO team_roles(role, coder, lead, added_at) VALUES (current_user, NULL, true, 'x')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE cases SET status = 'rejected'")
    with psycopg.connect(url) as conn:   # the lead's view: nothing of bob's moved
        assert conn.execute("SELECT case_id, value FROM codes WHERE coder = 'bob' ORDER BY case_id").fetchall() == [
            ("C1", "beta"), ("C2", "beta")]


def test_the_project_api_in_a_coders_session_sees_only_their_codes_and_logs_them(team, monkeypatch):
    from duocode.store import Project, codes_by_case, session_role

    folder, url, roles = team
    monkeypatch.setenv("DUOCODE_DATABASE", as_role(url, roles["bob"]))
    with Project.open(folder) as bob:
        assert session_role(bob).coder == "bob"
        assert bob.codes_long() == [("C1", "kind", "bob", "beta"), ("C2", "kind", "bob", "beta")]
        assert codes_by_case(bob, "ann") == {}
        logged = [(e["coder"], e["entity_id"], e["new_value"], e["at"][-1]) for e in bob.events(entity="code")]
        assert logged == [("bob", "C1", "beta", "Z"), ("bob", "C2", "beta", "Z")]


def test_after_reconciliation_a_coder_sees_both_codes_of_that_case_only(team, monkeypatch):
    from duocode.store import CodeRow, Project, set_codes

    folder, url, roles = team
    monkeypatch.setenv("DUOCODE_DATABASE", as_role(url, roles["lea"]))
    with Project.open(folder) as lea:   # a lead (not the owner) reads everything and writes the consensus
        assert len(lea.codes_long()) == 4
        with lea.transaction():
            set_codes(lea, [CodeRow("C1", "kind", "consensus", "alpha", reason="ann's reading", decided_by="lea")])
    with psycopg.connect(as_role(url, roles["ann"])) as conn:
        assert conn.execute("SELECT case_id, coder, value FROM codes ORDER BY case_id, coder").fetchall() == [
            ("C1", "ann", "alpha"), ("C1", "bob", "beta"), ("C1", "consensus", "alpha"), ("C2", "ann", "alpha")]


def test_roles_are_refused_on_sqlite(mini_project):
    from duocode.errors import RefusedError
    from duocode.store import add_team_role, team_roles

    with pytest.raises(RefusedError, match="only in a PostgreSQL project"):
        add_team_role(mini_project, "ann", coder="ann")
    assert team_roles(mini_project) == []


def test_commands_in_a_coders_session(team, monkeypatch, runner, tmp_path):
    """A coder's own commands work as their role; writing another coder's codes is refused by the database with
    one clear line (exit 1), and nothing is written."""
    from duocode.cli import main

    folder, url, roles = team
    monkeypatch.setenv("DUOCODE_DATABASE", as_role(url, roles["ann"]))
    mine = tmp_path / "ann2.csv"
    mine.write_text("case_id,kind\nC1,beta\n", encoding="utf-8")
    ok = runner.invoke(main, ["codes", "import", str(mine), "--coder", "ann", "--project", str(folder)])
    assert ok.exit_code == 0, ok.output
    sheet = runner.invoke(main, ["sheet", "--coder", "ann", "-o", str(tmp_path / "ann.xlsx"), "--project",
                                 str(folder)])
    assert sheet.exit_code == 0, sheet.output
    forged = runner.invoke(main, ["codes", "import", str(mine), "--coder", "bob", "--project", str(folder)])
    assert forged.exit_code == 1
    assert "the database refused this for your role" in forged.stderr and "Traceback" not in forged.output
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT case_id, coder, value FROM codes ORDER BY coder, case_id").fetchall() == [
            ("C1", "ann", "beta"), ("C2", "ann", "alpha"), ("C1", "bob", "beta"), ("C2", "bob", "beta")]
