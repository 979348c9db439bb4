"""The reconcile workbook: written with every disagreement, read back as consensus, refused when wrong."""
from __future__ import annotations

import json

import openpyxl
import pytest

from audit_fixtures import MINI, build_project, snapshot
from duocode.audit.consensus import disagreements
from duocode.audit.reconcile import import_reconcile_sheet, write_reconcile
from duocode.cli import main
from duocode.errors import InputError
from duocode.store.codes import code_rows, codes_by_case

TEXTS = {"C1": ("D1", "=HYPERLINK(\"http://x\",\"click\") they knew my name"),
         "C2": ("D1", "They remembered my order."),
         "C3": ("D2", "The form asked too much."),
         "C4": ("D2", "All agreed here.")}
CODERS = {"ines": {"C1": {"kind": "alpha", "good": "yes", "mood": "high"},
                   "C2": {"kind": "beta", "count": "2"},
                   "C3": {"kind": "alpha", "good": "no"},
                   "C4": {"kind": "beta", "good": "yes"}},
          "jonas": {"C1": {"kind": "beta", "good": "yes", "mood": "high"},
                    "C2": {"kind": "beta"},
                    "C3": {"kind": "alpha", "good": "yes"},
                    "C4": {"kind": "beta", "good": "yes"}}}
# Disagreements: C1 kind (alpha/beta), C2 count (2/blank), C3 good (no/yes). Rows 2, 3, 4 of the sheet.
# Columns: A Case, B Variable, C ines, D jonas, E Agreed value, F Reason, G Decided by, H Document, I Case text.


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


def fill(path, cells: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Reconcile"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


def test_reconcile_workbook_has_one_row_per_disagreement_with_values_side_by_side(written):
    ws = openpyxl.load_workbook(written)["Reconcile"]
    rows = [tuple(c.value for c in row[:8]) for row in ws.iter_rows()]
    assert rows == [
        ("Case", "Variable", "ines", "jonas", "Agreed value", "Reason", "Decided by", "Document"),
        ("C1", "kind", "alpha", "beta", None, None, None, "D1"),
        ("C2", "count", "2", "(not coded)", None, None, None, "D1"),
        ("C3", "good", "no", "yes", None, None, None, "D2"),
    ]
    assert ws["I1"].value == "Case text" and ws["I3"].value == "They remembered my order."


def test_reconcile_workbook_keeps_case_text_a_string_never_a_formula(written):
    cell = openpyxl.load_workbook(written)["Reconcile"]["I2"]
    assert cell.value == TEXTS["C1"][1] and cell.data_type == "s" and cell.quotePrefix


def test_reconcile_agreed_value_has_a_dropdown_of_the_variables_values(written):
    wb = openpyxl.load_workbook(written)
    ws = wb["Reconcile"]
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = by_cell["E2"]
    sheet, ref = dv.formula1.lstrip("=").split("!")
    listed = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
    assert dv.type == "list" and listed == ["alpha", "beta", "(not coded)"]
    assert by_cell["E3"].formula1 == '"(not coded),2"'  # interval: the coders' values, others may be typed


def test_reconcile_workbook_metadata_says_kind_reconcile(written, project):
    from duocode.xlsx import read_meta_sheet

    meta = read_meta_sheet(openpyxl.load_workbook(written), str(written))
    assert (meta["kind"], meta["project_id"], meta["coders"]) == ("reconcile", project.project_id,
                                                                  ["ines", "jonas"])


def test_reconcile_takes_over_agreed_values_first(written, project):
    consensus = codes_by_case(project, "consensus")
    assert consensus["C4"] == {"kind": "beta", "good": "yes"} and consensus["C1"] == {"good": "yes", "mood": "high"}


def test_filled_workbook_is_read_back_as_consensus_with_reasons(written, project):
    coders_before = code_rows(project, "ines") + code_rows(project, "jonas")
    fill(written, {"E2": "beta", "F2": "greeting, not the order", "G2": "ines, jonas and Ana",
                   "E3": "(not coded)", "F3": "no count in the passage", "E4": "Yes"})
    result = import_reconcile_sheet(project, written)
    rows = {(r.case_id, r.variable): (r.value, r.reason, r.decided_by) for r in code_rows(project, "consensus")}
    assert rows[("C1", "kind")] == ("beta", "greeting, not the order", "ines, jonas and Ana")
    assert rows[("C2", "count")] == ("", "no count in the passage", "ines & jonas")
    assert rows[("C3", "good")] == ("yes", None, "ines & jonas")
    assert disagreements(project) == []
    assert (result.settled, result.open_disagreements) == (3, 0)
    assert code_rows(project, "ines") + code_rows(project, "jonas") == coders_before
    logged = [e for e in project.events(entity="code") if e["source_file"] == str(written)]
    assert [(e["entity_id"], e["variable"], e["new_value"]) for e in logged] == [
        ("C1", "kind", "beta"), ("C2", "count", ""), ("C3", "good", "yes")]


def test_blank_agreed_value_leaves_that_disagreement_open(written, project):
    fill(written, {"E2": "alpha"})
    result = import_reconcile_sheet(project, written)
    assert (result.settled, result.left_open) == (1, 2)
    assert [(d.case_id, d.variable) for d in disagreements(project)] == [("C2", "count"), ("C3", "good")]


def test_reimporting_the_same_workbook_changes_nothing(written, project):
    fill(written, {"E2": "alpha", "E3": "2", "E4": "no"})
    import_reconcile_sheet(project, written)
    before = snapshot(project)
    again = import_reconcile_sheet(project, written)
    assert again.counts["unchanged"] == 3
    assert {k: v for k, v in snapshot(project).items() if k != "events"} == \
        {k: v for k, v in before.items() if k != "events"}


def test_bad_workbook_is_refused_listing_every_problem_and_writing_nothing(written, project):
    # E2: not a value of kind; A3: an unknown case; row 5: a case and variable the coders agree on.
    fill(written, {"E2": "gamma", "A3": "C99", "E3": "2", "A5": "C4", "B5": "good", "C5": "yes", "D5": "yes",
                   "E5": "no", "E4": "yes"})
    before = snapshot(project)
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        f"{written}:Reconcile!E2: 'gamma' is not a value of kind (expected one of alpha, beta or (not coded))",
        f"{written}:Reconcile!A3: unknown case 'C99' (expected a case id of this project (`duocode cases list`))",
        f"{written}:Reconcile!E5: case C4, good: the coders did not disagree here, so there is nothing to settle "
        "(expected agreed values only on the rows duocode wrote for disagreements)",
    ]
    assert snapshot(project) == before


def test_edited_coder_value_is_refused(written, project):
    fill(written, {"D2": "alpha", "E2": "alpha"})
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    assert [p.location for p in info.value.problems] == ["Reconcile!D2"]
    assert "jonas's value of case C1, kind is 'beta' in the project but 'alpha' here" in str(info.value)


def test_reason_without_agreed_value_is_refused(written, project):
    fill(written, {"F2": "we talked"})
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    assert [p.location for p in info.value.problems] == ["Reconcile!E2"]


def test_same_disagreement_settled_twice_is_refused(written, project):
    fill(written, {"E2": "alpha", "A5": "C1", "B5": "kind", "C5": "alpha", "D5": "beta", "E5": "beta"})
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    assert "case C1, kind is settled twice (also at Reconcile!E2)" in str(info.value)


def test_workbook_of_another_project_is_refused(written, tmp_path):
    other = build_project(tmp_path / "other", MINI, TEXTS, CODERS)
    fill(written, {"E2": "alpha"})
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(other, written)
    assert "the workbook was written for another project" in str(info.value)
    other.close()


def test_edited_header_is_refused(written, project):
    fill(written, {"E1": "Value"})
    with pytest.raises(InputError) as info:
        import_reconcile_sheet(project, written)
    assert str(info.value.problems[0]).endswith("Reconcile!E1: found header 'Value' (expected 'Agreed value' "
                                                "(the header row as duocode wrote it))")


def test_cli_reconcile_writes_the_workbook_and_reports_counts(project, runner, tmp_path):
    out = tmp_path / "rec.xlsx"
    result = runner.invoke(main, ["reconcile", "-o", str(out), "--project", str(project.directory),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"file": str(out), "disagreements": 3, "cases": 3,
                                         "coders": ["ines", "jonas"], "auto_agreed": 6}
    assert out.is_file()


def test_cli_reconcile_needs_output(project, runner):
    assert runner.invoke(main, ["reconcile", "--project", str(project.directory)]).exit_code == 2


def test_cli_import_sheet_reads_a_reconcile_workbook(written, project, runner):
    pytest.importorskip("duocode.coding.importsheet")
    fill(written, {"E2": "alpha", "F2": "x"})
    result = runner.invoke(main, ["import-sheet", str(written), "--project", str(project.directory)])
    assert result.exit_code == 0, result.output
    assert codes_by_case(project, "consensus")["C1"]["kind"] == "alpha"


def test_cli_import_sheet_refuses_a_bad_reconcile_workbook_with_cell_names(written, project, runner):
    pytest.importorskip("duocode.coding.importsheet")
    fill(written, {"E2": "gamma", "A3": "C99", "E3": "2"})
    before = snapshot(project)
    result = runner.invoke(main, ["import-sheet", str(written), "--project", str(project.directory)])
    assert result.exit_code == 1
    assert "Reconcile!E2: 'gamma' is not a value of kind" in result.output
    assert "Reconcile!A3: unknown case 'C99'" in result.output
    assert snapshot(project) == before
