"""Reading coder workbooks back: the two-coder round trip, re-imports, re-saved files and every bad input."""
from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

import duocode.cli
from coding_helpers import DATA, fill, set_codes_for, sheet_rows, snapshot
from duocode.coding.importsheet import import_sheet
from duocode.coding.sheet import write_sheet
from duocode.errors import InputError
from duocode.store.codes import codes_by_case, memos
from duocode.xlsx import read_meta_sheet, write_meta_sheet


def run(runner, *args):
    return runner.invoke(duocode.cli.main, [str(a) for a in args])


def errors(result, path) -> list[str]:
    """stderr lines with the workbook's folder removed."""
    return [line.replace(str(path.parent) + "/", "") for line in result.stderr.splitlines()]


@pytest.fixture
def book(project, tmp_path):
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    return path


# -- the round trip --------------------------------------------------------------------------------------------
def test_two_coder_round_trip_sheet_fill_import_export(project, runner, tmp_path):
    proj = project.directory
    for coder in ("ines", "jonas"):
        assert run(runner, "sheet", "--coder", coder, "-o", tmp_path / f"{coder}.xlsx", "--project", proj
                   ).exit_code == 0
    fill(tmp_path / "ines.xlsx", {"C01": {"kind": "alpha", "mood": "high", "count": 2},
                                  "C05": {"is_case": "yes", "good": "no"}}, memo={"C05": "unsure about good"})
    fill(tmp_path / "jonas.xlsx", {"C01": {"kind": "beta", "mood": "high", "count": 2},
                                   "C05": {"is_case": "yes", "good": "yes"}})
    for coder in ("ines", "jonas"):
        result = run(runner, "import-sheet", tmp_path / f"{coder}.xlsx", "--project", proj)
        assert result.exit_code == 0, result.output
    ines = run(runner, "codes", "export", "--coder", "ines", "--project", proj)
    jonas = run(runner, "codes", "export", "--coder", "jonas", "--project", proj)
    assert ines.stdout == "case_id,is_case,kind,good,mood,count\nC01,,alpha,,high,2\nC05,yes,,no,,\n"
    assert jonas.stdout == "case_id,is_case,kind,good,mood,count\nC01,,beta,,high,2\nC05,yes,,yes,,\n"
    assert memos(project, "ines") == {"C05": "unsure about good"}
    assert memos(project, "jonas") == {}


def test_import_takes_the_coder_from_the_workbook_and_logs_the_file(project, book):
    fill(book, {"C02": {"kind": "beta"}})
    result = import_sheet(project, book)
    assert (result.coder, result.counts["added"]) == ("ines", 1)
    event = [e for e in project.events(entity="code")][-1]
    assert (event["coder"], event["entity_id"], event["variable"], event["new_value"], event["source_file"]) == (
        "ines", "C02", "kind", "beta", str(book))
    assert project.events(action="import")[-1]["entity"] == "workbook"


def test_reimport_of_a_corrected_workbook_updates_the_codes_and_logs_each_change(project, book):
    fill(book, {"C02": {"kind": "beta", "mood": "low"}})
    import_sheet(project, book)
    fill(book, {"C02": {"kind": "alpha"}})
    result = import_sheet(project, book)
    assert result.counts == {"added": 0, "changed": 1, "removed": 0, "unchanged": 1}
    assert codes_by_case(project, "ines") == {"C02": {"kind": "alpha", "mood": "low"}}
    changes = [(e["old_value"], e["new_value"]) for e in project.events(entity="code") if e["variable"] == "kind"]
    assert changes == [(None, "beta"), ("beta", "alpha")]


def test_clearing_a_prefilled_cell_removes_the_code_but_a_blank_never_written_keeps_it(project, tmp_path):
    set_codes_for(project, "ines", {"C01": {"kind": "alpha"}})
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    # Coded elsewhere (e.g. in the terminal) after the workbook was written: the blank cell must not erase it.
    set_codes_for(project, "ines", {"C03": {"kind": "beta"}})
    fill(path, {"C01": {"kind": None}})
    result = import_sheet(project, path)
    assert codes_by_case(project, "ines") == {"C03": {"kind": "beta"}}
    assert result.counts["removed"] == 1


def test_import_tolerates_a_resave_with_floats_empty_strings_spaces_case_and_no_dropdowns(project, book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Coding"]
    ws.data_validations.dataValidation = []
    header = [c.value for c in ws[1]]
    row = {c: i for i, c in enumerate(header)}
    cells = list(ws.iter_rows(min_row=2))
    cells[0][row["count"]].value = 3.0
    cells[0][row["kind"]].value = "  Alpha  "
    cells[0][row["mood"]].value = "Middle"
    cells[1][row["kind"]].value = ""
    cells[1][row["good"]].value = "YES "
    cells[1][row["memo"]].value = "note with trailing space   "
    for r in cells[2:]:
        for c in r[row["is_case"]:]:
            c.value = ""
    wb["_duocode"].sheet_state = "hidden"
    wb.save(book)
    import_sheet(project, book)
    assert codes_by_case(project, "ines") == {"C01": {"count": "3", "kind": "alpha", "mood": "mid"},
                                              "C02": {"good": "yes"}}
    assert memos(project, "ines") == {"C02": "note with trailing space"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_import_reads_a_workbook_resaved_by_libreoffice(project, book, tmp_path):
    from duocode.xlsx import set_text

    fill(book, {"C01": {"kind": "beta", "count": 7}, "C04": {"mood": "low"}})
    wb = openpyxl.load_workbook(book)
    header = [c.value for c in wb["Coding"][1]]
    set_text(wb["Coding"].cell(row=5, column=header.index("memo") + 1), "=not a formula")
    wb.save(book)
    out = tmp_path / "lo"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(out), str(book)], capture_output=True,
                          timeout=180)
    resaved = out / "ines.xlsx"
    if done.returncode != 0 or not resaved.exists():
        pytest.skip(f"LibreOffice could not convert the workbook: {done.stderr.decode(errors='replace')}")
    result = import_sheet(project, resaved)
    assert result.coder == "ines"
    assert codes_by_case(project, "ines") == {"C01": {"kind": "beta", "count": "7"}, "C04": {"mood": "low"}}
    assert memos(project, "ines") == {"C04": "=not a formula"}


# -- bad input: each exits 1, lists every problem with its cell, writes nothing -------------------------------
def refused(project, runner, path):
    before = snapshot(project)
    result = run(runner, "import-sheet", path, "--project", project.directory)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert snapshot(project) == before
    return errors(result, path)


def test_import_refuses_an_invalid_value_naming_the_cell(project, runner, book):
    fill(book, {"C01": {"kind": "alpha"}, "C02": {"kind": "gamma", "count": "many"}, "C03": {"count": -2}})
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!I3: found 'gamma', expected one of alpha, beta",
        "Error: ines.xlsx:Coding!L3: found 'many', expected a whole number >= 0",
        "Error: ines.xlsx:Coding!L4: found '-2', expected a whole number >= 0"]


def test_import_refuses_an_unknown_variable_column(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["I1"].value = "colour"
    wb["Coding"]["O1"].value = "my notes"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!I1: found 'colour', expected the column header 'kind' (columns cannot be "
        "renamed, moved or deleted)",
        "Error: ines.xlsx:Coding!O1: found 'my notes', expected no column here (columns cannot be added; use the "
        "memo column)"]


def test_import_refuses_values_typed_outside_the_table(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["O3"].value = "a note"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!O3: found 'a note', expected an empty cell outside the table (write notes in the "
        "memo column)"]


def test_import_refuses_a_deleted_column(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"].delete_cols(5)
    wb.save(book)
    lines = refused(project, runner, book)
    assert lines[0] == ("Error: ines.xlsx:Coding!E1: found 'case text', expected the column header "
                        "'context before' (columns cannot be renamed, moved or deleted)")


MISSING = ("Error: ines.xlsx:Coding: no row holds case {} (its row was deleted or its case id changed) (expected "
           "every case the workbook was written with, once (rows may be sorted))")


def test_import_refuses_an_unknown_case_id_and_names_the_case_no_row_holds(project, runner, book):
    fill(book, {"C02": {"kind": "alpha"}})
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A3"].value = "C99"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A3: found 'C99', expected one of the case ids the workbook was written with "
        "(rows cannot be added and case ids cannot be changed)",
        MISSING.format("C02")]


def test_import_refuses_a_duplicated_case_id_once(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A4"].value = "C02"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A4: found 'C02', expected each case once (case C02 is also in row 3; rows cannot "
        "be copied)",
        MISSING.format("C03")]


def test_import_refuses_a_deleted_row_naming_only_the_missing_case(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"].delete_rows(4)
    wb.save(book)
    assert refused(project, runner, book) == [MISSING.format("C03")]


def test_import_refuses_an_added_row_with_an_unknown_id(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A9"].value = "C08"
    wb["Coding"]["I9"].value = "alpha"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A9: found 'C08', expected one of the case ids the workbook was written with "
        "(rows cannot be added and case ids cannot be changed)"]


def test_import_refuses_a_row_for_a_project_case_the_workbook_was_not_written_with(project, runner, tmp_path):
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, cases="C01,C02", order="document")
    wb = openpyxl.load_workbook(path)
    wb["Coding"]["A4"].value = "C05"
    wb["Coding"]["I4"].value = "alpha"
    wb.save(path)
    assert refused(project, runner, path) == [
        "Error: ines.xlsx:Coding!A4: found 'C05', expected one of the case ids the workbook was written with "
        "(case C05 was not written to this workbook; rows cannot be added (write a workbook with it with "
        "`duocode sheet`))"]


def _sort_rows(path, key):
    """Reorder the data rows of the Coding sheet like a spreadsheet's sort does: whole rows move."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Coding"]
    rows = [[(c.value, c.data_type) for c in r] for r in ws.iter_rows(min_row=2)]
    for i, row in enumerate(sorted(rows, key=key), start=2):
        for j, (value, kind) in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            cell.value = value
            if kind == "s" and value is not None:
                cell.data_type = "s"
    wb.save(path)


def test_import_reads_rows_sorted_by_case_id_by_their_case_id(project, runner, tmp_path):
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path)                  # random order
    fill(path, {"C01": {"kind": "alpha"}, "C04": {"mood": "low", "count": 3}, "C07": {"good": "no"}},
         memo={"C04": "sorted"})
    _sort_rows(path, key=lambda row: row[0][0])
    header, rows = sheet_rows(path)
    assert [r[0] for r in rows] == [f"C0{i}" for i in range(1, 8)]
    result = run(runner, "import-sheet", path, "--project", project.directory)
    assert result.exit_code == 0, result.output
    assert codes_by_case(project, "ines") == {"C01": {"kind": "alpha"}, "C04": {"mood": "low", "count": "3"},
                                              "C07": {"good": "no"}}
    assert memos(project, "ines") == {"C04": "sorted"}


def test_import_reads_two_swapped_rows_by_their_case_id(project, book):
    fill(book, {"C02": {"kind": "beta"}, "C03": {"kind": "alpha"}})
    _sort_rows(book, key=lambda row: {"C02": "C03", "C03": "C02"}.get(row[0][0], row[0][0]))
    assert [r[0] for r in sheet_rows(book)[1][:3]] == ["C01", "C03", "C02"]
    import_sheet(project, book)
    assert codes_by_case(project, "ines") == {"C02": {"kind": "beta"}, "C03": {"kind": "alpha"}}


def test_import_lists_structure_and_value_problems_together(project, runner, book):
    fill(book, {"C05": {"mood": "huge"}})
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A3"].value = None
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A3: found a blank cell, expected the row's case id (the case_id column cannot be "
        "cleared)",
        MISSING.format("C02"),
        "Error: ines.xlsx:Coding!K6: found 'huge', expected one of low, mid, high"]


def test_import_refuses_a_workbook_without_its_metadata_sheet(project, runner, book):
    wb = openpyxl.load_workbook(book)
    del wb["_duocode"]
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx: the workbook has no '_duocode' metadata sheet; it was not written by duocode or its "
        "hidden sheet was removed (expected a workbook written by duocode)"]


def test_import_refuses_a_workbook_whose_metadata_was_edited(project, runner, book):
    wb = openpyxl.load_workbook(book)
    ws = wb["_duocode"]
    for row in ws.iter_rows():
        if row[0].value == "coder":
            row[1].value = '"jonas"'
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:_duocode!A1: the hidden metadata sheet was edited (expected the metadata exactly as "
        "duocode wrote it)"]


def test_import_refuses_a_renamed_coding_sheet(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"].title = "Mine"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx: the 'Coding' sheet is missing (renamed or deleted) (expected the workbook's sheet "
        "'Coding' as duocode wrote it)"]


def test_import_refuses_a_workbook_from_another_project(project, runner, tmp_path):
    from coding_helpers import build_documents_and_cases
    from duocode.codebook import load_codebook
    from duocode.store import Project

    other = Project.create(tmp_path / "other", load_codebook(project.codebook.source.split(" (")[0]))
    try:
        build_documents_and_cases(other)
        path = tmp_path / "other.xlsx"
        write_sheet(other, "ines", path)
    finally:
        other.close()
    lines = refused(project, runner, path)
    assert len(lines) == 1
    assert lines[0].startswith("Error: other.xlsx: the workbook belongs to another project (project id ")
    assert lines[0].endswith("(expected a workbook written by `duocode sheet` for this project)")


def _rewrite_meta(path, project, **changes):
    """Rewrite the metadata as duocode would have written it (signed with the project's key)."""
    wb = openpyxl.load_workbook(path)
    meta = read_meta_sheet(wb, str(path))
    meta.update(changes)
    del wb["_duocode"]
    write_meta_sheet(wb, meta, key=project.workbook_key)
    wb.save(path)


def test_import_refuses_a_workbook_for_another_codebook_version(project, runner, book):
    _rewrite_meta(book, project, codebook_version="0.0")
    assert refused(project, runner, book) == [
        "Error: ines.xlsx: the workbook was written for codebook mini version 0.0; the project's codebook is mini "
        "version 0.1 (expected a workbook for the current codebook: write a new one with `duocode sheet`)"]


def test_import_refuses_a_workbook_for_a_changed_codebook_of_the_same_version(project, runner, book):
    _rewrite_meta(book, project, codebook_sha256="0" * 64)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx: the codebook changed since the workbook was written (same version 0.1, different "
        "content) (expected a workbook for the current codebook: write a new one with `duocode sheet`)"]


@pytest.mark.parametrize("name, message", [
    ("encrypted.xlsx", "encrypted.xlsx: the workbook is password-protected (encrypted) or an old .xls file saved "
                       "as .xlsx (expected an unencrypted .xlsx workbook: remove the password and save again)"),
    ("corrupt.xlsx", "corrupt.xlsx: the workbook is corrupt (not a readable zip archive) (expected an .xlsx "
                     "workbook)"),
    ("codes.xls", "codes.xls: .xls files cannot be read here (expected an .xlsx workbook (save it as Excel "
                  "Workbook .xlsx))"),
    ("codes_good.csv", "codes_good.csv: .csv files cannot be read here (expected an .xlsx workbook (save it as "
                       "Excel Workbook .xlsx))"),
])
def test_import_refuses_protected_corrupt_xls_and_csv_files(project, runner, name, message):
    assert refused(project, runner, DATA / name) == [f"Error: {message}"]


def test_import_refuses_a_missing_workbook(project, runner, tmp_path):
    assert refused(project, runner, tmp_path / "nope.xlsx") == ["Error: nope.xlsx: file not found"]


def test_import_refuses_a_plain_workbook_not_written_by_duocode(project, runner, tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    assert refused(project, runner, path)[0].startswith("Error: plain.xlsx: the workbook has no '_duocode'")


def test_import_hands_a_workbook_of_another_kind_to_the_importer_the_caller_names(project, book):
    _rewrite_meta(book, project, kind="reconcile")
    calls = []
    importer = lambda project, path, workbook, meta: calls.append((path, meta["kind"])) or "ok"  # noqa: E731
    assert import_sheet(project, book, other_kinds={"reconcile": importer}) == "ok"
    assert calls == [(book, "reconcile")]
    with pytest.raises(InputError, match="of kind 'reconcile'"):   # without one, the coding importer refuses it
        import_sheet(project, book)


def test_import_refuses_a_workbook_of_an_unknown_kind(project, book):
    _rewrite_meta(book, project, kind="audit")
    with pytest.raises(InputError, match="of kind 'audit'"):
        import_sheet(project, book)


# -- a stale workbook never undoes later decisions ------------------------------------------------------------
FRESH = "(expected the project's value here, or a fresh workbook with the current codes: `duocode sheet --coder " \
        "ines -o FILE.xlsx`)"


def test_reimporting_an_old_workbook_after_a_later_codes_import_is_refused_naming_the_cell(project, runner, book,
                                                                                          tmp_path):
    fill(book, {"C02": {"kind": "beta", "mood": "low"}})
    assert run(runner, "import-sheet", book, "--project", project.directory).exit_code == 0
    later = tmp_path / "later.csv"
    later.write_text("case_id,kind\nC02,alpha\n")
    assert run(runner, "codes", "import", later, "--coder", "ines", "--project", project.directory).exit_code == 0
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!I3: the project value 'alpha' was changed after this workbook was last imported "
        f"(it had 'beta'); found 'beta' {FRESH}"]
    assert codes_by_case(project, "ines")["C02"] == {"kind": "alpha", "mood": "low"}


def test_a_workbook_filled_while_terminal_coding_changed_a_code_is_refused_for_that_cell(project, runner, book):
    set_codes_for(project, "ines", {"C01": {"kind": "alpha"}})       # e.g. `duocode code` after `sheet`
    fill(book, {"C01": {"kind": "beta", "mood": "high"}, "C03": {"good": "yes"}})
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!I2: the project value 'alpha' was changed after this workbook was written (it had "
        f"no value); found 'beta' {FRESH}"]


def test_a_later_removed_code_and_a_later_memo_are_conflicts_too(project, runner, tmp_path):
    set_codes_for(project, "ines", {"C01": {"kind": "alpha"}}, memos={"C02": "first thought"})
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    from duocode.store.codes import CodeRow, set_codes, set_memo

    with project.transaction():
        set_codes(project, [CodeRow("C01", "kind", "ines", None)])
        set_memo(project, "C02", "ines", "second thought")
    fill(path, {"C01": {"good": "no"}})
    assert refused(project, runner, path) == [
        "Error: ines.xlsx:Coding!I2: the project value was removed after this workbook was written (it had "
        f"'alpha'); found 'alpha' {FRESH}",
        f"Error: ines.xlsx:Coding!M3: the memo was changed in the project after this workbook was written; found "
        f"'first thought' {FRESH}"]


def test_cells_whose_project_value_did_not_change_still_import_next_to_later_changes(project, book):
    fill(book, {"C02": {"kind": "beta"}})
    import_sheet(project, book)
    set_codes_for(project, "ines", {"C02": {"mood": "high"}, "C05": {"kind": "alpha"}})
    fill(book, {"C02": {"kind": "alpha", "mood": "high"}, "C03": {"good": "no"}})   # equal to the project: fine
    result = import_sheet(project, book)
    assert result.counts == {"added": 1, "changed": 1, "removed": 0, "unchanged": 1}
    assert codes_by_case(project, "ines") == {"C02": {"kind": "alpha", "mood": "high"}, "C03": {"good": "no"},
                                              "C05": {"kind": "alpha"}}


def test_a_fresh_workbook_written_after_the_change_imports(project, book, tmp_path):
    fill(book, {"C02": {"kind": "beta"}})
    import_sheet(project, book)
    set_codes_for(project, "ines", {"C02": {"kind": "alpha"}})
    fresh = tmp_path / "fresh.xlsx"
    write_sheet(project, "ines", fresh, order="document")
    fill(fresh, {"C02": {"good": "yes"}})
    import_sheet(project, fresh)
    assert codes_by_case(project, "ines") == {"C02": {"kind": "alpha", "good": "yes"}}


def test_the_metadata_records_the_codes_and_memos_the_workbook_was_written_with(project, tmp_path):
    from duocode.coding.sheet import join_chunks, memo_hash

    set_codes_for(project, "ines", {"C03": {"kind": "beta", "count": "2"}}, memos={"C03": "note"})
    path = tmp_path / "ines.xlsx"
    write_sheet(project, "ines", path, order="document")
    meta = read_meta_sheet(openpyxl.load_workbook(path), str(path))
    assert join_chunks(meta, "written_codes")[2] == {"count": "2", "kind": "beta"}
    assert join_chunks(meta, "written_memos")[2] == memo_hash("note")
    assert join_chunks(meta, "written_codes")[0] == {}
    assert meta["written_at"] and meta["workbook_id"]
    assert project.events(action="sheet")[-1]["detail"].count(meta["workbook_id"]) == 1


# -- read-only columns ------------------------------------------------------------------------------------------
def test_import_refuses_edited_case_text_informant_and_context_naming_each_cell(project, runner, book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Coding"]
    ws["F3"].value = "A friendlier text."
    ws["C4"].value = "INF-X"
    ws["G2"].value = None
    ws["I5"].value = "alpha"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!G2: the context after the case was edited; it is read-only",
        "Error: ines.xlsx:Coding!F3: the case text was edited; it is read-only",
        "Error: ines.xlsx:Coding!C4: the informant was edited; it is read-only"]


def test_import_accepts_read_only_texts_that_differ_only_in_whitespace(project, book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Coding"]
    for r in range(2, 9):
        for col in "BCDEFG":
            value = ws[f"{col}{r}"].value
            if isinstance(value, str):
                ws[f"{col}{r}"].value = "  " + value.replace(" ", "\r\n ", 2) + "  "
    ws["I3"].value = "beta"
    wb.save(book)
    import_sheet(project, book)
    assert codes_by_case(project, "ines") == {"C02": {"kind": "beta"}}


# -- wording ----------------------------------------------------------------------------------------------------
def test_import_reports_a_boolean_typed_in_a_number_column_as_typed(project, runner, book):
    fill(book, {"C01": {"count": True}, "C02": {"good": True}})
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!L2: found TRUE, expected a whole number >= 0"]


def test_a_format_1_workbook_is_checked_against_changes_after_its_write_time(project, runner, book):
    wb = openpyxl.load_workbook(book)
    meta = read_meta_sheet(wb, str(book))
    for key in [k for k in meta if k == "workbook_id" or k.startswith("written_") and k != "written_at"]:
        del meta[key]
    meta["format"] = 1
    del wb["_duocode"]
    write_meta_sheet(wb, meta, key=project.workbook_key)
    wb.save(book)
    fill(book, {"C02": {"kind": "beta"}})
    import_sheet(project, book)
    fill(book, {"C02": {"kind": "alpha"}})
    import_sheet(project, book)                     # its own earlier import is no later change
    set_codes_for(project, "ines", {"C02": {"kind": "beta"}})
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!I3: the project value 'beta' was changed after this workbook was written (it had "
        f"'alpha'); found 'alpha' {FRESH}"]


def test_metadata_rewritten_without_the_projects_key_is_refused(project, runner, book):
    # Someone with the workbook but not the project changes the coder and recomputes a plain checksum.
    wb = openpyxl.load_workbook(book)
    meta = read_meta_sheet(wb, str(book))
    meta["coder"] = "jonas"
    del wb["_duocode"]
    write_meta_sheet(wb, meta)
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:_duocode!A1: the hidden metadata sheet was edited (expected the metadata exactly as "
        "duocode wrote it)"]
