"""``duocode agreement CSV`` and ``duocode agree`` through click's CliRunner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from duocode.cli import main
from duocode.render import tables

DATA = Path(__file__).resolve().parent / "data"
K2011_C = """unit,coder,code
1,A,1
1,B,1
1,D,1
2,A,2
2,B,2
2,C,3
2,D,2
3,A,3
3,B,3
3,C,3
3,D,3
4,A,3
4,B,3
4,C,3
4,D,3
5,A,2
5,B,2
5,C,2
5,D,2
6,A,1
6,B,2
6,C,3
6,D,4
7,A,4
7,B,4
7,C,4
7,D,4
8,A,1
8,B,1
8,C,2
8,D,1
9,A,2
9,B,2
9,C,2
9,D,2
10,B,5
10,C,5
10,D,5
11,C,1
11,D,1
12,B,3
"""  # Krippendorff (2011), section C, in long form


@pytest.fixture
def k2011_csv(tmp_path) -> Path:
    path = tmp_path / "k2011.csv"
    path.write_text(K2011_C, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_agreement_json_is_one_object_with_the_contract_keys(k2011_csv):
    result = run("agreement", k2011_csv, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"level", "n_units", "n_coders", "n_codes", "categories", "coefficients"} <= doc.keys()
    assert (doc["level"], doc["n_units"], doc["n_coders"], doc["n_codes"]) == ("nominal", 12, 4, 41)
    assert doc["categories"] == ["1", "2", "3", "4", "5"]
    assert list(doc["coefficients"]) == ["percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa",
                                         "krippendorff_alpha", "gwet_ac1", "brennan_prediger"]
    assert doc["coefficients"]["percent_agreement"] == {"value": pytest.approx(0.8181818181), "ci_low": None,
                                                        "ci_high": None}
    assert doc["coefficients"]["krippendorff_alpha"]["value"] == pytest.approx(113 / 152, abs=1e-12)
    assert doc["coefficients"]["cohen_kappa"]["value"] is None
    assert "two coders" in doc["coefficients"]["cohen_kappa"]["reason"]


def test_agreement_bootstrap_fills_ci_and_is_reproducible_with_a_seed(k2011_csv):
    args = ("agreement", k2011_csv, "--format", "json", "--bootstrap", "500", "--seed", "9")
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    doc = json.loads(first.stdout)
    alpha = doc["coefficients"]["krippendorff_alpha"]
    assert alpha["ci_low"] < alpha["value"] < alpha["ci_high"]
    assert doc["bootstrap"]["krippendorff_alpha"]["pairs_per_replicate"] == 55
    assert set(doc["bootstrap"]["krippendorff_alpha"]["q_below_alpha_min"]) == {"0.667", "0.8"}


def test_agreement_ordinal_level_uses_krippendorffs_ordinal_metric(k2011_csv):
    doc = json.loads(run("agreement", k2011_csv, "--level", "ordinal", "--format", "json").stdout)
    assert doc["coefficients"]["krippendorff_alpha"]["value"] == pytest.approx(108577 / 133160, abs=1e-12)
    assert doc["weighted"]["gwet_ac2_linear"]["value"] == pytest.approx(0.859, abs=0.001)


def test_agreement_ordinal_word_codes_take_their_order_from_categories(tmp_path):
    path = DATA / "ordinal_words.csv"
    result = run("agreement", path, "--level", "ordinal", "--categories", "low,mid,high", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["categories"] == ["low", "mid", "high"]


def test_agreement_table_shows_values_ci_and_benchmarks(k2011_csv):
    result = run("agreement", k2011_csv, "--bootstrap", "200", "--seed", "1")
    assert result.exit_code == 0
    assert "Krippendorff's alpha" in result.stdout and "0.743" in result.stdout
    assert "tentative" in result.stdout and "Landis-Koch" in result.stdout


def test_agreement_writes_xlsx_picked_from_the_extension(k2011_csv, tmp_path):
    out = tmp_path / "agreement.xlsx"
    result = run("agreement", k2011_csv, "-o", out)
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["Summary", "k2011.csv"]


@pytest.mark.parametrize("name,args,message", [
    ("missing_coder_column.csv", (), "line 1: missing column(s): coder"),
    ("empty.csv", (), "line 1: the file is empty"),
    ("one_coder.csv", (), "only one coder (A) in the file"),
    ("unit_coded_twice.csv", (), "line 6: unit 1 is coded more than once by coder A (line 2 and line 6)"),
    ("interval_text_code.csv", ("--level", "interval"), "line 4: code 'three' is not a number"),
    ("one_coder.csv", ("--level", "ratio"), "unknown level 'ratio' (expected nominal, ordinal or interval)"),
    ("ordinal_words.csv", ("--level", "ordinal"), "are not numbers and no category order was given"),
    ("no_such_file.csv", (), "cannot read the file"),
])
def test_agreement_bad_input_exits_1_with_one_line_naming_the_file(name, args, message):
    path = DATA / name
    result = run("agreement", path, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}") and message in lines[0]
    assert "Traceback" not in result.output


def test_agreement_usage_error_exits_2():
    assert run("agreement").exit_code == 2
    assert run("agreement", DATA / "one_coder.csv", "--bootstrap", "-3").exit_code == 2


@pytest.mark.parametrize("command", ["agreement", "agree"])
def test_command_help_includes_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout and f"duocode {command}" in result.stdout


# -- duocode agree over a real project --------------------------------------------------------------------------
@pytest.fixture
def coded_project(tmp_path):
    """A mini-codebook project with 6 cases coded by anna and ben, plus precoder suggestions."""
    pytest.importorskip("duocode.store")
    from duocode.codebook import load_codebook
    from duocode.store import Project
    from duocode.store.cases import Case, insert_cases
    from duocode.store.codes import CodeRow, set_codes
    from duocode.store.documents import Document, insert_document

    mini = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"
    directory = tmp_path / "study"
    project = Project.create(directory, load_codebook(mini))
    text = "x" * 100
    codes = {  # case: (anna kind, ben kind, anna mood, ben mood, precoder kind)
        "C1": ("alpha", "alpha", "low", "low", "beta"),
        "C2": ("alpha", "beta", "mid", "high", "beta"),
        "C3": ("beta", "beta", "high", "high", "beta"),
        "C4": ("beta", "beta", "mid", "mid", "alpha"),
        "C5": ("alpha", "alpha", "low", "mid", "alpha"),
        "C6": ("beta", "beta", "high", "high", "beta"),
    }
    with project.transaction():
        insert_document(project, Document(id="doc1", text=text, format="txt"))
        insert_cases(project, [Case(id=c, document="doc1", start=i * 10, end=i * 10 + 5, text="")
                               for i, c in enumerate(codes)])
        rows = []
        for case, (ak, bk, am, bm, pk) in codes.items():
            rows += [CodeRow(case, "kind", "anna", ak), CodeRow(case, "kind", "ben", bk),
                     CodeRow(case, "mood", "anna", am), CodeRow(case, "mood", "ben", bm),
                     CodeRow(case, "kind", "precoder", pk, confidence=0.5, explanation="test")]
        set_codes(project, rows)
    project.close()
    return directory


def test_agree_json_reports_each_variable_over_human_coders(coded_project):
    result = run("agree", "--project", coded_project, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kind = doc["variables"]["kind"]
    assert kind["n_coders"] == 2 and kind["coders"] == ["anna", "ben"]
    assert kind["coefficients"]["percent_agreement"]["value"] == pytest.approx(5 / 6)
    assert doc["variables"]["mood"]["level"] == "ordinal"
    assert doc["variables"]["mood"]["categories"] == ["low", "mid", "high"]
    assert doc["variables"]["is_case"]["coefficients"]["krippendorff_alpha"] == {
        "value": None, "reason": "no codes"}
    assert doc["disagreements"]["kind"] == [{"case_id": "C2", "values": {"anna": "alpha", "ben": "beta"}}]


def test_agree_counts_the_precoder_only_when_named(coded_project):
    doc = json.loads(run("agree", "--project", coded_project, "--variables", "kind", "--coders",
                         "anna,precoder", "--format", "json").stdout)
    assert list(doc["variables"]) == ["kind"]
    assert doc["variables"]["kind"]["coders"] == ["anna", "precoder"]


def test_agree_unknown_variable_exits_1_listing_the_variables(coded_project):
    result = run("agree", "--project", coded_project, "--variables", "kind,colour")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: unknown variable colour (expected one of is_case, kind, good, mood, "
                                     "count)")


def test_agree_writes_a_workbook_with_summary_and_variable_sheets(coded_project, tmp_path):
    out = tmp_path / "agree.xlsx"
    result = run("agree", "--project", coded_project, "-o", out, "--bootstrap", "100", "--seed", "2")
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "is_case", "kind", "good", "mood", "count"]
    cells = [c for row in wb["kind"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Disagreeing cases" in cells and "C2" in cells


def _drop_code(directory, case_id, variable, coder):
    from duocode.store import Project
    from duocode.store.codes import CodeRow, set_codes

    with Project.open(directory) as project, project.transaction():
        set_codes(project, [CodeRow(case_id, variable, coder, None)])


def _rendered(result_stdout: str) -> str:
    return " ".join(result_stdout.split())


def _agree_table(directory, **kw) -> str:
    from rich.console import Console

    from duocode.audit import agree
    from duocode.store import Project

    console = Console(record=True, width=220)
    with Project.open(directory) as project:
        for item in tables(agree(project, **kw)):
            console.print(item)
    return console.export_text()


def test_agree_table_counts_pairable_cases_and_shows_single_coded_ones_apart(coded_project):
    _drop_code(coded_project, "C2", "kind", "anna")  # kind: 6 cases, 5 coded by both
    text = _agree_table(coded_project, variables="kind,mood")
    cells = lambda line: [c.strip() for c in line.replace("┃", "│").split("│")[1:-1]]  # noqa: E731
    header = next(line for line in text.splitlines() if "Variable" in line)
    assert cells(header)[:4] == ["Variable", "Level", "Cases", "Coded by one coder only"]
    rows = {cells(line)[0]: cells(line) for line in text.splitlines()
            if line.startswith("│") and cells(line)[0] in ("kind", "mood")}
    assert rows["kind"][2:4] == ["5", "1"] and rows["mood"][2:4] == ["6", "0"]
    doc = json.loads(run("agree", "--project", coded_project, "--variables", "kind", "--format", "json").stdout)
    assert doc["variables"]["kind"]["diagnostics"]["n_pairable_units"] == 5
    assert doc["variables"]["kind"]["n_units"] == 6


def test_agree_table_has_no_single_coded_column_when_every_case_is_pairable(coded_project):
    text = _agree_table(coded_project, variables="kind")
    assert "Coded by one coder only" not in text and "Cases" in text


def test_agree_reports_codes_adopted_from_the_precoder_in_json_and_a_table_footnote(coded_project):
    doc = json.loads(run("agree", "--project", coded_project, "--format", "json").stdout)
    assert {v: d["adopted_from_precoder"] for v, d in doc["variables"].items()} == {
        "is_case": 0, "kind": 0, "good": 0, "mood": 0, "count": 0}
    assert "pre-coder suggestions" not in run("agree", "--project", coded_project).stdout
    _drop_code(coded_project, "C2", "kind", "anna")
    adopt = run("precode", "adopt", "--coder", "anna", "--variables", "kind", "--project", coded_project)
    assert adopt.exit_code == 0, adopt.output
    doc = json.loads(run("agree", "--project", coded_project, "--format", "json").stdout)
    kind = doc["variables"]["kind"]
    assert kind["adopted_from_precoder"] == 1 and doc["variables"]["mood"]["adopted_from_precoder"] == 0
    assert {"level", "n_units", "n_coders", "n_codes", "categories", "coefficients"} <= kind.keys()
    table = _rendered(run("agree", "--project", coded_project).stdout)
    assert "kind: 1 code was taken from pre-coder suggestions" in table
    # counted only among the coders counted: ben's codes are all his own
    doc = json.loads(run("agree", "--project", coded_project, "--coders", "ben,precoder", "--format",
                         "json").stdout)
    assert doc["variables"]["kind"]["adopted_from_precoder"] == 0


def test_agree_code_changed_after_adoption_is_no_longer_counted_as_adopted(coded_project):
    from duocode.store import Project
    from duocode.store.codes import CodeRow, set_codes

    _drop_code(coded_project, "C2", "kind", "anna")
    assert run("precode", "adopt", "--coder", "anna", "--variables", "kind", "--project",
               coded_project).exit_code == 0
    with Project.open(coded_project) as project, project.transaction():
        set_codes(project, [CodeRow("C2", "kind", "anna", "alpha")], source_file="anna.xlsx", action="import")
    doc = json.loads(run("agree", "--project", coded_project, "--format", "json").stdout)
    assert doc["variables"]["kind"]["adopted_from_precoder"] == 0


def test_agree_coder_without_codes_lists_every_coder_with_codes(coded_project):
    result = run("agree", "--project", coded_project, "--variables", "kind", "--coders", "anna,bob")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: coder bob has no codes for the selected variables (expected coders "
                                     "with codes for them: anna, ben (and precoder, counted only when named))")


def test_agreement_reads_semicolon_separated_csv_with_a_bom(tmp_path):
    path = tmp_path / "sc4.csv"
    path.write_bytes("\ufeffunit;coder;code\n1;a;x\n1;b;x\n2;a;y\n2;b;y\n3;a;x\n3;b;y\n".encode("utf-8"))
    result = run("agreement", path, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["n_units"], doc["n_coders"], doc["categories"]) == (3, 2, ["x", "y"])
    assert doc["coefficients"]["percent_agreement"]["value"] == pytest.approx(2 / 3)


def test_agreement_summary_sheet_puts_weighted_coefficients_next_to_unweighted_for_ordinal(k2011_csv, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "ordinal.xlsx"
    assert run("agreement", k2011_csv, "--level", "ordinal", "-o", out).exit_code == 0
    header, row = list(load_workbook(out)["Summary"].iter_rows(values_only=True))[:2]
    labels = [h for h in header if h not in ("CI low", "CI high")]
    i = labels.index("Gwet's AC1")
    assert labels[i + 1:i + 4] == ["Gwet's AC2 (linear weights)", "Gwet's AC2 (quadratic weights)",
                                   "Gwet's AC2 (Gwet's ordinal weights)"]
    assert labels[labels.index("Fleiss' kappa") + 1] == "Fleiss' kappa (linear weights)"
    # published: Krippendorff 2011 ordinal alpha .815, Gwet AC2 linear .859 / ordinal weights .899
    assert row[header.index("Krippendorff's alpha")] == pytest.approx(0.815, abs=0.001)
    assert row[header.index("Gwet's AC2 (linear weights)")] == pytest.approx(0.859, abs=0.001)
    assert row[header.index("Gwet's AC2 (Gwet's ordinal weights)")] == pytest.approx(0.899, abs=0.001)
    notes = row[header.index("Notes")]
    assert "treat the categories as nominal" in notes and "alpha is at ordinal level" in notes


def test_agreement_summary_sheet_of_nominal_data_has_no_weighted_columns_or_level_note(k2011_csv, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "nominal.xlsx"
    assert run("agreement", k2011_csv, "-o", out).exit_code == 0
    header, row = list(load_workbook(out)["Summary"].iter_rows(values_only=True))[:2]
    assert not any("weights" in str(h) for h in header)
    assert row[header.index("Notes")] is None or "nominal" not in row[header.index("Notes")]


def test_agreement_alpha_gets_krippendorffs_benchmark_only_and_kappas_get_landis_koch(k2011_csv, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bench.xlsx"
    assert run("agreement", k2011_csv, "-o", out).exit_code == 0
    header, row = list(load_workbook(out)["Summary"].iter_rows(values_only=True))[:2]
    assert row[header.index("Alpha benchmark (Krippendorff)")] == \
        "Krippendorff: tentative conclusions only (.667 to .800)"
    sheet = {r[0]: r for r in load_workbook(out)["k2011.csv"].iter_rows(values_only=True) if r[0]}
    assert sheet["Krippendorff's alpha"][4] == "Krippendorff: tentative conclusions only (.667 to .800)"
    assert sheet["Fleiss' kappa"][4].startswith("Landis-Koch: ")
    doc = json.loads(run("agreement", k2011_csv, "--format", "json").stdout)
    assert doc["benchmarks"]["krippendorff_alpha"] == {"krippendorff_2004": "tentative conclusions only (.667 to .800)"}
    assert set(doc["benchmarks"]["fleiss_kappa"]) == {"landis_koch_1977"}
    table = run("agreement", k2011_csv).stdout
    alpha_line = next(line for line in table.splitlines() if "Krippendorff's alpha" in line)
    assert "Landis-Koch" not in alpha_line


def test_agree_summary_sheet_shows_pairable_units_beside_all_units(coded_project, tmp_path):
    from openpyxl import load_workbook

    _drop_code(coded_project, "C2", "kind", "anna")
    out = tmp_path / "pairable.xlsx"
    assert run("agree", "--project", coded_project, "--variables", "kind", "-o", out).exit_code == 0
    header, row = list(load_workbook(out)["Summary"].iter_rows(values_only=True))[:2]
    assert (row[header.index("Units")], row[header.index("Pairable units")]) == (6, 5)


def test_the_pandas_free_reader_gives_the_same_data_and_coefficients_as_the_dataframe(tmp_path):
    import numpy as np
    import pandas as pd

    from duocode.agreement import agreement, read_long_csv
    from duocode.agreement.data import ReliabilityData, _factorize, read_long_table

    f = tmp_path / "codes.csv"
    f.write_text("unit,coder,code\nu2,b,x\nu1,a,x\nu1,b,y\nu2,a,x\nu3,c,y\nu3,a,y\nu4,b,z\nu4,c,z\n",
                 encoding="utf-8")
    frame, table = read_long_csv(f), read_long_table(f)
    assert isinstance(frame, pd.DataFrame) and frame["line"].tolist() == table["line"].tolist() == list(range(2, 10))
    a, b = ReliabilityData.from_long(frame), ReliabilityData.from_long(table)
    assert a.units == b.units and a.coders == b.coders and a.categories == b.categories
    assert np.array_equal(a.codes, b.codes)
    assert agreement(frame).to_dict() == agreement(table).to_dict()
    for values in (["b", "a", "b", "c"], [3, 1, 3, 2], []):
        for sort in (False, True):
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=sort)
            mine_codes, mine_uniques = _factorize(values, sort=sort)
            assert list(mine_codes) == list(codes) and mine_uniques == list(uniques)
