"""Cases: import by quote or by offsets, list as table/json/csv, and the row parser shared with proposals."""
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_helpers import snapshot
from duocode.cli import main
from duocode.errors import InputError
from duocode.ingest import import_cases, ingest, list_cases_result, parse_case_rows
from duocode.store.cases import Case, insert_cases, list_cases

DATA = Path(__file__).parent / "data"


@pytest.fixture
def project(mini_project):
    ingest(mini_project, [DATA / "rev_style.txt", DATA / "teams_legacy.vtt"])
    return mini_project


def _write(tmp_path, text, name="cases.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_by_quote_locates_each_quote(project):
    result = import_cases(project, DATA / "cases_quotes.csv")
    assert [(c.id, c.text) for c in result.cases] == [
        ("C01", "it greets me by my first name"),
        ("C02", "The picks were often right, to be\nfair"),  # retyped on one line, found across the line break
    ]
    assert all(c.source == "human" and c.status == "case" for c in result.cases)


def test_import_by_offsets_stores_the_span(project):
    import_cases(project, DATA / "cases_offsets.csv")
    (case,) = list_cases(project)
    assert (case.id, case.document, case.start, case.end) == ("C11", "rev_style", 632, 666)
    assert case.text == "Honestly a bit odd. Nice, but odd."


def test_import_logs_one_event_per_case_with_the_file(project):
    import_cases(project, DATA / "cases_quotes.csv")
    events = project.events(entity="case")
    assert [e["entity_id"] for e in events] == ["C01", "C02"]
    assert events[0]["source_file"] == str(DATA / "cases_quotes.csv")


def test_every_problem_in_a_cases_file_is_reported_at_once(project, tmp_path):
    path = _write(tmp_path, "case_id,document,start,end\n"
                            "C1,rev_style,0,10\n"
                            ",rev_style,0,10\n"
                            "C1,rev_style,5,3\n"
                            "C4,H99,0,1\n"
                            "C5,rev_style,x,4\n"
                            "C6,rev_style,4,4\n")
    before = snapshot(project)
    with pytest.raises(InputError) as exc:
        import_cases(project, path)
    assert [p.location for p in exc.value.problems] == ["line 3", "line 4", "line 4", "line 5", "line 6",
                                                         "line 7"]
    assert snapshot(project) == before


def test_quote_and_offset_columns_together_are_refused(project, tmp_path):
    path = _write(tmp_path, "case_id,document,quote,start,end\nC1,rev_style,odd,1,2\n")
    with pytest.raises(InputError, match="both a 'quote' column and 'start'/'end' columns"):
        parse_case_rows(project, path)


def test_start_without_end_column_is_a_missing_column(project, tmp_path):
    path = _write(tmp_path, "case_id,document,start\nC1,rev_style,1\n")
    with pytest.raises(InputError, match=r"missing column\(s\): end"):
        parse_case_rows(project, path)


def test_header_only_file_has_no_rows_and_import_refuses_it(project, tmp_path):
    path = _write(tmp_path, "case_id,document,quote\n")
    assert parse_case_rows(project, path) == []
    with pytest.raises(InputError, match="no case rows"):
        import_cases(project, path)


def test_column_names_are_matched_case_insensitively_and_excel_bom_and_semicolons_work(project, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("\ufeffCase_ID;Document;Quote\r\nC1;rev_style;Nice, but odd.\r\n".encode("utf-8"))
    (row,) = parse_case_rows(project, path)
    assert (row.line, row.case_id, row.document) == (2, "C1", "rev_style")


def test_quoted_cell_spanning_lines_keeps_later_line_numbers_right(project, tmp_path):
    path = _write(tmp_path, 'case_id,document,quote\nC1,rev_style,"Honestly a bit odd.\nNice"\nC2,rev_style,zzz\n')
    with pytest.raises(InputError) as exc:
        parse_case_rows(project, path)
    assert [p.location for p in exc.value.problems] == ["line 4"]


def test_parser_for_proposals_needs_no_case_id_and_accepts_extra_documents(project, tmp_path):
    path = _write(tmp_path, "document,quote\nrev_style,\"Nice, but odd.\"\nnew_doc,fresh text\n")
    rows = parse_case_rows(project, path, need_case_id=False,
                           extra_documents={"new_doc": "some fresh text here"})
    assert [(r.line, r.case_id, r.document, r.start, r.end) for r in rows][1] == (3, None, "new_doc", 5, 15)


def test_parser_for_proposals_does_not_refuse_stored_case_ids(project, tmp_path):
    import_cases(project, DATA / "cases_offsets.csv")
    path = _write(tmp_path, "case_id,document,start,end\nC11,rev_style,0,5\n")
    assert len(parse_case_rows(project, path, need_case_id=False)) == 1


def test_list_json_is_the_contract_shape(project):
    import_cases(project, DATA / "cases_quotes.csv")
    data = list_cases_result(project).to_dict()
    assert list(data) == ["cases"]
    assert data["cases"][0] == {"case_id": "C01", "document": "rev_style", "start": 444, "end": 473,
                                "text": "it greets me by my first name", "source": "human"}


def test_list_filters_source_and_all_adds_status(project):
    with project.transaction():
        insert_cases(project, [Case("K1", "rev_style", 0, 5, "", source="precoder", status="candidate"),
                               Case("H1", "rev_style", 10, 20, "")])
    assert [c["case_id"] for c in list_cases_result(project).to_dict()["cases"]] == ["H1"]
    assert list_cases_result(project, source="precoder").to_dict() == {"cases": []}
    everything = list_cases_result(project, all_statuses=True).to_dict()["cases"]
    assert [(c["case_id"], c["status"]) for c in everything] == [("K1", "candidate"), ("H1", "case")]


def test_list_csv_reimports_into_a_fresh_project(project, tmp_path):
    import_cases(project, DATA / "cases_quotes.csv")
    exported = _write(tmp_path, list_cases_result(project).to_csv(), "export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["case_id", "document", "start", "end", "text", "source"]
    with project.transaction():
        project.conn.execute("DELETE FROM cases")
    import_cases(project, exported)
    assert [c.text for c in list_cases(project)] == ["it greets me by my first name",
                                                     "The picks were often right, to be\nfair"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_offsets_of_a_located_quote_slice_back_to_the_quote(data):
    text = (DATA / "rev_style.txt").read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 80)))
    quote = text[start:end].strip()
    if not quote or text.count(quote) != 1:
        return
    from duocode.ingest.cases import _occurrences

    ((s, e),) = _occurrences(text, quote)
    assert text[s:e] == quote


# -- CLI ------------------------------------------------------------------------------------------------------

def test_cli_cases_import_and_list_formats(runner, project):
    d = str(project.directory)
    imported = runner.invoke(main, ["cases", "import", str(DATA / "cases_quotes.csv"), "--project", d,
                                    "--format", "json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["imported"] == 2
    listed = runner.invoke(main, ["cases", "list", "--format", "json", "--project", d])
    assert [c["case_id"] for c in json.loads(listed.stdout)["cases"]] == ["C01", "C02"]
    as_csv = runner.invoke(main, ["cases", "list", "--format", "csv", "--project", d])
    assert as_csv.stdout.splitlines()[0] == "case_id,document,start,end,text,source"
    table = runner.invoke(main, ["cases", "list", "--project", d])
    assert table.exit_code == 0 and "it greets me by my first name" in table.stdout


def test_cli_cases_list_to_csv_file(runner, project, tmp_path):
    import_cases(project, DATA / "cases_offsets.csv")
    out = tmp_path / "cases.csv"
    result = runner.invoke(main, ["cases", "list", "-o", str(out), "--project", str(project.directory)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("case_id,document,start,end,text,source\nC11,rev_style,")


def test_cli_cases_list_empty_project(runner, project):
    result = runner.invoke(main, ["cases", "list", "--project", str(project.directory), "--format", "json"])
    assert json.loads(result.stdout) == {"cases": []}


def test_cli_cases_import_with_coder_calls_import_proposals(runner, project, monkeypatch):
    calls = []

    class Result:
        def to_dict(self):
            return {"proposals": 1}

        def tables(self):
            return ["1 proposal"]

    def import_proposals(proj, csv_path, coder):
        calls.append((csv_path, coder))
        return Result()

    import duocode.coding

    monkeypatch.setattr(duocode.coding, "import_proposals", import_proposals)   # the stage's public face
    result = runner.invoke(main, ["cases", "import", "anna.csv", "--coder", "anna", "--project",
                                  str(project.directory), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert calls == [("anna.csv", "anna")] and json.loads(result.stdout) == {"proposals": 1}
