"""Coder workbooks: layout, blindness (checked on the raw XML), formula safety, case order."""
from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

import duocode.cli
from coding_helpers import PLAIN, TRICKY, set_codes_for, sheet_rows, snapshot
from duocode.coding.sheet import FIXED_COLUMNS, case_order, chunk_list, join_chunks, write_sheet
from duocode.errors import InputError, RefusedError
from duocode.xlsx import read_meta_sheet

VARS = ["is_case", "kind", "good", "mood", "count"]


def xml_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


@pytest.fixture
def book(project, tmp_path):
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    return path


def test_sheet_has_one_row_per_case_with_id_document_informant_speaker_text_and_context(project, book):
    header, rows = sheet_rows(book)
    assert header == [name for name, _ in FIXED_COLUMNS] + VARS + ["memo"]
    assert [r[0] for r in rows] == ["C01", "C02", "C03", "C04", "C05", "C06", "C07"]
    first = rows[0]
    assert first[1:4] == ["D1", "INF-D1", "Anna"]
    assert first[5] == TRICKY[0]
    assert first[4].endswith("Anna: Well.")          # context before, in its own column
    assert first[6].startswith("And so on.")         # context after
    assert rows[6][5] == PLAIN


def test_sheet_context_is_grey_italic_and_text_is_wrapped(book):
    ws = openpyxl.load_workbook(book)["Coding"]
    assert ws["E2"].font.italic and ws["E2"].font.color.rgb.endswith("808080")
    assert ws["G2"].font.italic
    assert not ws["F2"].font.italic
    assert ws["F2"].alignment.wrap_text
    assert ws.column_dimensions["F"].width >= 60


def test_sheet_has_a_dropdown_per_variable_with_the_definition_as_input_message(book):
    ws = openpyxl.load_workbook(book)["Coding"]
    by_col = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    kind = by_col["I"]
    assert kind.type == "list" and kind.formula1 == '"alpha,beta"'
    assert str(kind.sqref) == "I2:I8"
    assert kind.promptTitle == "Kind"
    assert kind.prompt.startswith("Which kind of thing happened.")
    assert kind.showInputMessage and kind.showErrorMessage and kind.allow_blank
    count = by_col["L"]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_sheet_freezes_header_and_id_columns_and_prints_landscape_fit_to_width(book):
    ws = openpyxl.load_workbook(book)["Coding"]
    assert ws.freeze_panes == "C2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_sheet_has_a_codebook_sheet_with_every_definition_and_example(project, book):
    ws = openpyxl.load_workbook(book)["Codebook"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    for var in project.codebook.variables:
        assert var.id in cells and var.definition in cells
        for val in var.values:
            assert val.definition in cells
    assert "• x\n• y" in cells   # the examples of kind's values


def test_sheet_metadata_identifies_project_coder_codebook_and_case_order(project, tmp_path):
    path = tmp_path / "b.xlsx"
    result = write_sheet(project, "ines", path, seed=5)
    wb = openpyxl.load_workbook(path)
    assert wb["_duocode"].sheet_state == "veryHidden"
    assert wb["_duocode"].protection.sheet
    meta = read_meta_sheet(wb, str(path))
    assert meta["kind"] == "coding"
    assert meta["project_id"] == project.project_id
    assert meta["coder"] == "ines"
    assert (meta["codebook_id"], meta["codebook_version"], meta["codebook_sha256"]) == (
        "mini", "0.1", project.codebook.sha256)
    assert join_chunks(meta, "case_ids") == result.case_ids == [r[0] for r in sheet_rows(path)[1]]
    assert meta["variables"] == VARS
    assert meta["seed"] == 5


def test_sheet_random_order_is_seeded_per_coder(project, tmp_path):
    a1 = write_sheet(project, "ines", tmp_path / "a1.xlsx", seed=3).case_ids
    a2 = write_sheet(project, "ines", tmp_path / "a2.xlsx", seed=3).case_ids
    b = write_sheet(project, "jonas", tmp_path / "b.xlsx", seed=3).case_ids
    assert a1 == a2
    assert sorted(a1) == sorted(b)
    ids = [f"C{i:03d}" for i in range(50)]
    assert case_order(ids, "ines", 3) != case_order(ids, "jonas", 3)
    assert case_order(ids, "ines", 3) != case_order(ids, "ines", 4)


def test_sheet_restricts_cases_and_variables(project, tmp_path):
    path = tmp_path / "part.xlsx"
    write_sheet(project, "ines", path, cases="C03,C01", variables=["mood", "kind"], order="document")
    header, rows = sheet_rows(path)
    assert header[len(FIXED_COLUMNS):] == ["kind", "mood", "memo"]
    assert [r[0] for r in rows] == ["C01", "C03"]


def test_sheet_prefills_only_this_coders_own_codes_and_memo(project, tmp_path):
    set_codes_for(project, "ines", {"C02": {"kind": "beta", "count": "4"}}, memos={"C02": "my own note"})
    set_codes_for(project, "jonas", {"C02": {"kind": "alpha", "count": "9"}})
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    header, rows = sheet_rows(path)
    row = rows[1]
    assert (row[header.index("kind")], row[header.index("count")], row[header.index("memo")]) == (
        "beta", 4, "my own note")


def test_sheet_is_blind_to_other_coders_consensus_and_precoder_in_every_xml_part(project, tmp_path):
    from duocode.store.codes import CodeRow, set_codes

    set_codes_for(project, "bertha-secret", {"C01": {"count": "987654", "kind": "beta"}},
                  memos={"C01": "MEMO-OF-BERTHA"})
    with project.transaction():
        set_codes(project, [CodeRow("C01", "count", "consensus", "424242", reason="CONSENSUS-REASON"),
                            CodeRow("C02", "count", "precoder", "313131", confidence=0.5,
                                    explanation="PRECODER-EXPLANATION")])
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path)
    parts = xml_parts(path)
    assert len(parts) > 5
    for name, xml in parts.items():
        for secret in ("987654", "MEMO-OF-BERTHA", "bertha-secret", "424242", "CONSENSUS-REASON", "313131",
                       "PRECODER-EXPLANATION", "precoder", "consensus"):
            assert secret not in xml, f"{secret} found in {name}"
    header, rows = sheet_rows(path)
    for row in rows:
        assert all(v is None for v in row[len(FIXED_COLUMNS):])


def allow_suggestions(project):
    with project.transaction():
        project.set_setting("hide_suggestions", False)


def test_sheet_with_suggestions_is_refused_while_the_project_hides_them_and_writes_nothing(project, runner,
                                                                                           tmp_path):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.8)])
    assert project.settings["hide_suggestions"] is True          # the default
    before = snapshot(project)
    with pytest.raises(RefusedError, match="hides pre-coder suggestions"):
        write_sheet(project, "ines", tmp_path / "a.xlsx", with_suggestions=True)
    result = runner.invoke(duocode.cli.main, ["sheet", "--coder", "ines", "-o", str(tmp_path / "b.xlsx"),
                                              "--with-suggestions", "--project", str(project.directory)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the project hides pre-coder suggestions from coders (the default, to keep their judgements "
        "independent); a methodologist can allow them with `duocode precode settings --show-suggestions`\n")
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
    assert snapshot(project) == before


def test_sheet_shows_suggestions_only_when_the_setting_allows_and_they_are_asked_for(project, runner, tmp_path):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.8)])
    result = runner.invoke(duocode.cli.main, ["precode", "settings", "--show-suggestions", "--project",
                                              str(project.directory)])
    assert result.exit_code == 0, result.output
    write_sheet(project, "ines", tmp_path / "plain.xlsx")
    assert not any(str(h).startswith("precoder suggestion") for h in sheet_rows(tmp_path / "plain.xlsx")[0])
    write_sheet(project, "ines", tmp_path / "shown.xlsx", with_suggestions=True)
    assert "precoder suggestion: kind" in sheet_rows(tmp_path / "shown.xlsx")[0]


def test_sheet_with_suggestions_shows_them_in_labelled_separate_columns_and_logs_it(project, tmp_path):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.8,
                                    explanation="keyword 'remembered'")])
    set_codes_for(project, "bertha-secret", {"C02": {"count": "987654"}})
    allow_suggestions(project)
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, with_suggestions=True, order="document")
    header, rows = sheet_rows(path)
    col = header.index("precoder suggestion: kind")
    assert col > header.index("memo")
    assert rows[1][col] == "alpha (80%): keyword 'remembered'"
    assert rows[1][header.index("kind")] is None
    assert all("987654" not in xml for xml in xml_parts(path).values())
    shown = project.events(action="show_suggestions")
    assert [(e["coder"], e["entity_id"]) for e in shown] == [("ines", "ines")]


def test_sheet_without_suggestions_logs_no_showing(project, book):
    assert project.events(action="show_suggestions") == []
    assert [e["coder"] for e in project.events(action="sheet")] == ["ines"]


def test_sheet_writes_formula_like_texts_as_plain_strings_in_the_raw_xml(project, book):
    xml = xml_parts(book)["xl/worksheets/sheet1.xml"]
    assert "<f>" not in xml and "<f " not in xml
    cells = dict(re.findall(r'<c r="(F\d+)"([^>]*)>', xml))
    for ref in ("F2", "F3", "F4", "F5", "F6", "F7"):
        assert 't="inlineStr"' in cells[ref] or 't="s"' in cells[ref]
    ws = openpyxl.load_workbook(book)["Coding"]
    assert [ws[f"F{r}"].value for r in range(2, 8)] == TRICKY
    assert all(ws[f"F{r}"].data_type == "s" for r in range(2, 8))
    assert all(ws[f"F{r}"].quotePrefix for r in range(2, 8))


def test_sheet_refuses_reserved_coders_unknown_ids_and_non_xlsx_paths(project, tmp_path):
    with pytest.raises(RefusedError):
        write_sheet(project, "consensus", tmp_path / "c.xlsx")
    with pytest.raises(InputError) as err:
        write_sheet(project, "ines", tmp_path / "c.xlsx", cases="C01,C99", variables="kind,colour")
    assert [str(p) for p in err.value.problems] == [
        "unknown variable 'colour' in --variables (expected one of is_case, kind, good, mood, count)"]
    with pytest.raises(InputError, match="unknown case id 'C99'"):
        write_sheet(project, "ines", tmp_path / "c.xlsx", cases="C01,C99")
    with pytest.raises(InputError, match="must be written as .xlsx"):
        write_sheet(project, "ines", tmp_path / "c.xls")
    assert not (tmp_path / "c.xlsx").exists()


def test_sheet_refuses_a_project_without_cases(mini_project, tmp_path):
    with pytest.raises(InputError, match="no cases to code"):
        write_sheet(mini_project, "ines", tmp_path / "c.xlsx")


def test_sheet_cli_writes_the_workbook_and_reports_json(project, runner, tmp_path):
    path = tmp_path / "cli.xlsx"
    result = runner.invoke(duocode.cli.main, ["sheet", "--coder", "ines", "-o", str(path), "--seed", "2",
                                              "--format", "json", "--project", str(project.directory)])
    assert result.exit_code == 0, result.output
    assert '"cases": 7' in result.stdout
    assert path.exists()


def test_sheet_cli_refuses_the_consensus_coder_with_exit_1(project, runner, tmp_path):
    before = snapshot(project)
    result = runner.invoke(duocode.cli.main, ["sheet", "--coder", "consensus", "-o", str(tmp_path / "x.xlsx"),
                                              "--project", str(project.directory)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'consensus' is a reserved coder name")
    assert snapshot(project) == before


def test_metadata_lists_are_chunked_below_the_cell_limit():
    ids = [f"CASE-{i:06d}" for i in range(10_000)]
    parts = chunk_list(ids, budget=20_000)
    assert len(parts) > 1
    assert sum(parts, []) == ids
    meta = {"ids_chunks": len(parts), **{f"ids_{i}": p for i, p in enumerate(parts)}}
    assert join_chunks(meta, "ids") == ids


@pytest.fixture
def long_project(tmp_path):
    from coding_helpers import DATA, build_documents_and_cases
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "long", load_codebook(DATA / "long_list_codebook.yaml"))
    build_documents_and_cases(project)
    yield project
    project.close()


def test_sheet_puts_a_long_value_list_on_a_hidden_lists_sheet_and_truncates_input_messages(long_project, tmp_path):
    from coding_helpers import fill

    from duocode.coding.importsheet import import_sheet
    from duocode.store.codes import codes_by_case

    path = tmp_path / "long.xlsx"
    write_sheet(long_project, "ines", path, order="document")
    wb = openpyxl.load_workbook(path)
    assert wb["Lists"].sheet_state == "hidden"
    assert [wb["Lists"].cell(row=i, column=1).value for i in (1, 30)] == ["brand_number_01", "brand_number_30"]
    dvs = {str(dv.sqref)[0]: dv for dv in wb["Coding"].data_validations.dataValidation}
    brand, score = dvs["H"], dvs["I"]
    assert brand.formula1 == "'Lists'!$A$1:$A$30"
    assert len(brand.promptTitle) <= 32 and brand.promptTitle.endswith("…")
    assert len(brand.prompt) <= 255
    assert brand.prompt.startswith("Which brand the informant talks about")
    assert brand.prompt.endswith("… Choose from the dropdown (every value is on the Codebook sheet).")
    assert score.type == "decimal"
    fill(path, {"C01": {"brand": "BRAND_NUMBER_30", "score": -2.5}})
    import_sheet(long_project, path)
    assert codes_by_case(long_project, "ines") == {"C01": {"brand": "brand_number_30", "score": "-2.5"}}


@pytest.mark.parametrize("memo", ["=HYPERLINK(\"http://x\")", "+1", "-1", "@x", "\tx", "\rx"])
def test_sheet_writes_a_formula_like_own_memo_as_text_and_no_part_has_a_formula(project, tmp_path, memo):
    set_codes_for(project, "=ines", {}, memos={"C01": memo})
    path = tmp_path / "m.xlsx"
    write_sheet(project, "=ines", path, order="document")
    for name, xml in xml_parts(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    ws = openpyxl.load_workbook(path)["Coding"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("memo") + 1)
    assert (cell.value, cell.data_type) == (memo, "s")
    assert read_meta_sheet(openpyxl.load_workbook(path), str(path))["coder"] == "=ines"


def test_values_equal_to_shown_suggestions_are_logged_as_accepted_from_precoder(project, tmp_path):
    from coding_helpers import fill

    from duocode.coding.importsheet import import_sheet
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.8)])
    allow_suggestions(project)
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, with_suggestions=True, order="document")
    fill(path, {"C02": {"kind": "alpha", "good": "yes"}})
    import_sheet(project, path)
    taken = [(e["entity_id"], e["variable"]) for e in project.events(action="accepted-from-precoder")]
    assert taken == [("C02", "kind")]
    assert [(e["entity_id"], e["variable"]) for e in project.events(action="code") if e["coder"] == "ines"] == [
        ("C02", "good")]


def test_without_suggestions_shown_a_value_equal_to_the_precoder_is_the_coders_own(project, tmp_path):
    from coding_helpers import fill

    from duocode.coding.importsheet import import_sheet
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "alpha", confidence=0.8)])
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    fill(path, {"C02": {"kind": "alpha"}})
    import_sheet(project, path)
    assert project.events(action="accepted-from-precoder") == []


def test_sheet_writes_the_workbook_with_the_usual_file_permissions(project, tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        write_sheet(project, "ines", tmp_path / "a.xlsx")
        os.umask(0o002)
        write_sheet(project, "ines", tmp_path / "b.xlsx")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.xlsx").stat().st_mode & 0o777 == 0o664
    assert not list(tmp_path.glob(".duocode-*"))
