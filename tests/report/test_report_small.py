"""``duocode report`` on small projects: nothing yet to report, escaping, bad -o, PDF pages and the schema."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from duocode.cli import main

REPO = Path(__file__).resolve().parents[2]


def _small(tmp_path, *, reason: str | None = None, settle: bool = True):
    """A mini-codebook project: one transcript, two cases; with ``reason``, two coders who disagree once and a
    consensus that settles it for that reason."""
    from duocode.codebook import load_codebook
    from duocode.store import Case, CodeRow, Document, Informant, Project, Turn, insert_cases, insert_document, \
        set_codes, write_informants

    text = "Ann: they remembered my name <script>alert(1)</script>\nBob: and then they configured it\n"
    project = Project.create(tmp_path / "proj", load_codebook(REPO / "tests" / "data" / "mini_codebook.yaml"))
    with project.transaction():
        insert_document(project, Document("D1", text, "txt", source_path="D1.txt",
                                          turns=[Turn("Ann", 0, 54), Turn("Bob", 55, len(text) - 1)]))
        write_informants(project, [Informant("D1", "D1", {"sex": "<b>f</b>"})])
        insert_cases(project, [Case("C1", "D1", 5, 54, ""), Case("C2", "D1", 60, len(text) - 1, "")])
        if reason is not None:
            set_codes(project, [CodeRow("C1", "kind", "ann", "alpha"), CodeRow("C1", "kind", "ben", "beta"),
                                CodeRow("C2", "kind", "ann", "beta"), CodeRow("C2", "kind", "ben", "beta")])
            if settle:
                set_codes(project, [CodeRow("C1", "kind", "consensus", "alpha", reason=reason,
                                            decided_by="ann & ben")])
    project.close()
    return tmp_path / "proj"


def test_a_project_with_no_proposals_precoder_or_consensus_says_so(tmp_path, runner):
    proj = _small(tmp_path)
    result = runner.invoke(main, ["report", "--format", "json", "--project", str(proj)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case_finding"]["method"] == "imported" and data["case_finding"]["span_agreement"] is None
    assert data["precoder"]["used"] is False
    assert data["reconciliation"]["consensus_codes"] == 0
    out = tmp_path / "r.md"
    assert runner.invoke(main, ["report", "-o", str(out), "--project", str(proj)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Cases were imported as one agreed list" in text
    assert "Not used: the project has no pre-coder candidates or suggestions." in text
    assert "No consensus has been recorded yet" in text
    assert "pages: not known" in text


def test_html_is_self_contained_and_escapes_transcript_and_table_text(tmp_path, runner):
    proj = _small(tmp_path, reason="she said <script>alert(1)</script> & left")
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["report", "-o", str(out), "--project", str(proj)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>f</b>" not in html
    assert "she said &lt;script&gt;alert(1)&lt;/script&gt; &amp; left" in html
    assert "&lt;b&gt;f&lt;/b&gt;" in html
    assert "http://" not in html and "https://" not in html          # nothing fetched from elsewhere
    assert '<img src="data:image/png;base64,' in html                 # the agreement figure, embedded


def test_settled_disagreements_carry_who_decided_and_why(tmp_path, runner):
    proj = _small(tmp_path, reason="the name is recognition")
    data = json.loads(runner.invoke(main, ["report", "--format", "json", "--project", str(proj)]).stdout)
    rec = data["reconciliation"]
    assert rec["per_variable"] == {"kind": {"disagreements": 1, "settled": 1, "by": {"ann & ben": 1}}}
    assert rec["decisions"] == [{"case_id": "C1", "variable": "kind", "values": {"ann": "alpha", "ben": "beta"},
                                 "consensus": "alpha", "decided_by": "ann & ben",
                                 "reason": "the name is recognition"}]
    assert rec["unsettled"] == []


def test_an_unsettled_disagreement_is_listed_and_the_report_still_builds(tmp_path, runner):
    proj = _small(tmp_path, reason="", settle=False)
    out = tmp_path / "r.md"
    result = runner.invoke(main, ["report", "-o", str(out), "--project", str(proj)])
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(main, ["report", "--format", "json", "--project", str(proj)]).stdout)
    assert data["reconciliation"]["unsettled"] == [{"case_id": "C1", "variable": "kind",
                                                    "values": {"ann": "alpha", "ben": "beta"}}]
    assert data["audit"]["cases"]["unresolved"] == ["C1"]
    assert "| C1 | kind | ann: alpha; ben: beta |" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, message", [
    ("missing/r.md", "the folder does not exist"),
    ("r.pdf", "cannot write a report as .pdf"),
])
def test_a_bad_output_is_one_line_on_stderr_and_exit_1(tmp_path, runner, name, message):
    proj = _small(tmp_path)
    result = runner.invoke(main, ["report", "-o", str(tmp_path / name), "--project", str(proj)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / name).exists()


def test_report_without_output_or_format_is_a_usage_error(tmp_path, runner):
    result = runner.invoke(main, ["report", "--project", str(_small(tmp_path))])
    assert result.exit_code == 2


def test_a_version_1_project_gains_the_pages_column_empty(tmp_path):
    import sqlite3

    from duocode.store import Project, document_pages
    from duocode.store.schema import MIGRATIONS

    proj = _small(tmp_path)
    conn = sqlite3.connect(proj / "duocode.db")
    conn.execute("ALTER TABLE documents DROP COLUMN pages")      # back to what schema 1 wrote
    conn.execute("DROP TABLE embeddings")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Project.open(proj) as p:
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3
        assert document_pages(p) == {"D1": None}


def _make_pdf():
    sys.path.insert(0, str(REPO / "tests" / "ingest"))
    try:
        spec = importlib.util.spec_from_file_location("duocode_tests_pdf_maker", REPO / "tests" / "ingest" /
                                                      "test_ingest_pdf.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO / "tests" / "ingest"))
    return module.make_pdf, module._lines


def test_a_pdf_keeps_its_page_count_and_the_report_counts_pages(mini_project, tmp_path):
    from duocode.ingest import ingest
    from duocode.report import build_report
    from duocode.store import document_pages

    make_pdf, lines = _make_pdf()
    (tmp_path / "P1.pdf").write_bytes(make_pdf([lines(72, ["Ann: first page."]), lines(72, ["Bob: second."]),
                                                lines(72, ["Ann: third."])]))
    (tmp_path / "T1.txt").write_text("Ann: no pages here.\n", encoding="utf-8")
    ingest(mini_project, [tmp_path / "P1.pdf", tmp_path / "T1.txt"])
    assert document_pages(mini_project) == {"P1": 3, "T1": None}
    corpus = build_report(mini_project, bootstrap=0).to_dict()["corpus"]
    assert corpus["totals"]["pages"] == 3 and corpus["totals"]["documents_with_pages"] == 1
    assert {d["id"]: d["pages"] for d in corpus["documents"]} == {"P1": 3, "T1": None}


def test_figures_are_deterministic_and_carry_no_date_or_software_stamp(tmp_path):
    from duocode.report import build_report
    from duocode.report.figures import figure_bytes
    from duocode.store import Project

    with Project.open(_small(tmp_path, reason="r")) as p:
        data = build_report(p, bootstrap=50).to_dict()
    png = figure_bytes("agreement", data, "png")
    assert png == figure_bytes("agreement", data, "png")
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"matplotlib" not in png
    svg = figure_bytes("agreement", data, "svg")
    assert svg == figure_bytes("agreement", data, "svg")
    assert b"<dc:date>" not in svg and b"<dc:creator>" not in svg
    assert figure_bytes("table2", data) is None       # the mini codebook declares no Table II layout
