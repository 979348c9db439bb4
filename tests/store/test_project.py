"""The project store: creation, refusal, migrations, atomic transactions, append-only log."""
import os
import sqlite3
from pathlib import Path

import pytest

from duocode.errors import InputError, RefusedError
from duocode.store import Project
from duocode.store.cases import Case, insert_cases, list_cases
from duocode.store.codes import CodeRow, codes_by_case, set_codes
from duocode.store.documents import Document, Turn, get_document, insert_document
from duocode.store.schema import SCHEMA_VERSION

MINI_CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"


def add_doc(project, doc_id="D1", text="Ann: hello there\nBob: hi\n"):
    with project.transaction():
        insert_document(project, Document(doc_id, text, "txt", turns=[Turn("Ann", 0, 16), Turn("Bob", 17, 24)]))


def test_create_records_schema_version_foreign_keys_and_codebook(any_project):
    conn = any_project.conn
    assert any_project.schema_version == SCHEMA_VERSION
    if any_project.backend == "sqlite":
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert any_project.codebook.id == "mini"
    assert any_project.settings == {"hide_suggestions": True}
    assert [e["action"] for e in any_project.events()] == ["init"]


def test_create_refuses_existing_project_unchanged(any_project):
    before = any_project.path.read_bytes()
    with pytest.raises(RefusedError, match="already exists"):
        Project.create(any_project.directory, any_project.codebook)
    assert any_project.path.read_bytes() == before


def test_open_missing_project_names_folder(tmp_path):
    with pytest.raises(InputError) as info:
        Project.open(tmp_path)
    assert str(info.value) == f"{tmp_path}: not a duocode project (no duocode.db) (expected a folder made by " \
                              "`duocode init`; give it with --project DIR)"


def test_open_refuses_newer_schema(any_project):
    any_project.dialect.set_schema_version(any_project.conn, SCHEMA_VERSION + 1)
    with pytest.raises(RefusedError, match="newer duocode"):
        Project.open(any_project.directory)


def test_transaction_rolls_back_everything_on_error(any_project):
    with pytest.raises(ZeroDivisionError):
        with any_project.transaction():
            insert_document(any_project, Document("D9", "text", "txt"))
            any_project.log_event("add", "document", "D9")
            1 / 0
    assert get_document(any_project, "D9") is None
    assert [e["action"] for e in any_project.events()] == ["init"]


def test_writes_outside_a_transaction_are_refused(any_project):
    with pytest.raises(RuntimeError):
        any_project.log_event("x", "y")


@pytest.mark.parametrize("sql", ["UPDATE events SET action = 'x'", "DELETE FROM events"])
def test_event_log_is_append_only(any_project, sql):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with any_project.transaction():
            any_project.conn.execute(sql)


def test_case_must_reference_a_stored_document(any_project):
    with pytest.raises(sqlite3.IntegrityError):
        with any_project.transaction():
            insert_cases(any_project, [Case("C1", "nope", 0, 3, "")])


def test_case_text_is_the_exact_slice_of_the_document(any_project):
    add_doc(any_project)
    with any_project.transaction():
        insert_cases(any_project, [Case("C1", "D1", 5, 16, "")])
    assert list_cases(any_project)[0].text == "hello there"


def test_codes_log_old_and_new_values_and_keep_coders_apart(any_project):
    add_doc(any_project)
    with any_project.transaction():
        insert_cases(any_project, [Case("C1", "D1", 5, 16, "")])
        set_codes(any_project, [CodeRow("C1", "kind", "ann", "alpha"), CodeRow("C1", "kind", "bob", "beta")],
                  source_file="a.csv")
    with any_project.transaction():
        counts = set_codes(any_project, [CodeRow("C1", "kind", "ann", "beta")], source_file="b.csv")
    assert counts["changed"] == 1
    assert codes_by_case(any_project, "ann") == {"C1": {"kind": "beta"}}
    assert codes_by_case(any_project, "bob") == {"C1": {"kind": "beta"}}
    change = [e for e in any_project.events(entity="code") if e["source_file"] == "b.csv"]
    assert [(e["coder"], e["old_value"], e["new_value"]) for e in change] == [("ann", "alpha", "beta")]


def test_codes_long_leaves_out_reserved_coders_unless_named(any_project):
    add_doc(any_project)
    with any_project.transaction():
        insert_cases(any_project, [Case("C1", "D1", 5, 16, "")])
        set_codes(any_project, [CodeRow("C1", "kind", "ann", "alpha"), CodeRow("C1", "kind", "precoder", "beta"),
                                 CodeRow("C1", "kind", "consensus", "alpha")])
    assert [r[2] for r in any_project.codes_long()] == ["ann"]
    assert [r[2] for r in any_project.codes_long(coders=["ann", "precoder"])] == ["ann", "precoder"]


def test_both_backends_make_the_same_tables_and_columns_in_the_same_order(tmp_path, pg_url):
    """``migrate`` copies rows column by column: the two schemas must agree (PostgreSQL adds only ``team_roles``)."""
    from duocode.codebook import load_codebook

    def columns(project):
        return {t: [d[0] for d in project.conn.execute(f"SELECT * FROM {t} LIMIT 0").description or []]
                if project.backend == "sqlite" else
                [r[0] for r in project.conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "AND table_schema = current_schema() "
                    "ORDER BY ordinal_position", (t,))]
                for t in project.tables()}

    codebook = load_codebook(MINI_CODEBOOK)
    with Project.create(tmp_path / "lite", codebook) as lite, \
            Project.create(tmp_path / "pg", codebook, database=pg_url) as pg:
        assert columns(lite) == columns(pg)
        assert len(columns(lite)) == 13
        assert pg.path.read_text(encoding="utf-8").strip() == pg.url


def test_a_postgresql_project_folder_records_no_password(tmp_path, pg_server):
    from duocode.codebook import load_codebook

    name = pg_server.new_database()
    url = pg_server.url(name).replace("postgresql://postgres@", "postgresql://postgres:s3cret@")
    with Project.create(tmp_path / "p", load_codebook(MINI_CODEBOOK), database=url) as project:
        assert project.backend == "postgresql"
    recorded = (tmp_path / "p" / "duocode.url").read_text(encoding="utf-8")
    assert "s3cret" not in recorded and recorded.startswith("postgresql://postgres@/")
    with Project.open(tmp_path / "p") as again:
        assert again.codebook.id == "mini"
    with pytest.raises(RefusedError, match="already holds a duocode project"):
        Project.create(tmp_path / "q", load_codebook(MINI_CODEBOOK), database=url)
    assert not (tmp_path / "q").exists()


def test_a_sqlite_project_never_imports_psycopg(mini_project):
    import subprocess
    import sys

    code = ("import sys; from duocode.store import Project, list_cases; p = Project.open(sys.argv[1]); "
            "list_cases(p); print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(mini_project.directory)], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_team_commands_on_postgresql(tmp_path, pg_url, runner):
    import json

    from duocode.cli import main

    folder = str(tmp_path / "study")
    made = runner.invoke(main, ["init", folder, "--database", pg_url, "--format", "json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["database"] == pg_url
    role = f"ines_{os.urandom(3).hex()}"
    added = runner.invoke(main, ["team", "add", role, "--coder", "ines", "--project", folder, "--format", "json"])
    assert added.exit_code == 0, added.output
    roles = json.loads(added.stdout)["roles"]
    assert [(r["role"], r["coder"], r["lead"]) for r in roles if r["role"] == role] == [(role, "ines", False)]
    again = runner.invoke(main, ["team", "add", role, "--coder", "ines", "--project", folder])
    assert again.exit_code == 1 and "already in the team" in again.stderr
    both = runner.invoke(main, ["team", "add", "x", "--coder", "x", "--lead", "--project", folder])
    assert both.exit_code == 1 and "either a coder name or lead" in both.stderr
    listed = runner.invoke(main, ["team", "list", "--project", folder])
    assert listed.exit_code == 0 and role in listed.stdout
