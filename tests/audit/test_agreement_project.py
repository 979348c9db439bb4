"""``duocode.audit.agree`` against a tiny fake project (``codes_long`` + ``codebook``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from duocode.agreement import agreement
from duocode.audit import agree
from duocode.errors import InputError
from duocode.render import tables


@dataclass
class FakeVariable:
    id: str
    level: str
    value_ids: list = field(default_factory=list)


@dataclass
class FakeCodebook:
    variables: list


class FakeProject:
    """Returns every coder's codes, reserved names included, so that ``agree`` must filter them itself."""

    def __init__(self, rows):
        self.rows = rows
        self.codebook = FakeCodebook([
            FakeVariable("is_case", "nominal", ["yes", "no"]),
            FakeVariable("tmp_type", "nominal", ["interaction", "transaction_outcome", "continuity"]),
            FakeVariable("summary", "ordinal", ["negative", "equilibrium", "positive"]),
            FakeVariable("past_accurate_recs", "interval"),
            FakeVariable("channel", "nominal", ["telephone", "email", "web"]),
        ])

    def codes_long(self, variables=None, coders=None):
        return [r for r in self.rows if (variables is None or r[1] in variables)
                and (coders is None or r[2] in coders)]


def _rows():
    rows = []
    cases = {  # case: is_case (anna, ben), tmp_type (anna, ben), summary (anna, ben), recs (anna, ben)
        "C01": ("yes", "yes", "interaction", "interaction", "positive", "positive", "0", "0"),
        "C02": ("yes", "yes", "continuity", "continuity", "negative", "equilibrium", "3", "2"),
        "C03": ("yes", "no", "transaction_outcome", "continuity", "equilibrium", "equilibrium", "1", "1"),
        "C04": ("yes", "yes", "continuity", "continuity", "positive", "negative", "5", "5"),
        "C05": ("no", "no", "interaction", "interaction", "negative", "negative", "2", "3"),
    }
    for case, (ia, ib, ta, tb, sa, sb, ra, rb) in cases.items():
        rows += [(case, "is_case", "anna", ia), (case, "is_case", "ben", ib),
                 (case, "tmp_type", "anna", ta), (case, "tmp_type", "ben", tb),
                 (case, "summary", "anna", sa), (case, "summary", "ben", sb),
                 (case, "past_accurate_recs", "anna", ra), (case, "past_accurate_recs", "ben", rb),
                 (case, "tmp_type", "precoder", "interaction"), (case, "tmp_type", "consensus", ta)]
    rows.append(("C01", "channel", "anna", "telephone"))
    return rows


@pytest.fixture
def project():
    return FakeProject(_rows())


def test_agree_reports_every_codebook_variable_in_codebook_order(project):
    result = agree(project)
    assert list(result.to_dict()["variables"]) == ["is_case", "tmp_type", "summary", "past_accurate_recs", "channel"]


def test_agree_leaves_out_precoder_and_consensus_unless_named(project):
    assert agree(project).results["tmp_type"].coders == ["anna", "ben"]
    named = agree(project, variables=["tmp_type"], coders=["anna", "precoder"]).results["tmp_type"]
    assert named.coders == ["anna", "precoder"]
    assert named.value("percent_agreement") == pytest.approx(2 / 5)


def test_agree_gives_a_one_coder_variable_null_coefficients_with_a_reason(project):
    channel = agree(project).to_dict()["variables"]["channel"]
    for c in channel["coefficients"].values():
        assert c == {"value": None, "reason": "only one coder (anna): agreement needs at least two"}


def test_agree_reports_case_finding_from_is_case(project):
    is_case = agree(project).results["is_case"]
    assert is_case.value("percent_agreement") == pytest.approx(4 / 5)
    assert is_case.categories == ["yes", "no"]


def test_agree_uses_the_codebook_order_for_ordinal_variables(project):
    summary = agree(project, variables="summary").results["summary"]
    assert summary.categories == ["negative", "equilibrium", "positive"]
    long = [(c, coder, v) for c, var, coder, v in _rows() if var == "summary"]
    expected = agreement(long, level="ordinal", categories=["negative", "equilibrium", "positive"])
    assert summary.value("krippendorff_alpha") == pytest.approx(expected.value("krippendorff_alpha"), abs=1e-12)
    alphabetical = agreement(long, level="ordinal", categories=sorted(["negative", "equilibrium", "positive"]))
    assert summary.value("krippendorff_alpha") != pytest.approx(alphabetical.value("krippendorff_alpha"))


def test_agree_reads_interval_variables_as_numbers(project):
    recs = agree(project, variables=["past_accurate_recs"]).results["past_accurate_recs"]
    assert recs.level == "interval" and recs.categories == ["0", "1", "2", "3", "5"]
    assert "gwet_ac2_quadratic" in recs.weighted


def test_agree_lists_disagreeing_cases_with_each_coders_value(project):
    d = agree(project).disagreements
    assert d["is_case"] == [{"case_id": "C03", "values": {"anna": "yes", "ben": "no"}}]
    assert d["tmp_type"] == [{"case_id": "C03", "values": {"anna": "transaction_outcome", "ben": "continuity"}}]


def test_agree_bootstrap_for_a_variable_does_not_depend_on_the_other_variables_selected(project):
    alone = agree(project, variables=["summary"], bootstrap=200, seed=4).results["summary"].to_dict()
    together = agree(project, bootstrap=200, seed=4).results["summary"].to_dict()
    assert alone == together


def test_agree_rejects_unknown_variables_and_coders_without_codes_in_one_error(project):
    with pytest.raises(InputError) as info:
        agree(project, variables=["tmp_type", "colour"], coders=["anna", "carl"])
    assert [str(p) for p in info.value.problems] == [
        "unknown variable colour (expected one of is_case, tmp_type, summary, past_accurate_recs, channel)",
        "coder carl has no codes for the selected variables (expected coders with codes for them: anna, ben "
        "(and consensus, precoder, counted only when named))",
    ]


def test_project_agreement_to_dict_nests_the_contract_object_per_variable(project):
    doc = agree(project).to_dict()
    for var, obj in doc["variables"].items():
        assert {"level", "n_units", "n_coders", "n_codes", "categories", "coefficients"} <= obj.keys(), var
        assert len(obj["coefficients"]) == 7


def test_project_agreement_writes_summary_and_one_sheet_per_variable(project, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "agree.xlsx"
    agree(project).write_xlsx(path)
    wb = load_workbook(path)
    # the variable "summary" cannot share a name with the summary sheet (Excel ignores case)
    assert wb.sheetnames == ["Summary", "is_case", "tmp_type", "summary (variable)", "past_accurate_recs",
                             "channel"]
    rows = list(wb["tmp_type"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Disagreeing cases")
    assert rows[start][:3] == ("Disagreeing cases", "anna", "ben")
    assert rows[start + 1][:3] == ("C03", "transaction_outcome", "continuity")
    confusion = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Confusion matrix: rows anna"))
    assert rows[confusion + 1][:4] == ("anna \\ ben", "interaction", "transaction_outcome", "continuity")
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[0][:3] == ("Variable", "Sheet", "Level")
    assert summary[3][:2] == ("summary", "summary (variable)")


def test_project_agreement_tables_render_one_row_per_variable(project):
    from rich.console import Console

    console = Console(record=True, width=160)
    for t in tables(agree(project)):
        console.print(t)
    text = console.export_text()
    for var in ("is_case", "tmp_type", "summary", "past_accurate_recs", "channel"):
        assert var in text


def _store_project(mini_project):
    from duocode.store.cases import Case, insert_cases
    from duocode.store.codes import CodeRow, set_codes
    from duocode.store.documents import Document, insert_document
    from duocode.store.proposals import insert_proposals

    with mini_project.transaction():
        insert_document(mini_project, Document("D1", "x" * 100, "txt"))
        insert_cases(mini_project, [Case(f"C{i}", "D1", i * 10, i * 10 + 5, "") for i in range(1, 6)])
        insert_proposals(mini_project, "ann", [("D1", 10, 15), ("D1", 20, 25), ("D1", 30, 35), ("D1", 40, 45)])
        insert_proposals(mini_project, "bob", [("D1", 10, 15), ("D1", 20, 25), ("D1", 50, 55)])
        # a = 2 cases both proposed, b = 2 only ann, c = 1 only bob
        isc = {"ann": ["yes", "yes", "yes", "yes", "no"], "bob": ["yes", "yes", "no", "no", "yes"]}
        rows = [CodeRow(f"C{i + 1}", "is_case", coder, v) for coder, vs in isc.items() for i, v in enumerate(vs)]
        rows += [CodeRow("C1", "count", "ann", "3"), CodeRow("C1", "count", "bob", "3"),
                 CodeRow("C2", "count", "ann", "4")]
        set_codes(mini_project, rows)
    return mini_project


def test_case_finding_agreement_explains_the_empty_cell_and_gives_positive_specific_agreement(mini_project):
    result = agree(_store_project(mini_project), variables="is_case")
    notes = result.to_dict()["variables"]["is_case"]["diagnostics"]["notes"]
    # positive specific agreement 2a / (2a + b + c) = 4 / (4 + 2 + 1)
    assert notes[-1].endswith(f"Positive specific agreement on 'yes': {4 / 7:.3f}")
    assert not any("kappa paradox" in n for n in notes)


def test_cases_coded_by_one_coder_only_are_listed_apart_from_disagreements(mini_project):
    result = agree(_store_project(mini_project), variables="count")
    assert result.disagreements["count"] == []
    assert result.partially_coded["count"] == [{"case_id": "C2", "values": {"ann": "4"}, "blank": ["bob"]}]
