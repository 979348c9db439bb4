"""The project store: creation, refusal, migrations, atomic transactions, append-only log."""
import sqlite3

import pytest

from duocode.errors import InputError, RefusedError
from duocode.store import Project
from duocode.store.cases import Case, insert_cases, list_cases
from duocode.store.codes import CodeRow, codes_by_case, set_codes
from duocode.store.documents import Document, Turn, get_document, insert_document
from duocode.store.schema import SCHEMA_VERSION


def add_doc(project, doc_id="D1", text="Ann: hello there\nBob: hi\n"):
    with project.transaction():
        insert_document(project, Document(doc_id, text, "txt", turns=[Turn("Ann", 0, 16), Turn("Bob", 17, 24)]))


def test_create_records_schema_version_foreign_keys_and_codebook(mini_project):
    conn = mini_project.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert mini_project.codebook.id == "mini"
    assert mini_project.settings == {"hide_suggestions": True}
    assert [e["action"] for e in mini_project.events()] == ["init"]


def test_create_refuses_existing_project_unchanged(mini_project):
    before = mini_project.path.read_bytes()
    with pytest.raises(RefusedError, match="already exists"):
        Project.create(mini_project.directory, mini_project.codebook)
    assert mini_project.path.read_bytes() == before


def test_open_missing_project_names_folder(tmp_path):
    with pytest.raises(InputError) as info:
        Project.open(tmp_path)
    assert str(info.value) == f"{tmp_path}: not a duocode project (no duocode.db) (expected a folder made by " \
                              "`duocode init`; give it with --project DIR)"


def test_open_refuses_newer_schema(mini_project):
    mini_project.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RefusedError, match="newer duocode"):
        Project.open(mini_project.directory)


def test_transaction_rolls_back_everything_on_error(mini_project):
    with pytest.raises(ZeroDivisionError):
        with mini_project.transaction():
            insert_document(mini_project, Document("D9", "text", "txt"))
            mini_project.log_event("add", "document", "D9")
            1 / 0
    assert get_document(mini_project, "D9") is None
    assert [e["action"] for e in mini_project.events()] == ["init"]


def test_writes_outside_a_transaction_are_refused(mini_project):
    with pytest.raises(RuntimeError):
        mini_project.log_event("x", "y")


@pytest.mark.parametrize("sql", ["UPDATE events SET action = 'x'", "DELETE FROM events"])
def test_event_log_is_append_only(mini_project, sql):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with mini_project.transaction():
            mini_project.conn.execute(sql)


def test_case_must_reference_a_stored_document(mini_project):
    with pytest.raises(sqlite3.IntegrityError):
        with mini_project.transaction():
            insert_cases(mini_project, [Case("C1", "nope", 0, 3, "")])


def test_case_text_is_the_exact_slice_of_the_document(mini_project):
    add_doc(mini_project)
    with mini_project.transaction():
        insert_cases(mini_project, [Case("C1", "D1", 5, 16, "")])
    assert list_cases(mini_project)[0].text == "hello there"


def test_codes_log_old_and_new_values_and_keep_coders_apart(mini_project):
    add_doc(mini_project)
    with mini_project.transaction():
        insert_cases(mini_project, [Case("C1", "D1", 5, 16, "")])
        set_codes(mini_project, [CodeRow("C1", "kind", "ann", "alpha"), CodeRow("C1", "kind", "bob", "beta")],
                  source_file="a.csv")
    with mini_project.transaction():
        counts = set_codes(mini_project, [CodeRow("C1", "kind", "ann", "beta")], source_file="b.csv")
    assert counts["changed"] == 1
    assert codes_by_case(mini_project, "ann") == {"C1": {"kind": "beta"}}
    assert codes_by_case(mini_project, "bob") == {"C1": {"kind": "beta"}}
    change = [e for e in mini_project.events(entity="code") if e["source_file"] == "b.csv"]
    assert [(e["coder"], e["old_value"], e["new_value"]) for e in change] == [("ann", "alpha", "beta")]


def test_codes_long_leaves_out_reserved_coders_unless_named(mini_project):
    add_doc(mini_project)
    with mini_project.transaction():
        insert_cases(mini_project, [Case("C1", "D1", 5, 16, "")])
        set_codes(mini_project, [CodeRow("C1", "kind", "ann", "alpha"), CodeRow("C1", "kind", "precoder", "beta"),
                                 CodeRow("C1", "kind", "consensus", "alpha")])
    assert [r[2] for r in mini_project.codes_long()] == ["ann"]
    assert [r[2] for r in mini_project.codes_long(coders=["ann", "precoder"])] == ["ann", "precoder"]
