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


def test_style_stamps_give_every_cell_the_styles_it_was_given_one_by_one():
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    from duocode.xlsx import StyleStamps, set_text

    wb = openpyxl.Workbook()
    ws = wb.active
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EAF1FB")
    stamps = StyleStamps()
    for r in range(1, 4):
        stamps.apply(ws.cell(row=r, column=1), font=bold, fill=fill)
        stamps.apply(ws.cell(row=r, column=2), font=bold)
    set_text(ws.cell(row=3, column=1), "=1+1")          # after the stamp: the quote prefix stays
    ws.cell(row=4, column=1).number_format = "0.00"      # a cell with a style of its own keeps it
    stamps.apply(ws.cell(row=4, column=1), font=bold, fill=fill)
    for r in range(1, 5):
        assert ws.cell(row=r, column=1).font.bold and ws.cell(row=r, column=1).fill.fgColor.rgb == "00EAF1FB"
    assert all(ws.cell(row=r, column=2).font.bold and ws.cell(row=r, column=2).fill.fill_type is None
               for r in range(1, 4))
    assert ws.cell(row=3, column=1).quotePrefix and not ws.cell(row=2, column=1).quotePrefix
    assert ws.cell(row=4, column=1).number_format == "0.00"
