"""The audit as a whole: refusal while disagreements are open, the CLI's formats, and the audit workbook."""
from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

import audit_fixtures as handmade  # the hand-made set
from audit_fixtures import build_project, snapshot
from duocode.audit.report import build_audit
from duocode.cli import main
from duocode.errors import RefusedError

SHEETS = ["Table II", "Evidence", "Propositions", "Moderators", "Agreement", "Cases", "Informants", "Codebook",
          "Log"]


def coded_by_two(consensus: dict, changes: dict[tuple[str, str], str]) -> dict:
    """Both coders code the hand-made consensus; jonas differs where ``changes`` says."""
    ines = {c: dict(v) for c, v in consensus.items()}
    jonas = {c: dict(v) for c, v in consensus.items()}
    for (case_id, variable), value in changes.items():
        jonas[case_id][variable] = value
    return {"ines": ines, "jonas": jonas}


@pytest.fixture
def two_coder_project(tmp_path, tmp_codebook_path):
    """The hand-made set coded by two coders who disagree on I1's type and on T2's negative value."""
    coders = coded_by_two(handmade.consensus(), {("I1", "tmp_type"): "continuity", ("T2", "negative_value"): "no"})
    p = build_project(tmp_path / "p", tmp_codebook_path, handmade.texts(), coders,
                      informants={d: {"sex": "female", "relationship": f"{i} years with a shop"}
                                  for i, d in enumerate("ABCDE", start=2)})
    yield p
    p.close()


@pytest.fixture
def audited(tmp_path, tmp_codebook_path):
    p = build_project(tmp_path / "p", tmp_codebook_path, handmade.texts(), {}, handmade.consensus(),
                      informants={"A": {"sex": "female", "age": "40-49"}})
    result = build_audit(p)
    path = tmp_path / "audit.xlsx"
    result.write_xlsx(path)
    yield p, result, path
    p.close()


# -- refusal ---------------------------------------------------------------------------------------------------
def test_audit_refuses_while_disagreements_are_open_listing_each_and_writing_nothing(two_coder_project):
    before = snapshot(two_coder_project)
    with pytest.raises(RefusedError) as info:
        build_audit(two_coder_project)
    problems = [str(p) for p in info.value.problems]
    assert problems[0].startswith("the audit needs every disagreement settled: 2 unresolved in 2 cases")
    assert problems[1:] == ["case I1: tmp_type unresolved: ines 'interaction', jonas 'continuity'",
                            "case T2: negative_value unresolved: ines 'yes', jonas 'no'"]
    assert snapshot(two_coder_project) == before


def test_allow_unresolved_leaves_those_cases_out_and_says_so(two_coder_project):
    result = build_audit(two_coder_project, allow_unresolved=True)
    data = result.to_dict()
    assert data["cases"]["unresolved"] == ["I1", "T2"]
    assert [(u["case_id"], u["variable"]) for u in data["unresolved"]] == [("I1", "tmp_type"),
                                                                           ("T2", "negative_value")]
    # Without I1 and T2 (hand-made matrix otherwise): interaction x positive benevolence keeps I2 and I4;
    # transaction outcome x negative value keeps only T3; T2's customization cost no longer shows on
    # positive value, so it is not found there.
    assert data["matrix"]["interaction"]["positive_benevolence"]["cases"] == ["I2", "I4"]
    assert data["matrix"]["transaction_outcome"]["negative_value"]["cases"] == ["T3"]
    assert data["matrix"]["transaction_outcome"]["positive_value"] == {
        "found": ["customized_value"], "not_found": ["customization_cost"], "cases": ["T1", "T4"]}
    assert data["summary"]["interaction"] == {"negative": 1, "equilibrium": 1, "positive": 2}
    assert any("Left out: 2 cases with unresolved disagreements (I1, T2)" in n for n in result.notes())


def test_audit_takes_over_agreed_values_when_nothing_is_open(tmp_path, tmp_codebook_path):
    p = build_project(tmp_path / "p", tmp_codebook_path, handmade.texts(), coded_by_two(handmade.consensus(), {}))
    data = build_audit(p).to_dict()
    assert data["matrix"]["interaction"]["negative_benevolence"]["cases"] == ["I3", "I4"]
    # I3 and I4 support P1b, nothing contradicts it: 2 of 2, p = 2 * (1/2)^2 = 0.5, too few cases to decide.
    assert (data["propositions"]["P1b"]["verdict"], data["propositions"]["P1b"]["p_value"]) == ("inconclusive", 0.5)
    p.close()


def test_audit_of_a_codebook_without_audit_section_says_there_is_no_table_ii(mini_project):
    result = build_audit(mini_project)
    assert not result.has_layout
    assert result.to_dict()["matrix"] == {} and result.to_dict()["table_ii_layout"] is False
    assert "declares no Table II layout" in result.to_markdown()


# -- CLI -------------------------------------------------------------------------------------------------------
def test_cli_audit_json_is_one_document_in_the_contract_shape(audited, runner):
    project, _, _ = audited
    result = runner.invoke(main, ["audit", "--format", "json", "--project", str(project.directory)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["matrix"]["interaction"]["positive_benevolence"] == {
        "found": ["illusionary_benevolence", "privacy_halo"], "not_found": [], "cases": ["I1", "I2", "I4"]}
    assert data["summary"]["interaction"] == {"negative": 1, "equilibrium": 1, "positive": 3}
    p1b = data["propositions"]["P1b"]
    assert {k: p1b[k] for k in ("verdict", "supporting", "contradicting")} == {
        "verdict": "inconclusive", "supporting": ["I3", "I4"], "contradicting": []}
    # 2 of 2: p = 2 * (1/2)^2 = 0.5; at the observed share (all for) 6 of 6 is the first with p < 0.05
    # (2/64 = 0.031; 5 of 5 gives 0.0625), so 4 more cases would decide it, as supported.
    assert (p1b["p_value"], p1b["effect_size"], p1b["cases_to_decide"], p1b["would_become"]) == (
        0.5, 1.0, 4, "supported")
    assert p1b["test"].startswith("exact binomial test") and p1b["effect_measure"] == "supporting share s/(s+k)"
    assert (p1b["n_cases"], p1b["n_supporting"], p1b["n_contradicting"]) == (2, 2, 0)


def test_cli_audit_refusal_exits_1_with_one_line_per_unresolved_disagreement(two_coder_project, runner):
    result = runner.invoke(main, ["audit", "--project", str(two_coder_project.directory)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("Error: ") for line in lines)
    assert lines[1] == "Error: case I1: tmp_type unresolved: ines 'interaction', jonas 'continuity'"


def test_cli_audit_allow_unresolved_writes_the_workbook(two_coder_project, runner, tmp_path):
    out = tmp_path / "audit.xlsx"
    result = runner.invoke(main, ["audit", "-o", str(out), "--allow-unresolved",
                                  "--project", str(two_coder_project.directory)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Table II"]
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Left out")]
    assert notes == ["Left out: 2 cases with unresolved disagreements (I1, T2); settle them and run the audit "
                     "again.", "Left out: 1 passage that the consensus says is not a case."]
    cases = openpyxl.load_workbook(out)["Cases"]
    status = {row[0]: row[3] for row in cases.iter_rows(min_row=2, values_only=True)}
    assert status["I1"] == "left out: unresolved disagreement" and status["I2"] == "in the audit"


def test_cli_audit_markdown_has_table_ii_and_propositions(audited, runner, tmp_path):
    project, _, _ = audited
    out = tmp_path / "table2.md"
    result = runner.invoke(main, ["audit", "-o", str(out), "--project", str(project.directory)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert ("| | | Interaction personalization | Transaction outcome personalization | Continuity personalization |"
            in text)
    assert ("| **Positive attributions** | Positive performance attribution | Illusionary benevolence (1 case)<br>"
            "Other effect (1 case)<br>Privacy halo: Not found | Customized value (1 case)<br>Customization cost: "
            "Not found | Accuracy (2 cases)<br>Service tendencies: Not found |") in text
    assert "| **Summary attribution** | | mostly positive surplus (3 of 5)<br>" in text
    assert ("| P1b | Interaction personalization | inconclusive | I3, I4 | — | exact binomial test, two-sided, of "
            "the supporting share against 0.5 | 0.500 | 1.00 (supporting share s/(s+k)) | about 4 more cases "
            "(supported) |") in text


def test_cli_audit_without_output_prints_table_ii(audited, runner):
    project, _, _ = audited
    result = runner.invoke(main, ["audit", "--project", str(project.directory)])
    assert result.exit_code == 0, result.output
    assert "Table II. Audit matrix" in result.output and "Not found" in result.output


# -- the workbook ----------------------------------------------------------------------------------------------
def test_audit_workbook_has_every_sheet(audited):
    _, _, path = audited
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:len(SHEETS)] == SHEETS
    assert wb["_duocode"].sheet_state == "veryHidden"


def test_table_ii_is_laid_out_like_the_paper(audited):
    _, _, path = audited
    ws = openpyxl.load_workbook(path)["Table II"]
    assert ws["A1"].value == "Table II. Audit matrix: Technology-mediated personalization (TMP)"
    assert [ws.cell(row=2, column=c).value for c in range(3, 6)] == [
        "Interaction personalization", "Transaction outcome personalization", "Continuity personalization"]
    assert [ws.cell(row=r, column=1).value for r in range(3, 11)] == [
        "Positive attributions", None, None, "Negative attributions", None, None, "Summary attribution",
        "Research propositions"]
    assert [ws.cell(row=r, column=2).value for r in range(3, 9)] == [
        "Positive performance attribution", "Positive benevolence attribution",
        "Positive value-provision attribution", "Negative performance attribution",
        "Negative benevolence attribution", "Negative value-provision attribution"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A5", "A6:A8", "A9:B9", "A10:B10", "A2:B2"} <= merged
    assert ws["C5"].value == "Not found"                                    # interaction x positive value
    assert ws["C4"].value == "Illusionary benevolence (2 cases)\nPrivacy halo (1 case)"
    assert ws["E8"].value == "Accuracy (1 case)\nService tendencies: Not found"
    assert ws["D9"].value == ("split between equilibrium and positive surplus (2 each of 5)\n"
                              "Negative increment 1 · Equilibrium 2 · Positive surplus 2")
    # P1: 4 against 1, p = 12/32; P1a: I4 on both sides is left out, 2 against 0 as in P1b: p = 2/4.
    assert ws["C10"].value.splitlines() == ["P1: inconclusive (4 supporting, 1 contradicting, p = 0.375)",
                                            "P1a: inconclusive (3 supporting, 1 contradicting, p = 0.500)",
                                            "P1b: inconclusive (2 supporting, 0 contradicting, p = 0.500)"]


def test_table_ii_is_styled_to_paste_and_print_on_one_landscape_page(audited):
    _, _, path = audited
    ws = openpyxl.load_workbook(path)["Table II"]
    for ref in ("C2", "A3", "B4", "C4", "E8", "D9", "E10"):
        border = ws[ref].border
        assert all(getattr(border, side).style == "thin" for side in ("left", "right", "top", "bottom")), ref
    assert ws["C4"].alignment.wrap_text and ws["E10"].alignment.wrap_text
    assert ws["C2"].font.b and ws["A3"].font.b and ws["A1"].font.b
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    # title, header, six attribution rows, summary, propositions, a blank row and the two notes
    assert ws.print_area == "'Table II'!$A$1:$E$13"
    assert ws.row_dimensions[10].height >= 15 * 6      # six proposition lines under continuity


def test_evidence_groups_every_case_by_type_and_cell_with_its_quote(audited):
    _, _, path = audited
    ws = openpyxl.load_workbook(path)["Evidence"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:7] == ("Type", "Row group", "Row", "Effect (mechanism)", "Case", "Informant", "Document")
    headings = [r[0] for r in rows[1:] if r[4] is None]
    assert headings[:7] == [
        "Interaction personalization · Positive attributions · Positive performance attribution (2 cases)",
        "Interaction personalization · Positive attributions · Positive benevolence attribution (3 cases)",
        "Interaction personalization · Positive attributions · Positive value-provision attribution (0 cases)",
        "Interaction personalization · Negative attributions · Negative performance attribution (0 cases)",
        "Interaction personalization · Negative attributions · Negative benevolence attribution (2 cases)",
        "Interaction personalization · Negative attributions · Negative value-provision attribution (0 cases)",
        "Interaction personalization · Not in Positive attributions or Negative attributions (0 cases)"]
    assert "Transaction outcome personalization · Not in Positive attributions or Negative attributions (1 case)" in headings
    lines = [r for r in rows[1:] if r[4] is not None]
    t5 = [r for r in lines if r[4] == "T5"]
    assert len(t5) == 1 and t5[0][2] == "Not in Positive attributions or Negative attributions" and t5[0][-1] == handmade.texts()["T5"][1]
    i4 = [(r[2], r[3]) for r in lines if r[4] == "I4"]
    assert i4 == [("Positive benevolence attribution", "Privacy halo"),
                  ("Negative benevolence attribution", "Privacy halo")]
    first = [r for r in lines if r[4] == "I1"][0]
    assert (first[5], first[6]) == ("A", "A")          # informant A's document A
    assert [(r[4], r[2]) for r in lines if r[2].startswith("left out")] == [
        ("X1", "left out: not a case (consensus)")]


def test_propositions_sheet_lists_verdicts_with_case_ids_and_basis(audited):
    _, _, path = audited
    ws = openpyxl.load_workbook(path)["Propositions"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == ["P1", "P1a", "P1b", "P2", "P2a", "P2b", "P2c", "P3", "P3a", "P3b", "P3c", "P3d", "P3e"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert header[11:16] == ("Test", "p-value", "Effect size", "Effect measure", "To decide")
    assert rows["P1a"][5:11] == ("inconclusive", 3, 3, "I1, I2, I4", 1, "I4")
    assert rows["P1a"][12:16] == (0.5, 1, "supporting share s/(s+k)", "about 4 more cases (supported)")
    assert rows["P1a"][11].startswith("exact binomial test")
    assert rows["P2c"][16].startswith("mean Value-provision net score: privacy_sensitivity=low 1.00 (n=2) vs "
                                      "privacy_sensitivity=high -0.50 (n=2)")
    assert "permutation test" in rows["P2c"][11]


def test_moderators_sheet_breaks_down_the_propositions_moderators(audited):
    _, _, path = audited
    values = [c for row in openpyxl.load_workbook(path)["Moderators"].iter_rows(values_only=True) for c in row]
    assert "P1a (inconclusive) by Privacy sensitivity" in values
    assert "P3e (inconclusive) by Past accurate recommendations" in values


def test_cases_informants_codebook_and_log_sheets_are_filled(audited):
    _, _, path = audited
    wb = openpyxl.load_workbook(path)
    cases = list(wb["Cases"].iter_rows(values_only=True))
    assert cases[0][:5] == ("Case", "Document", "Informant", "In the audit", "is_case")
    assert len(cases) == 1 + 16
    informants = list(wb["Informants"].iter_rows(values_only=True))
    assert informants[1][:5] == ("A", "A", 3, "female", "40-49")
    codebook = [r[0] for r in wb["Codebook"].iter_rows(min_row=4, values_only=True)]
    assert "tmp_type" in codebook and "past_accurate_recs" in codebook
    log = list(wb["Log"].iter_rows(values_only=True))
    assert log[3][:5] == ("When (UTC)", "Case", "Variable", "Before", "Consensus")
    assert len(log) > 4 and log[4][5] == "test"       # the test set's consensus was stored with reason "test"


def test_agreement_sheet_has_one_row_per_variable_with_ci_when_bootstrapped(two_coder_project, tmp_path):
    from duocode.audit.reconcile import import_reconcile_sheet, write_reconcile

    rec = tmp_path / "rec.xlsx"
    write_reconcile(two_coder_project, rec)
    wb = openpyxl.load_workbook(rec)
    wb["Reconcile"]["E2"] = "interaction"
    wb["Reconcile"]["E3"] = "yes"
    wb.save(rec)
    import_reconcile_sheet(two_coder_project, rec)
    out = tmp_path / "audit.xlsx"
    build_audit(two_coder_project, bootstrap=20, seed=3).write_xlsx(out)
    rows = list(openpyxl.load_workbook(out)["Agreement"].iter_rows(min_row=3, values_only=True))
    header = rows[0]
    assert header[:5] == ("Variable", "Level", "Units", "Pairable units", "Coders")
    assert "% agreement" in header and "% agreement 95% CI" in header
    by_var = {r[0]: r for r in rows[1:]}
    assert by_var["tmp_type"][2] == 16 and by_var["tmp_type"][3] == 16
    assert by_var["tmp_type"][header.index("% agreement")] == pytest.approx(15 / 16)
    assert by_var["tmp_type"][header.index("% agreement 95% CI")].startswith("[")


def test_agreement_sheet_says_so_when_the_engine_fails(audited, tmp_path):
    _, result, _ = audited

    def broken():
        from duocode.errors import InputError

        raise InputError("defined for two or more coders", path="study")

    result.agreement_loader = broken
    out = tmp_path / "a2.xlsx"
    result.write_xlsx(out)
    assert openpyxl.load_workbook(out)["Agreement"]["A3"].value == \
        "Agreement could not be computed: study: defined for two or more coders"


def test_audit_workbook_round_trips_through_openpyxl(audited, tmp_path):
    _, _, path = audited
    wb = openpyxl.load_workbook(path)
    again = tmp_path / "again.xlsx"
    wb.save(again)
    wb2 = openpyxl.load_workbook(again)
    assert wb2.sheetnames == wb.sheetnames
    for name in SHEETS:
        assert [[c.value for c in row] for row in wb2[name].iter_rows()] == \
            [[c.value for c in row] for row in wb[name].iter_rows()]


def test_audit_workbook_keeps_quotes_as_text_never_formulas(tmp_path, tmp_codebook_path):
    texts = handmade.texts()
    texts["I1"] = ("A", "=1+2 she said, and @everyone laughed")
    p = build_project(tmp_path / "p", tmp_codebook_path, texts, {}, handmade.consensus())
    out = tmp_path / "audit.xlsx"
    build_audit(p).write_xlsx(out)
    ws = openpyxl.load_workbook(out)["Evidence"]
    quotes = [row[-1] for row in ws.iter_rows(min_row=2) if row[4].value == "I1"]
    assert quotes and all(c.value == "=1+2 she said, and @everyone laughed" and c.data_type == "s" for c in quotes)
    p.close()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_workbook_and_table_ii_fits_one_landscape_page(audited, tmp_path):
    _, _, path = audited
    # The whole workbook converts; then Table II alone must come out as exactly one landscape page.
    only = tmp_path / "table2.xlsx"
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        if name != "Table II":
            del wb[name]
    wb.save(only)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for source in (path, only):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(source)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "audit.pdf").stat().st_size > 0
    pdf = (tmp_path / "table2.pdf").read_bytes()
    import re

    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert len(pages) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert float(box.group(1)) > float(box.group(2))      # wider than high: landscape


def test_workbook_of_another_codebook_follows_its_audit_section(tmp_path):
    from audit_fixtures import DATA, GARDEN

    texts = {cid: ("G", f"Garden passage {cid}.") for cid in GARDEN}
    p = build_project(tmp_path / "p", DATA / "garden.yaml", texts, {}, GARDEN)
    out = tmp_path / "audit.xlsx"
    result = build_audit(p)
    result.write_xlsx(out)
    ws = openpyxl.load_workbook(out)["Table II"]
    assert ws["A1"].value == "Table II. Audit matrix: Garden centre service audit"
    assert [ws["C2"].value, ws["D2"].value, ws["E2"].value] == ["Plant advice", "Home delivery", None]
    assert [ws.cell(row=r, column=1).value for r in range(3, 8)] == [
        "Good words", "Bad words", "Overall", "Research propositions", "Propositions (all types)"]
    assert ws["C4"].value == "Upselling (2 cases)\nExpertise: Not found"
    assert ws["C7"].value == "G1: inconclusive (from G1a, G1b)"
    assert "E2" not in {str(r).split(":")[0] for r in ws.merged_cells.ranges}
    assert result.to_dict()["moderators"]["visits"]["advice"]["5"] == {"n": 1, "bad": 0, "fine": 0, "good": 1}
    p.close()


def test_terminal_audit_lists_the_propositions_without_a_type_below_table_ii(tmp_path, runner):
    from audit_fixtures import DATA, GARDEN

    texts = {cid: ("G", f"Garden passage {cid}.") for cid in GARDEN}
    p = build_project(tmp_path / "p", DATA / "garden.yaml", texts, {}, GARDEN)
    p.close()
    result = runner.invoke(main, ["audit", "--project", str(tmp_path / "p")], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Propositions without a type: G1: inconclusive (from G1a, G1b)" in result.output
