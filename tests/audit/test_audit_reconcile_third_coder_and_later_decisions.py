"""Reconcile workbooks with a third coder who coded only some cases, dropdowns without "=", later decisions."""
from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from audit_fixtures import MINI, build_project
from duocode.audit.reconcile import import_reconcile_sheet, write_reconcile
from duocode.store.codes import code_rows

TEXTS = {"C1": ("D1", "They knew my name."),
         "C2": ("D1", "They remembered my order."),
         "C3": ("D2", "The form asked too much.")}
CODERS = {"ines": {"C1": {"kind": "alpha", "good": "yes"}, "C2": {"kind": "beta", "count": "2"},
                   "C3": {"kind": "alpha", "good": "no"}},
          "jonas": {"C1": {"kind": "beta", "good": "yes"}, "C2": {"kind": "beta"},
                    "C3": {"kind": "alpha", "good": "yes"}},
          "ana": {"C3": {"kind": "alpha", "good": "yes"}}}  # ana never coded C1 or C2


@pytest.fixture
def project(tmp_path):
    p = build_project(tmp_path / "p", MINI, TEXTS, CODERS)
    yield p
    p.close()


@pytest.fixture
def written(project, tmp_path):
    path = tmp_path / "reconcile.xlsx"
    write_reconcile(project, path)
    return path


def test_reconcile_dropdown_formula1_has_no_leading_equals_sign_in_the_raw_xml(written):
    with zipfile.ZipFile(written) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        formulas = [f for n in sheets for f in re.findall(r"<formula1>(.*?)</formula1>", zf.read(n).decode())]
    assert any("_lists!" in f for f in formulas)
    assert formulas and not any(f.startswith("=") for f in formulas)


def test_reconcile_shows_not_coded_for_a_coder_who_never_coded_the_case(written):
    ws = openpyxl.load_workbook(written)["Reconcile"]
    rows = [tuple(c.value for c in row[:5]) for row in ws.iter_rows()]
    assert rows == [("Case", "Variable", "ana", "ines", "jonas"),
                    ("C1", "kind", "(not coded)", "alpha", "beta"),
                    ("C2", "count", "(not coded)", "2", "(not coded)"),
                    ("C3", "good", "yes", "no", "yes")]


def test_reconcile_sheet_with_not_coded_for_an_absent_coder_is_read_back(written, project):
    wb = openpyxl.load_workbook(written)
    ws = wb["Reconcile"]
    ws["F2"], ws["F3"], ws["F4"] = "beta", "(not coded)", "yes"
    wb.save(written)
    result = import_reconcile_sheet(project, written)
    assert (result.settled, result.open_disagreements) == (3, 0)
    rows = {(r.case_id, r.variable): r.value for r in code_rows(project, "consensus")}
    assert (rows[("C1", "kind")], rows[("C2", "count")], rows[("C3", "good")]) == ("beta", "", "yes")


def test_reconcile_sheet_still_refuses_a_value_typed_for_a_coder_who_never_coded_the_case(written, project):
    from duocode.errors import InputError

    wb = openpyxl.load_workbook(written)
    ws = wb["Reconcile"]
    ws["C2"], ws["F2"] = "alpha", "beta"
    wb.save(written)
    with pytest.raises(InputError, match="ana has not coded case C1, kind"):
        import_reconcile_sheet(project, written)


def test_reconcile_sheet_does_not_undo_a_decision_taken_after_it_was_written(written, project):
    from duocode.errors import InputError
    from duocode.store.codes import CodeRow, set_codes

    from tests.conftest import snapshot

    with project.transaction():  # e.g. `consensus import` after the workbook went out
        set_codes(project, [CodeRow("C1", "kind", "consensus", "alpha", reason="team meeting")], action="consensus")
    wb = openpyxl.load_workbook(written)
    wb["Reconcile"]["F2"] = "beta"
    wb.save(written)
    before = snapshot(project)
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    assert "case C1, kind was settled as 'alpha' after this workbook was written (team meeting); found 'beta'" \
        in str(info.value)
    assert snapshot(project) == before


def test_reconcile_sheet_agreeing_with_a_later_decision_imports(written, project):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C1", "kind", "consensus", "alpha", reason="team meeting")], action="consensus")
    wb = openpyxl.load_workbook(written)
    wb["Reconcile"]["F2"] = "alpha"
    wb.save(written)
    assert import_reconcile_sheet(project, written).settled == 1


def test_reconcile_that_cannot_save_leaves_the_project_unchanged(project, tmp_path):
    from duocode.errors import InputError

    from tests.conftest import snapshot

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = snapshot(project)
    with pytest.raises(InputError, match="cannot write the workbook"):
        write_reconcile(project, blocker / "reconcile.xlsx")
    assert snapshot(project) == before
