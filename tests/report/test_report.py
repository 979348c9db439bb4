"""``duocode report``: its figures checked against the project's own `agree`/`audit` JSON and the store, and the
Markdown, Word and HTML files it writes."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

from duocode.cli import main

KEYS = ["corpus", "case_finding", "coding", "agreement", "reconciliation", "audit", "precoder"]


def _json(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo_reports(built_demo, tmp_path_factory):
    """The demo project's report, built once through the API (it writes nothing, so the session demo serves) and
    written as JSON, Word and HTML; returns (the JSON, the folder holding report.docx and report.html)."""
    from duocode.report import build_report, write_report
    from duocode.store import Project

    out = tmp_path_factory.mktemp("report")
    with Project.open(built_demo[0]) as project:
        report = build_report(project)
    write_report(report, out / "report.docx")
    write_report(report, out / "report.html")
    return json.loads(json.dumps(report.to_dict())), out


@pytest.fixture(scope="module")
def demo_report(demo_reports):
    return demo_reports[0]


def test_report_json_has_exactly_the_contract_keys(demo_report):
    assert list(demo_report) == KEYS


def test_agreement_figures_are_those_of_agree_with_the_same_bootstrap_and_seed(demo_report, built_demo, runner):
    agree = _json(runner, ["agree", "--bootstrap", "1000", "--seed", "0", "--format", "json",
                           "--project", str(built_demo[0])])
    ours = demo_report["agreement"]["variables"]
    assert list(ours) == list(agree["variables"])
    for var, r in agree["variables"].items():
        assert ours[var]["coefficients"] == r["coefficients"], var
        assert ours[var]["n_units"] == r["n_units"]
        assert ours[var]["notes"] == r["diagnostics"]["notes"]
    # the kappa-paradox note of agree's diagnostics reaches the report
    assert any("kappa paradox" in n for r in ours.values() for n in r["notes"])


def test_span_agreement_is_that_of_agree_spans(demo_report, built_demo, runner):
    spans = _json(runner, ["agree", "--spans", "--format", "json", "--project", str(built_demo[0])])
    ours = demo_report["case_finding"]["span_agreement"]
    assert ours["overall"] == spans["overall"]
    assert ours["documents"] == spans["documents"]


def test_audit_matrix_and_verdicts_are_those_of_audit(demo_report, demo_copy, runner):
    audit = _json(runner, ["audit", "--format", "json", "--project", str(demo_copy)])
    ours = demo_report["audit"]
    assert ours["matrix"] == audit["matrix"]
    assert ours["summary"] == audit["summary"]
    assert set(ours["propositions"]) == set(audit["propositions"])
    for pid, p in audit["propositions"].items():
        for key, value in p.items():        # every field the audit gives (verdict, counts, test, p_value, ...)
            assert ours["propositions"][pid][key] == value, (pid, key)


def test_counts_match_direct_store_queries(demo_report, built_demo):
    conn = sqlite3.connect(built_demo[0] / "duocode.db")
    q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
    corpus = demo_report["corpus"]
    assert corpus["totals"]["documents"] == q("SELECT count(*) FROM documents")[0][0]
    assert corpus["totals"]["words"] == q("SELECT sum(n_words) FROM documents")[0][0]
    assert corpus["totals"]["turns"] == q("SELECT count(*) FROM turns")[0][0]
    assert corpus["informants"]["n"] == q("SELECT count(*) FROM informants")[0][0]
    assert corpus["informants"]["attributes"]["sex"]["counts"] == dict(
        q("SELECT value, count(*) FROM informant_attributes WHERE name = 'sex' GROUP BY value"))
    assert corpus["totals"]["pages"] is None                     # txt transcripts: pages not known
    cf = demo_report["case_finding"]
    assert cf["proposals"] == dict(q("SELECT coder, count(*) FROM proposals GROUP BY coder"))
    accepted = q("SELECT count(*) FROM cases WHERE status = 'case'")[0][0]
    not_cases = q("SELECT count(*) FROM codes k JOIN cases c ON c.id = k.case_id WHERE c.status = 'case' AND "
                  "k.coder = 'consensus' AND k.variable = 'is_case' AND k.value = 'no'")[0][0]
    assert cf["cases"]["accepted"] == accepted
    assert cf["cases"]["final"] == accepted - not_cases
    assert cf["precoder_candidates"]["pending"] == q(
        "SELECT count(*) FROM cases WHERE source = 'precoder' AND status = 'candidate'")[0][0]
    coded = dict(q("SELECT k.coder, count(*) FROM codes k JOIN cases c ON c.id = k.case_id "
                   "WHERE c.status = 'case' AND k.coder IN ('ines', 'jonas') GROUP BY k.coder"))
    assert {c: r["codes"] for c, r in demo_report["coding"]["per_coder"].items()} == coded
    suggested = q("SELECT count(*) FROM codes WHERE coder = 'precoder'")[0][0]
    assert demo_report["precoder"]["suggestions"]["total"] == suggested
    reasons = q("SELECT count(*) FROM codes WHERE coder = 'consensus' AND decided_by = 'auto'")[0][0]
    assert demo_report["reconciliation"]["agreed_taken_over"] == reasons


def test_precoder_quality_is_the_recorded_evaluation_with_its_date(demo_report, built_demo):
    conn = sqlite3.connect(built_demo[0] / "duocode.db")
    stored = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'precode_evaluation'").fetchone()[0])
    p = demo_report["precoder"]
    assert p["used"] is True and p["counts_as_coder"] is False
    assert p["evaluation"] == stored
    text = (built_demo[0] / "report.md").read_text(encoding="utf-8")
    assert f"`precode evaluate` of {stored['at'][:10]}" in text.replace("\\`", "`")


def test_the_demo_writes_report_md(built_demo):
    assert (built_demo[0] / "report.md").read_text(encoding="utf-8").startswith("# Methods and results: ")


def _tables(text: str) -> list[list[str]]:
    out, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    return out + ([current] if current else [])


def test_markdown_tables_are_well_formed_pipe_tables_without_html(built_demo):
    text = (built_demo[0] / "report.md").read_text(encoding="utf-8")
    tables = _tables(text)
    assert len(tables) >= 8
    for table in tables:
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
        assert len(widths) == 1, table[0]
        assert re.fullmatch(r"\|( --- \|)+", table[1])
    assert not re.search(r"(?<!\\)<[a-zA-Z/]", text)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:7] == ["## Corpus", "## Case finding", "## Coding", "## Agreement", "## Reconciliation",
                            "## Audit: Table II and the propositions", "## Pre-coder"]


def test_docx_has_headings_tables_with_header_rows_captions_and_both_figures(demo_reports):
    import docx

    document = docx.Document(str(demo_reports[1] / "report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:7] == ["Corpus", "Case finding", "Coding", "Agreement", "Reconciliation",
                            "Audit: Table II and the propositions", "Pre-coder"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert len(document.tables) == sum(1 for c in captions if c.startswith("Table "))
    assert [c for c in captions if c.startswith("Figure ")] == [
        "Figure 1. Krippendorff's α per variable with its 95% bootstrap interval",
        "Figure 2. Table II as a heat map: consensus cases per type and attribution"]
    assert len(document.inline_shapes) == 2
    agreement = next(t for t, c in zip(document.tables, [c for c in captions if c.startswith("Table ")])
                     if "Agreement per variable" in c)
    assert [c.text for c in agreement.rows[0].cells][:3] == ["Variable", "n", "Percent agreement"]
    assert agreement.rows[0]._tr.trPr.xpath("./w:tblHeader")      # a real, repeated header row


def test_html_embeds_both_figures_and_matches_the_markdown_tables(demo_reports, built_demo):
    html = (demo_reports[1] / "report.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') == 2
    md = (built_demo[0] / "report.md").read_text(encoding="utf-8")
    assert html.count("<table>") == len(_tables(md))


def test_report_writes_nothing_to_the_project(demo_copy, runner, take_snapshot, tmp_path):
    from duocode.store import Project

    with Project.open(demo_copy) as p:
        before = take_snapshot(p)
    result = runner.invoke(main, ["report", "-o", str(tmp_path / "r.md"), "--bootstrap", "0", "--project",
                                  str(demo_copy)])
    assert result.exit_code == 0, result.output
    with Project.open(demo_copy) as p:
        assert take_snapshot(p) == before
