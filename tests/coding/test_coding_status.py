"""``duocode status``: each coder's progress, never a value."""
from __future__ import annotations

import json

import duocode.cli
from coding_helpers import set_codes_for
from duocode.coding.status import status


def test_status_counts_coded_cases_per_variable_for_each_coder(project):
    set_codes_for(project, "ines", {"C01": {"kind": "alpha", "count": "3"}, "C02": {"kind": "beta"}})
    set_codes_for(project, "jonas", {"C01": {"is_case": "yes", "kind": "alpha", "good": "no", "mood": "low",
                                             "count": "0"}}, memos={"C01": "x"})
    data = status(project).to_dict()
    by = {c["coder"]: c for c in data["coders"]}
    assert data["total_cases"] == 7
    assert by["ines"]["variables"]["kind"] == {"coded": 2, "total": 7}
    assert by["ines"]["variables"]["count"] == {"coded": 1, "total": 7}
    assert by["ines"]["variables"]["mood"] == {"coded": 0, "total": 7}
    assert (by["ines"]["complete_cases"], by["jonas"]["complete_cases"]) == (0, 1)
    assert by["jonas"]["memos"] == 1


def test_status_never_shows_a_value_or_the_precoder(project, runner):
    set_codes_for(project, "ines", {"C01": {"kind": "beta", "count": "987654"}}, memos={"C01": "SECRET-MEMO"})
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.9, explanation="WHY")])
    for fmt in ("json", "table", "csv"):
        result = runner.invoke(duocode.cli.main, ["status", "--format", fmt, "--project", str(project.directory)])
        assert result.exit_code == 0, result.output
        for secret in ("beta", "alpha", "987654", "SECRET-MEMO", "precoder", "WHY"):
            assert secret not in result.stdout, (fmt, secret)


def test_status_lists_a_coder_who_has_a_workbook_but_no_codes_yet(project, tmp_path):
    from duocode.coding.sheet import write_sheet

    write_sheet(project, "jonas", tmp_path / "j.xlsx")
    data = status(project).to_dict()
    assert [c["coder"] for c in data["coders"]] == ["jonas"]
    assert data["coders"][0]["variables"]["kind"] == {"coded": 0, "total": 7}


def test_status_json_is_one_object(project, runner):
    result = runner.invoke(duocode.cli.main, ["status", "--format", "json", "--project", str(project.directory)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["coders"] == []


def test_status_counts_a_case_complete_when_every_variable_that_applies_is_coded(tmp_path):
    from coding_helpers import DATA, build_documents_and_cases
    from duocode.codebook import load_codebook
    from duocode.store import Project

    with Project.create(tmp_path / "p", load_codebook(DATA / "applies_codebook.yaml")) as project:
        build_documents_and_cases(project)
        set_codes_for(project, "ines", {"C01": {"type": "plain"}, "C02": {"type": "repeat"},
                                        "C03": {"type": "repeat", "times": "2"}})
        assert status(project).to_dict()["coders"][0]["complete_cases"] == 2


def test_status_leaves_is_case_out_of_completeness_when_cases_came_from_an_agreed_list(project, runner):
    full = {"kind": "alpha", "good": "no", "mood": "low", "count": "1"}
    set_codes_for(project, "ines", {cid: dict(full) for cid in ("C01", "C02", "C03")})
    set_codes_for(project, "jonas", {"C01": dict(full, is_case="yes")})
    data = status(project).to_dict()
    by = {c["coder"]: c for c in data["coders"]}
    assert (by["ines"]["complete_cases"], by["jonas"]["complete_cases"]) == (3, 1)
    assert data["not_coded"] == {"is_case": "cases came from an agreed list"}
    result = runner.invoke(duocode.cli.main, ["status", "--project", str(project.directory)])
    assert result.exit_code == 0
    assert "is_case: not coded (cases came from an agreed list)" in result.stdout


def test_status_counts_is_case_towards_completeness_once_coders_proposed_cases(project):
    from duocode.store.proposals import insert_proposals

    with project.transaction():
        insert_proposals(project, "jonas", [("D1", 0, 10)])
    set_codes_for(project, "ines", {"C01": {"kind": "alpha", "good": "no", "mood": "low", "count": "1"}})
    data = status(project).to_dict()
    assert data["coders"][0]["complete_cases"] == 0 and data["not_coded"] == {}


def test_status_counts_a_case_coded_is_case_no_as_complete_without_its_other_variables(project):
    from duocode.store.proposals import insert_proposals

    with project.transaction():
        insert_proposals(project, "jonas", [("D1", 0, 10)])
    set_codes_for(project, "ines", {"C01": {"is_case": "no"}, "C02": {"is_case": "yes"},
                                    "C03": {"is_case": "yes", "kind": "alpha", "good": "no", "mood": "low",
                                            "count": "1"}})
    data = status(project).to_dict()
    ines = {c["coder"]: c for c in data["coders"]}["ines"]
    assert ines["complete_cases"] == 2                   # C01 (not a case) and C03; C02 still has questions
    assert ines["variables"]["kind"]["coded"] == 1


def test_status_counts_is_case_no_as_complete_also_when_cases_came_from_an_agreed_list(project):
    set_codes_for(project, "ines", {"C01": {"is_case": "no"}})
    assert status(project).to_dict()["coders"][0]["complete_cases"] == 1
