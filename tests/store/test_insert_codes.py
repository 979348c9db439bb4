"""``store.codes.insert_codes``: the batch insert behind ``refi import`` logs like ``set_codes`` and refuses a
slot that is taken (rolling the whole batch back)."""
import sqlite3

import pytest


def _case(project):
    from duocode.store.cases import Case, insert_cases
    from duocode.store.documents import Document, insert_document

    with project.transaction():
        insert_document(project, Document(id="D1", text="one two three", format="txt"))
        insert_cases(project, [Case("C01", "D1", 0, 3, "")])


def test_insert_codes_stores_and_logs_each_code(any_project):
    from duocode.store.codes import CodeRow, codes_by_case, insert_codes

    _case(any_project)
    with any_project.transaction():
        n = insert_codes(any_project, [CodeRow("C01", "kind", "ana", "alpha"),
                                        CodeRow("C01", "kind", "consensus", "alpha", reason="r", decided_by="x")],
                         source_file="f.qdpx", action="import")
    assert n == 2
    assert codes_by_case(any_project, "ana") == {"C01": {"kind": "alpha"}}
    events = any_project.events(entity="code")
    assert [(e["coder"], e["new_value"], e["action"], e["source_file"]) for e in events] == [
        ("ana", "alpha", "import", "f.qdpx"), ("consensus", "alpha", "import", "f.qdpx")]
    assert '"decided_by": "x"' in events[1]["detail"]
    assert any_project.coders() == ["ana"]


def test_insert_codes_refuses_a_taken_slot_and_writes_nothing(any_project, take_snapshot):
    from duocode.store.codes import CodeRow, insert_codes, set_codes

    _case(any_project)
    with any_project.transaction():
        set_codes(any_project, [CodeRow("C01", "kind", "ana", "alpha")])
    before = take_snapshot(any_project)
    with pytest.raises(sqlite3.IntegrityError):
        with any_project.transaction():
            insert_codes(any_project, [CodeRow("C01", "good", "ben", "yes"), CodeRow("C01", "kind", "ana", "beta")])
    assert take_snapshot(any_project) == before
