"""The one row reader (duocode.rows): every kind of problem it finds, in CSV files and in worksheets, each named
with its file and line or cell, all of them collected in one run."""
from __future__ import annotations

from dataclasses import replace

import pytest

from duocode.errors import InputError
from duocode.rows import Column, TableSpec, read_rows

PEOPLE = TableSpec(
    "people CSV",
    (Column("person", aliases=("participant",), required=True, kind="id", blank=False, unique=True,
            expected="a person id"),
     Column("age", kind="int", minimum=0),
     Column("score", kind="number"),
     Column("group", kind="choice", choices=("Control", "Treated")),
     Column("note")),
    header_expected="a header line person,age,...", label=("person", "person {}: "))


def write(tmp_path, text: str, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path, spec=PEOPLE) -> list[str]:
    with pytest.raises(InputError) as info:
        read_rows(path, spec).raise_if_any()
    return [str(p).replace(f"{path}:", "").strip() for p in info.value.problems]


def test_a_good_file_gives_typed_rows_with_their_lines(tmp_path):
    path = write(tmp_path, "Participant,AGE,score,group,note\nP1,34,2.5,treated, hi \n\nP2,,,,\n")
    rows = read_rows(path, PEOPLE)
    assert not rows.problems
    assert [(r.line, r.cells) for r in rows] == [
        (2, {"person": "P1", "age": 34, "score": 2.5, "group": "Treated", "note": "hi"}),
        (4, {"person": "P2", "age": None, "score": None, "group": None, "note": None})]
    assert rows.rows[0].where("age") == "line 2"


def test_every_bad_cell_of_every_row_is_reported_in_file_order_with_its_line(tmp_path):
    path = write(tmp_path, "person,age,score,group\n"
                           "P1,x,1,Control\n"
                           ",3,inf,Control\n"
                           "P1,-2,1e400,placebo\n")
    assert problems_of(path) == [
        "line 2: person P1: age 'x' is not a whole number of 0 or more (expected a whole number of 0 or more)",
        "line 3: the person cell is blank (expected a person id)",
        "line 3: score 'inf' is not a number (expected a finite number)",
        "line 4: person P1 appears twice (first on line 2) (expected each person once)",
        "line 4: person P1: age '-2' is not a whole number of 0 or more (expected a whole number of 0 or more)",
        "line 4: person P1: score '1e400' is not a number (expected a finite number)",
        "line 4: person P1: group 'placebo' is not one of the choices (expected one of Control, Treated)"]


def test_header_problems_and_row_problems_come_together(tmp_path):
    path = write(tmp_path, "person,age,age,colour\nP1,1,2,red\nP2,z,,\n")
    spec = replace(PEOPLE, unknown="error")
    assert problems_of(path, spec) == [
        "line 1: column 'age' appears twice (columns 2 and 3) (expected each column once)",
        "line 1: unknown column 'colour' (column 4) (expected one of person, age, score, group, note)",
        "line 3: person P2: age 'z' is not a whole number of 0 or more (expected a whole number of 0 or more)"]


def test_a_repeated_column_can_mean_the_first_one(tmp_path):
    path = write(tmp_path, "person,age,AGE\nP1,1,2\n")
    spec = replace(PEOPLE, repeated="first")
    assert [r["age"] for r in read_rows(path, spec)] == [1]


def test_a_missing_required_column_stops_the_reading_at_once_with_the_other_header_problems(tmp_path):
    path = write(tmp_path, "name,age,age\nP1,x,\n")
    assert problems_of(path) == [
        "line 1: column 'age' appears twice (columns 2 and 3) (expected each column once)",
        "line 1: missing column(s): person (found: name, age, age) (expected a header line person,age,...)"]


def test_unknown_columns_are_ignored_or_kept_by_the_table_policy(tmp_path):
    path = write(tmp_path, "person,Sex\nP1,f\nP2,\n")
    assert [r.extras for r in read_rows(path, PEOPLE)] == [{}, {}]
    keep = replace(PEOPLE, unknown="keep")
    assert [r.extras for r in read_rows(path, keep)] == [{"Sex": "f"}, {"Sex": None}]


def test_values_in_a_column_without_a_name_are_refused_once_per_column(tmp_path):
    path = write(tmp_path, "person,,age\nP1,,1\nP2,x,2\nP3,y,3\n")
    assert problems_of(path) == ["line 1: column 2 has values but no name in the header (first on line 3) "
                                 "(expected a name for every column that holds values)"]
    ignore = replace(PEOPLE, unnamed="ignore")
    assert len(read_rows(path, ignore)) == 3


def test_cells_past_the_header_are_refused_or_ignored(tmp_path):
    path = write(tmp_path, "person,age\nP1,1,surplus\nP2,2,\n")
    assert problems_of(path) == ["line 2: the row has 3 cells but the header names 2 columns "
                                 "(expected one cell per column of the header)"]
    ignore = replace(PEOPLE, extra_cells="ignore")
    assert [r["person"] for r in read_rows(path, ignore)] == ["P1", "P2"]


def test_short_rows_are_blank_or_refused(tmp_path):
    spec = TableSpec("long CSV", (Column("unit", required=True), Column("coder", required=True)),
                     header_expected="unit,coder", short_rows="error")
    path = write(tmp_path, "unit,coder\nu1\nu2,A\n")
    assert problems_of(path, spec) == ["line 2: the row has 1 field(s) (expected at least 2 fields (unit, coder))"]
    lenient = TableSpec("long CSV", spec.columns, header_expected="unit,coder")
    assert [r.cells for r in read_rows(path, lenient)] == [{"unit": "u1", "coder": None},
                                                          {"unit": "u2", "coder": "A"}]


def test_alternative_column_groups(tmp_path):
    spec = TableSpec("cases CSV", (Column("quote"), Column("start"), Column("end")), header_expected="a header",
                     alternatives=(("quote",), ("start", "end")))
    assert problems_of(write(tmp_path, "quote,start,end\nq,1,2\n"), spec) == [
        "line 1: has both a 'quote' column and 'start'/'end' columns "
        "(expected one form per file: either 'quote' or 'start' and 'end')"]
    assert problems_of(write(tmp_path, "start\n1\n"), spec) == [
        "line 1: missing column(s): end (found: start) (expected a header)"]
    assert problems_of(write(tmp_path, "other\n1\n"), spec) == [
        "line 1: missing column(s): quote (or start and end) (found: other) (expected a header)"]


def test_malformed_csv_is_reported_at_its_line_after_the_rows_before_it(tmp_path):
    path = write(tmp_path, 'person,age\nP1,x\nP2,"a" b\n')
    found = problems_of(path)
    assert found[0].startswith("line 2: person P1: age 'x'")
    assert found[1].startswith("line 3: malformed CSV: ")
    spec = replace(PEOPLE, lenient_quotes=True)
    assert [r["age"] for r in read_rows(write(tmp_path, 'person,note\nP2,"a" b\n'), spec)] == [None]


def test_an_empty_file_names_the_header_it_expected(tmp_path):
    assert problems_of(write(tmp_path, " \n")) == [
        "line 1: the file is empty (expected a header line person,age,...)"]


def test_the_problem_list_is_capped(tmp_path):
    spec = replace(PEOPLE, max_problems=3)
    path = write(tmp_path, "person,age\n" + "".join(f"P{i},x\n" for i in range(10)))
    found = problems_of(path, spec)
    assert len(found) == 4 and found[-1] == "too many problems; fix the ones above and run again"


# -- worksheets ------------------------------------------------------------------------------------------------
def sheet(rows, title="Codes"):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return ws


def test_a_worksheet_is_read_through_the_same_checks_with_cell_locations():
    ws = sheet([["person", "age", "group"], ["P1", 3.0, "control"], [None, None, None], ["P1", -1, "x"],
                [None, "7", None]])
    rows = read_rows(ws, PEOPLE, path="book.xlsx")
    assert [(r.line, r["person"], r["age"]) for r in rows] == [(2, "P1", 3), (4, "P1", None), (5, None, 7)]
    with pytest.raises(InputError) as info:
        rows.raise_if_any()
    assert [str(p) for p in info.value.problems] == [
        "book.xlsx:Codes!A4: person P1 appears twice (first at Codes!A2) (expected each person once)",
        "book.xlsx:Codes!B4: person P1: age '-1' is not a whole number of 0 or more "
        "(expected a whole number of 0 or more)",
        "book.xlsx:Codes!C4: person P1: group 'x' is not one of the choices (expected one of Control, Treated)",
        "book.xlsx:Codes!A5: the person cell is blank (expected a person id)"]


def test_a_fixed_worksheet_header_must_stand_as_written():
    spec = TableSpec("reconcile workbook", (Column("Case"), Column("Agreed value"), Column("Reason")),
                     header_expected="the header row", fixed="the header row as duocode wrote it")
    with pytest.raises(InputError) as info:
        read_rows(sheet([["Case", "Value", "Reason", "extra"]], "Reconcile"), spec, path="r.xlsx")
    assert [str(p) for p in info.value.problems] == [
        "r.xlsx:Reconcile!B1: found header 'Value' (expected 'Agreed value' (the header row as duocode wrote it))"]
    rows = read_rows(sheet([["Case", "Agreed value", "Reason", "ignored"], ["C1", " yes ", None, "x"]]), spec,
                     path="r.xlsx")
    assert [(r.where("Reason"), r.cells) for r in rows] == [
        ("Codes!C2", {"Case": "C1", "Agreed value": "yes", "Reason": None})]


def test_a_worksheet_without_a_header_row_is_refused_with_its_first_cell():
    with pytest.raises(InputError, match=r"^book.xlsx:Codes!A1: the header row is blank \(expected a header line"):
        read_rows(sheet([]), PEOPLE, path="book.xlsx")


def test_a_column_kind_must_be_known():
    with pytest.raises(ValueError, match="unknown column kind 'date'"):
        Column("when", kind="date")


def test_a_header_that_is_not_csv_is_refused_at_line_1(tmp_path):
    found = problems_of(write(tmp_path, '"person" x,age\nP1,1\n'))
    assert len(found) == 1 and found[0].startswith("line 1: cannot read the header (")
    assert found[0].endswith("(expected a header line person,age,...)")


def test_bytes_already_read_are_not_read_again(tmp_path):
    path = tmp_path / "gone.csv"   # never written: only the bytes given are read
    rows = read_rows(path, PEOPLE, data=b"person\r\nP1\r\n")
    assert [(r.line, r["person"]) for r in rows] == [(2, "P1")]


def test_an_id_is_one_line_without_tabs(tmp_path):
    path = write(tmp_path, 'person,age\n"P\n1",1\n"P\t2",2\nP 3,3\n')
    assert problems_of(path) == [
        "line 2: person 'P\\n1' holds a line break or a tab (expected a person id)",
        "line 4: person 'P\\t2' holds a line break or a tab (expected a person id)"]


def test_the_header_expected_by_default_names_the_table(tmp_path):
    spec = TableSpec("people CSV", (Column("person", required=True),))
    assert problems_of(write(tmp_path, "name\nP1\n"), spec) == [
        "line 1: missing column(s): person (found: name) (expected a people CSV with a header line)"]
