"""Codes as wide CSV: import (checked, all or nothing, logged) and export."""
from __future__ import annotations

import json

import pytest

import duocode.cli
from coding_helpers import DATA, set_codes_for, snapshot
from duocode.coding.csvcodes import export_codes, import_codes, read_wide_csv, write_wide_rows
from duocode.errors import InputError, RefusedError
from duocode.store.codes import codes_by_case


def test_import_matches_values_case_insensitively_after_trimming_and_by_label(project):
    result = import_codes(project, DATA / "codes_good.csv", "ines")
    assert codes_by_case(project, "ines") == {
        "C01": {"is_case": "yes", "kind": "alpha", "good": "yes", "mood": "low", "count": "3"},
        "C02": {"is_case": "yes", "kind": "beta", "good": "no", "mood": "mid", "count": "0"}}
    assert result.counts["added"] == 10


def test_import_logs_every_change_with_old_and_new_value_and_the_file(project):
    set_codes_for(project, "ines", {"C01": {"kind": "beta"}})
    import_codes(project, DATA / "codes_good.csv", "ines")
    events = [e for e in project.events(entity="code") if e["coder"] == "ines" and e["variable"] == "kind"
              and e["entity_id"] == "C01"]
    assert [(e["old_value"], e["new_value"]) for e in events] == [(None, "beta"), ("beta", "alpha")]
    assert events[-1]["source_file"].endswith("codes_good.csv")


def test_import_blank_cell_removes_an_existing_code(project):
    set_codes_for(project, "ines", {"C03": {"kind": "alpha"}})
    result = import_codes(project, DATA / "codes_good.csv", "ines")
    assert "C03" not in codes_by_case(project, "ines")
    assert result.counts["removed"] == 1


def test_import_reads_semicolon_separated_crlf_files(project):
    import_codes(project, DATA / "codes_semicolon.csv", "ines")
    assert codes_by_case(project, "ines") == {"C01": {"kind": "alpha", "mood": "high"},
                                              "C02": {"kind": "beta", "mood": "low"}}


def test_import_reads_a_utf8_bom_header(project):
    import_codes(project, DATA / "codes_bom.csv", "ines")
    assert codes_by_case(project, "ines") == {"C01": {"kind": "alpha"}}


@pytest.mark.parametrize("name, expected", [
    ("codes_unknown_column.csv", ["codes_unknown_column.csv:line 1: unknown column 'colour' (column 3) "
                                  "(expected one of case_id, is_case, kind, good, mood, count)"]),
    ("codes_invalid_value.csv", [
        "codes_invalid_value.csv:line 3: case C02, column kind: 'gamma' is not a value of kind "
        "(expected one of alpha, beta)",
        "codes_invalid_value.csv:line 4: case C03, column count: -1 is below the minimum 0 "
        "(expected a whole number >= 0)",
        "codes_invalid_value.csv:line 5: case C04, column count: '2.5' is not a whole number "
        "(expected a whole number >= 0)"]),
    ("codes_unknown_case.csv", ["codes_unknown_case.csv:line 3: unknown case id 'C99' "
                                "(expected a case id from `duocode cases list`)"]),
    ("codes_duplicate_case.csv", ["codes_duplicate_case.csv:line 4: case C01 appears twice (first on line 2) "
                                  "(expected each case id once)"]),
    ("codes_duplicate_column.csv", ["codes_duplicate_column.csv:line 1: column 'kind' appears twice "
                                    "(columns 2 and 3) (expected each column once)"]),
    ("codes_no_case_column.csv", ["codes_no_case_column.csv:line 1: missing column(s): case_id (found: kind, good) "
                                  "(expected a header line starting with case_id, then variable ids, e.g. "
                                  "case_id,tmp_type)"]),
    ("codes_empty.csv", ["codes_empty.csv:line 1: the file is empty (expected a header line starting with "
                         "case_id, then variable ids, e.g. case_id,tmp_type)"]),
])
def test_import_of_a_bad_file_lists_every_problem_with_its_line_and_writes_nothing(project, runner, name,
                                                                                   expected):
    before = snapshot(project)
    result = runner.invoke(duocode.cli.main, ["codes", "import", str(DATA / name), "--coder", "ines",
                                              "--project", str(project.directory)])
    assert result.exit_code == 1
    lines = [line.replace(str(DATA) + "/", "") for line in result.stderr.splitlines()]
    assert lines == [f"Error: {e}" for e in expected]
    assert snapshot(project) == before


def test_import_refuses_a_file_with_one_bad_row_entirely(project):
    with pytest.raises(InputError):
        import_codes(project, DATA / "codes_invalid_value.csv", "ines")
    assert codes_by_case(project, "ines") == {}


@pytest.mark.parametrize("name", ["precoder", "consensus", " Consensus "])
def test_import_refuses_the_reserved_coder_names(project, runner, name):
    before = snapshot(project)
    with pytest.raises(RefusedError, match="reserved coder name"):
        import_codes(project, DATA / "codes_good.csv", name)
    result = runner.invoke(duocode.cli.main, ["codes", "import", str(DATA / "codes_good.csv"), "--coder", name,
                                              "--project", str(project.directory)])
    assert result.exit_code == 1
    assert "is a reserved coder name" in result.stderr
    assert snapshot(project) == before


def test_import_refuses_a_missing_file_with_exit_1(project, runner):
    result = runner.invoke(duocode.cli.main, ["codes", "import", "nope.csv", "--coder", "ines",
                                              "--project", str(project.directory)])
    assert result.exit_code == 1
    assert result.stderr == "Error: nope.csv: the file does not exist (expected an existing file)\n"


def test_export_of_a_coder_without_codes_is_the_header_only(project, runner):
    result = runner.invoke(duocode.cli.main, ["codes", "export", "--coder", "nobody",
                                              "--project", str(project.directory)])
    assert result.exit_code == 0
    assert result.stdout == "case_id,is_case,kind,good,mood,count\n"


def test_export_round_trips_through_import(project, tmp_path):
    import_codes(project, DATA / "codes_good.csv", "ines")
    out = tmp_path / "ines.csv"
    out.write_text(export_codes(project, "ines").to_csv(), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == ("case_id,is_case,kind,good,mood,count\n"
                                               "C01,yes,alpha,yes,low,3\nC02,yes,beta,no,mid,0\n")
    import_codes(project, out, "jonas")
    assert codes_by_case(project, "jonas") == codes_by_case(project, "ines")


def test_export_json_has_the_wide_rows_with_numbers_for_interval_variables(project, runner):
    import_codes(project, DATA / "codes_good.csv", "ines")
    result = runner.invoke(duocode.cli.main, ["codes", "export", "--coder", "ines", "--format", "json",
                                              "--project", str(project.directory)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["columns"] == ["case_id", "is_case", "kind", "good", "mood", "count"]
    assert data["rows"][0] == {"case_id": "C01", "is_case": "yes", "kind": "alpha", "good": "yes", "mood": "low",
                               "count": 3}


def test_export_consensus_adds_the_reason_column(project):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "consensus", "beta", reason="discussed"),
                            CodeRow("C02", "mood", "consensus", "low", reason="agreed")])
    text = export_codes(project, consensus=True).to_csv()
    assert text == "case_id,is_case,kind,good,mood,count,reason\nC02,,beta,,low,,agreed; discussed\n"


def test_export_consensus_json_shows_a_decided_blank_as_null(project):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C03", "count", "consensus", "", reason="not applicable")])
    assert export_codes(project, consensus=True).to_dict()["rows"] == [
        {"case_id": "C03", "is_case": None, "kind": None, "good": None, "mood": None, "count": None,
         "reason": "not applicable"}]


def test_export_needs_exactly_one_of_coder_or_consensus(project, runner):
    result = runner.invoke(duocode.cli.main, ["codes", "export", "--project", str(project.directory)])
    assert result.exit_code == 2
    result = runner.invoke(duocode.cli.main, ["codes", "export", "--coder", "x", "--consensus",
                                              "--project", str(project.directory)])
    assert result.exit_code == 2


def test_read_wide_csv_returns_extra_columns_as_trimmed_text(project, tmp_path):
    path = tmp_path / "consensus.csv"
    path.write_text("case_id,kind,Reason\nC01,alpha,  we talked  \nC02,beta,\n", encoding="utf-8")
    rows = read_wide_csv(project, path)
    assert [(r.line, r.case_id, r.values, r.extras) for r in rows] == [
        (2, "C01", {"kind": "alpha"}, {"reason": "we talked"}), (3, "C02", {"kind": "beta"}, {"reason": None})]


def test_read_wide_csv_counts_lines_of_quoted_multiline_cells(project, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('case_id,kind,reason\nC01,alpha,"two\nlines"\nC02,gamma,x\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_wide_csv(project, path)
    assert [p.location for p in err.value.problems] == ["line 4"]


def test_write_wide_rows_leaves_missing_values_blank():
    assert write_wide_rows(["case_id", "a", "b"], [{"case_id": "C1", "b": "x"}]) == "case_id,a,b\nC1,,x\n"


def test_export_neutralises_formula_like_cells_and_import_reads_them_back(project, tmp_path):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "consensus", "beta", reason="=HYPERLINK(\"http://x\")")])
    text = export_codes(project, consensus=True).to_csv()
    assert "'=HYPERLINK" in text
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    assert read_wide_csv(project, path)[0].extras["reason"] == "=HYPERLINK(\"http://x\")"


def test_import_of_a_bom_file_with_invalid_bytes_is_an_error_not_a_traceback(project, runner, tmp_path):
    bad = tmp_path / "bom_bad.csv"
    bad.write_bytes(b"\xef\xbb\xbfcase_id,kind\nC01,\xff\xfe\n")
    result = runner.invoke(duocode.cli.main, ["codes", "import", str(bad), "--coder", "ines",
                                              "--project", str(project.directory)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}") and "Traceback" not in result.output
