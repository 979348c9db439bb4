"""The one CSV reader (duocode.csvio): what every caller now gets from it."""
import pytest

from duocode.agreement import read_long_csv
from duocode.errors import InputError
from duocode.rows import Column, TableSpec, read_rows

CASES = TableSpec("cases CSV", (Column("case_id"), Column("quote")), header_expected="a header line")


def read_csv(path):
    """Read and raise: the cases-like table of these tests through the one row reader."""
    rows = read_rows(path, CASES)
    rows.raise_if_any()
    return rows


@pytest.mark.parametrize("read", [read_csv, read_long_csv])
def test_every_csv_reader_refuses_a_workbook_saved_as_csv(tmp_path, read):
    path = tmp_path / "cases.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError) as info:
        read(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: this is a spreadsheet workbook, not a CSV file "
        "(expected a .csv file (or use `duocode import-sheet` for a coding workbook))"]


def test_read_csv_reports_text_after_a_closing_quote_with_its_line(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text('case_id,quote\nC1,fine\nC2,"a" b\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_csv(path)
    assert [p.location for p in info.value.problems] == ["line 3"]
    assert str(info.value.problems[0]).startswith(f"{path}:line 3: malformed CSV: ")


def test_rows_keep_the_line_they_start_on_after_a_cell_spanning_lines(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text('case_id;quote\nC1;"two\nlines"\nC2;one\n', encoding="utf-8")
    assert [(row.line, row["case_id"]) for row in read_csv(path)] == [(2, "C1"), (4, "C2")]
