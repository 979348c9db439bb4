"""Bad input: every problem names the file and line and says what was expected; the CLI exits 1, no traceback.

Each bad input is a tiny named file under tests/agreement/data/.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from duocode.agreement import agreement, read_long_csv
from duocode.errors import InputError

DATA = Path(__file__).resolve().parent / "data"


def messages(exc: InputError) -> list[str]:
    return [str(p) for p in exc.problems]


@pytest.mark.parametrize("name,level,expected", [
    ("missing_coder_column.csv", "nominal",
     "{p}:line 1: missing column(s): coder (found: unit, rater, code) (expected a header line unit,coder,code)"),
    ("empty.csv", "nominal", "{p}:line 1: the file is empty (expected a header line unit,coder,code)"),
    ("header_only.csv", "nominal", "{p}:line 2: no ratings after the header (expected rows unit,coder,code)"),
    ("one_coder.csv", "nominal", "{p}: only one coder (A) in the file (expected codes from at least two coders)"),
    ("unit_coded_twice.csv", "nominal",
     "{p}:line 6: unit 1 is coded more than once by coder A (line 2 and line 6) "
     "(expected one code per unit and coder)"),
    ("interval_text_code.csv", "interval",
     "{p}:line 4: code 'three' is not a number (expected a finite number at interval level)"),
    ("short_row.csv", "nominal", "{p}:line 3: the row has 2 field(s) (expected at least 3 fields (unit, coder, code))"),
    ("one_coder.csv", "ratio", "{p}: unknown level 'ratio' (expected nominal, ordinal or interval)"),
])
def test_read_long_csv_rejects_bad_file_naming_file_and_line(name, level, expected):
    path = DATA / name
    with pytest.raises(InputError) as info:
        read_long_csv(path, level=level)
    assert messages(info.value) == [expected.format(p=path)]


def test_read_long_csv_reports_a_missing_file_by_name():
    with pytest.raises(InputError) as info:
        read_long_csv(DATA / "no_such_file.csv")
    assert messages(info.value)[0].startswith(f"{DATA / 'no_such_file.csv'}: cannot read the file")


def test_read_long_csv_treats_a_blank_code_as_a_missing_rating():
    df = read_long_csv(DATA / "blank_code_is_missing.csv")
    assert len(df) == 5 and df["line"].tolist() == [2, 3, 4, 6, 7]
    assert agreement(df).value("percent_agreement") == pytest.approx(0.5)


def test_ordinal_text_codes_need_a_category_order():
    df = read_long_csv(DATA / "ordinal_words.csv", level="ordinal")
    with pytest.raises(InputError) as info:
        agreement(df, level="ordinal")
    assert "are not numbers and no category order was given" in messages(info.value)[0]
    result = agreement(df, level="ordinal", categories=["low", "mid", "high"])
    assert result.categories == ["low", "mid", "high"]


def test_codes_outside_the_declared_categories_are_named_with_their_line():
    df = read_long_csv(DATA / "ordinal_words.csv", level="ordinal")
    with pytest.raises(InputError) as info:
        agreement(df, level="ordinal", categories=["low", "high"])
    assert messages(info.value) == [f"{DATA / 'ordinal_words.csv'}:line 4: code 'mid' is not one of the categories "
                                    "(expected one of low, high)"]


def test_api_rejects_unknown_level_and_missing_columns():
    with pytest.raises(InputError, match="unknown level 'ratio'"):
        agreement([(1, "a", "x"), (1, "b", "x")], level="ratio")
    with pytest.raises(InputError, match="the data has no column coder"):
        agreement(pd.DataFrame({"unit": [1], "rater": ["a"], "code": ["x"]}))


def test_api_names_both_records_of_a_unit_coded_twice():
    with pytest.raises(InputError) as info:
        agreement([(1, "a", "x"), (1, "b", "x"), (1, "a", "y")])
    assert messages(info.value) == ["record 3: unit 1 is coded more than once by coder a (record 1 and record 3) "
                                    "(expected one code per unit and coder)"]


def test_api_rejects_negative_bootstrap():
    with pytest.raises(InputError, match="bootstrap must be a whole number"):
        agreement([(1, "a", "x"), (1, "b", "x")], bootstrap=-1)


@pytest.mark.parametrize("content,encoding", [
    ("unit;coder;code\r\n1;a;x\r\n1;b;x\r\n2;a;y\r\n2;b;y\r\n", "utf-8"),          # Excel, many locales
    ("unit\tcoder\tcode\n1\ta\tx\n1\tb\tx\n2\ta\ty\n2\tb\ty\n", "utf-8"),          # tab-separated
    ("\ufeffunit,coder,code\n1,a,x\n1,b,x\n2,a,y\n2,b,y\n", "utf-8"),               # UTF-8 with BOM
    ("unit;coder;code\n1;a;x\n1;b;x\n2;a;y\n2;b;y\n", "utf-16"),                     # UTF-16 with BOM
])
def test_read_long_csv_accepts_semicolon_tab_and_bom_files(tmp_path, content, encoding):
    path = tmp_path / "codes.csv"
    path.write_bytes(content.encode(encoding))
    df = read_long_csv(path)
    assert list(df["unit"]) == ["1", "1", "2", "2"] and list(df["code"]) == ["x", "x", "y", "y"]
    assert list(df["line"]) == [2, 3, 4, 5]


def test_read_long_csv_decodes_cp1252_and_keeps_commas_inside_semicolon_cells(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_bytes("unit;coder;code\n1;Jos\xe9;caf\xe9, fort\n1;b;caf\xe9, fort\n".encode("latin-1"))
    df = read_long_csv(path)
    assert list(df["coder"]) == ["José", "b"] and list(df["code"]) == ["café, fort", "café, fort"]


def test_read_long_csv_reports_every_kind_of_problem_in_one_run_in_line_order(tmp_path):
    path = tmp_path / "l8.csv"
    path.write_text("unit,coder,code\n1,a,1\n1,a,2\n2,a,x\n,b,1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_long_csv(path, level="interval")
    assert messages(info.value) == [
        f"{path}:line 3: unit 1 is coded more than once by coder a (line 2 and line 3) "
        "(expected one code per unit and coder)",
        f"{path}:line 4: code 'x' is not a number (expected a finite number at interval level)",
        f"{path}:line 5: the unit cell is blank (expected a unit id)",
    ]


def test_read_long_csv_reports_a_short_row_together_with_a_duplicate_and_one_coder(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("unit,coder,code\n1,a\n2,a,x\n2,a,y\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_long_csv(path)
    assert messages(info.value) == [
        f"{path}:line 2: the row has 2 field(s) (expected at least 3 fields (unit, coder, code))",
        f"{path}:line 4: unit 2 is coded more than once by coder a (line 3 and line 4) "
        "(expected one code per unit and coder)",
        f"{path}: only one coder (a) in the file (expected codes from at least two coders)",
    ]


def test_from_long_reports_blank_ids_and_duplicates_together():
    records = [("1", "a", "x"), ("1", "a", "y"), ("", "b", "x"), ("2", None, "x"), ("2", "b", "x")]
    with pytest.raises(InputError) as info:
        agreement(records)
    text = messages(info.value)
    assert text == ["record 3: empty unit (expected a unit id)", "record 4: empty coder (expected a coder id)",
                    "record 2: unit 1 is coded more than once by coder a (record 1 and record 2) "
                    "(expected one code per unit and coder)"]


def test_agreement_cli_lists_every_problem_of_the_file_and_exits_1(tmp_path):
    from click.testing import CliRunner

    from duocode.cli import main

    path = tmp_path / "l8.csv"
    path.write_text("unit,coder,code\n1,a,1\n1,a,2\n2,a,x\n,b,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["agreement", str(path), "--level", "interval"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert [line.split(":")[2] for line in lines] == ["line 3", "line 4", "line 5"]
