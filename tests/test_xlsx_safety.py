"""Workbook safety shared by every stage: formulas refused on the way in, never written on the way out."""
import zipfile

import openpyxl
import pytest

from duocode.errors import InputError
from duocode.xlsx import MAX_UNCOMPRESSED, load_workbook_safely, set_text


def test_a_workbook_with_typed_formulas_is_refused_naming_each_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Coding"
    ws["A1"] = "case_id"
    ws["B2"] = "=1+1"
    ws["C3"] = '="interaction"'
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError) as info:
        load_workbook_safely(tmp_path / "f.xlsx")
    assert [p.location for p in info.value.problems] == ["Coding!B2", "Coding!C3"]
    assert "found a formula (=1+1)" in info.value.problems[0].message


def test_a_zip_bomb_is_refused_from_its_declared_size_before_inflating(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNCOMPRESSED + 1))
    with pytest.raises(InputError, match="would unpack to 64 MiB; refusing to open it"):
        load_workbook_safely(path)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(1)", "\tx", "\rx",
                                  "a\ufffeb\x01c"])
def test_written_text_is_a_string_cell_never_a_formula(tmp_path, text):
    wb = openpyxl.Workbook()
    set_text(wb.active["A1"], text)
    wb.save(tmp_path / "t.xlsx")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    back = openpyxl.load_workbook(tmp_path / "t.xlsx")["Sheet"]["A1"]
    assert back.data_type == "s"
    assert back.value == text.replace("\ufffe", "\ufffd").replace("\x01", "\ufffd")
