"""The audit of a codebook other than TMP: its own words in every rendering, and an audit without a Table II
layout when the codebook declares no ``audit:`` section."""
from __future__ import annotations

import json

import openpyxl
import pytest
import yaml

from audit_fixtures import DATA, GARDEN, build_project
from duocode.audit.report import _md, build_audit
from duocode.cli import main

TMP_WORDS = ("Summary attributions", "summary attributions", "No attribution", "Attribution")


def _texts(cases: dict) -> dict[str, tuple[str, str]]:
    return {cid: (f"D{i % 3}", f"Passage {cid} about the garden centre.") for i, cid in enumerate(cases)}


@pytest.fixture
def garden_audit(tmp_path):
    project = build_project(tmp_path / "p", DATA / "garden.yaml", _texts(GARDEN), {}, GARDEN)
    yield build_audit(project)
    project.close()


@pytest.fixture
def garden_without_layout(tmp_path):
    data = yaml.safe_load((DATA / "garden.yaml").read_text(encoding="utf-8"))
    del data["audit"]
    path = tmp_path / "garden_no_audit.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    project = build_project(tmp_path / "p", path, _texts(GARDEN), {}, GARDEN)
    yield project
    project.close()


def test_markdown_summary_row_uses_the_codebooks_summary_label_not_tmp_words(garden_audit):
    md = garden_audit.to_markdown()
    assert "| **Overall** | |" in md
    assert not any(w in md for w in TMP_WORDS)


def test_workbook_evidence_and_moderators_use_the_codebooks_words(garden_audit, tmp_path):
    out = tmp_path / "audit.xlsx"
    garden_audit.write_xlsx(out)
    wb = openpyxl.load_workbook(out)
    table = [c for row in wb["Table II"].iter_rows(values_only=True) for c in row if c]
    assert "Overall" in table
    evidence = list(wb["Evidence"].iter_rows(values_only=True))
    assert list(evidence[0][:4]) == ["Type", "Row group", "Row", "Mechanism"]
    headings = [r[0] for r in evidence if r[0] and "·" in str(r[0])]
    assert "Plant advice · Not in Good words or Bad words (1 case)" in headings
    moderators = [c for row in wb["Moderators"].iter_rows(values_only=True) for c in row if c]
    assert "Moderators by type: cases of each value (with their overall)" in moderators
    every = [str(c) for ws in wb.worksheets if ws.title != "Codebook" for row in ws.iter_rows(values_only=True)
             for c in row if c]
    assert not any(w in text for text in every for w in TMP_WORDS)


def test_audit_without_layout_still_reports_cases_and_propositions_in_markdown(garden_without_layout):
    result = build_audit(garden_without_layout)
    md = result.to_markdown()
    assert "declares no Table II layout" in md and "docs/CODEBOOK\\_FORMAT.md" in md
    assert "## Cases" in md and "| in the audit | 9 |" in md
    assert "## Propositions" in md and "| G1a |" in md
    # G1a: A1 A2 for, A3 against (A4 on both sides left out): 2 of 3 against a threshold of 0.6 cannot decide it.
    g1a = result.to_dict()["propositions"]["G1a"]
    assert (g1a["verdict"], g1a["p_value"]) == ("inconclusive", 1.0)
    assert "| G1a | advice | inconclusive |" in md


def test_cli_audit_json_and_xlsx_work_without_layout(garden_without_layout, runner, tmp_path):
    d = str(garden_without_layout.directory)
    res = runner.invoke(main, ["audit", "--format", "json", "--project", d])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["matrix"] == {} and data["table_ii_layout"] is False and "G2" in data["propositions"]
    out = tmp_path / "a.xlsx"
    res = runner.invoke(main, ["audit", "-o", str(out), "--project", d])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert "declares no Table II layout" in str(wb["Table II"]["A3"].value)
    res = runner.invoke(main, ["audit", "--project", d])
    assert res.exit_code == 0 and "no Table II layout" in res.output.replace("\n", " ")


def test_markdown_escapes_emphasis_characters_and_backticks():
    assert _md("a *b* _c_ `d` | e\\f") == "a \\*b\\* \\_c\\_ \\`d\\` \\| e\\\\f"


def test_markdown_of_an_audit_escapes_labels(tmp_path):
    data = yaml.safe_load((DATA / "garden.yaml").read_text(encoding="utf-8"))
    data["variables"][1]["values"][0]["label"] = "Plant_advice *new*"
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    project = build_project(tmp_path / "p", path, _texts(GARDEN), {}, GARDEN)
    try:
        md = build_audit(project).to_markdown()
    finally:
        project.close()
    assert "Plant\\_advice \\*new\\*" in md and "Plant_advice" not in md
