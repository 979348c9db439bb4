"""Reading coder workbooks back: the two-coder round trip, re-imports, re-saved files and every bad input."""
from __future__ import annotations

import shutil
import subprocess
import sys
import types

import openpyxl
import pytest

import duocode.cli
from coding_helpers import DATA, fill, set_codes_for, snapshot
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


def test_import_refuses_an_unknown_case_id(project, runner, book):
    fill(book, {"C02": {"kind": "alpha"}})
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A3"].value = "C99"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A3: found 'C99', expected case id 'C02' (rows cannot be deleted, inserted, "
        "sorted or renamed)"]


def test_import_refuses_a_duplicated_case_id(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A4"].value = "C02"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A4: found 'C02', expected case id 'C03' (rows cannot be deleted, inserted, "
        "sorted or renamed; case C02 was written in row 3)"]


def test_import_refuses_a_deleted_row_naming_the_missing_case(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"].delete_rows(4)
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A4: found 'C04', expected case id 'C03' (rows cannot be deleted, inserted, "
        "sorted or renamed)"]


def test_import_refuses_an_added_row(project, runner, book):
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A9"].value = "C08"
    wb["Coding"]["I9"].value = "alpha"
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A9: found 'C08', expected no row here (rows cannot be added, copied or moved)"]


def test_import_refuses_sorted_rows(project, runner, book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Coding"]
    ws["A2"].value, ws["A3"].value = "C02", "C01"
    wb.save(book)
    lines = refused(project, runner, book)
    assert len(lines) == 2
    assert all("rows cannot be" in line for line in lines)


def test_import_lists_structure_and_value_problems_together(project, runner, book):
    fill(book, {"C05": {"mood": "huge"}})
    wb = openpyxl.load_workbook(book)
    wb["Coding"]["A3"].value = None
    wb.save(book)
    assert refused(project, runner, book) == [
        "Error: ines.xlsx:Coding!A3: found a blank cell, expected case id 'C02' (rows cannot be deleted, "
        "inserted, sorted or renamed)",
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


def _rewrite_meta(path, **changes):
    wb = openpyxl.load_workbook(path)
    meta = read_meta_sheet(wb, str(path))
    meta.update(changes)
    del wb["_duocode"]
    write_meta_sheet(wb, meta)
    wb.save(path)


def test_import_refuses_a_workbook_for_another_codebook_version(project, runner, book):
    _rewrite_meta(book, codebook_version="0.0")
    assert refused(project, runner, book) == [
        "Error: ines.xlsx: the workbook was written for codebook mini version 0.0; the project's codebook is mini "
        "version 0.1 (expected a workbook for the current codebook: write a new one with `duocode sheet`)"]


def test_import_refuses_a_workbook_for_a_changed_codebook_of_the_same_version(project, runner, book):
    _rewrite_meta(book, codebook_sha256="0" * 64)
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


def test_import_hands_a_reconcile_workbook_to_the_reconcile_importer(project, book, monkeypatch):
    _rewrite_meta(book, kind="reconcile")
    calls = []
    fake = types.ModuleType("duocode.audit.reconcile")
    fake.import_reconcile_sheet = lambda project, path, workbook, meta: calls.append((path, meta["kind"])) or "ok"
    monkeypatch.setitem(sys.modules, "duocode.audit.reconcile", fake)
    assert import_sheet(project, book) == "ok"
    assert calls == [(book, "reconcile")]


def test_import_refuses_a_workbook_of_an_unknown_kind(project, book):
    _rewrite_meta(book, kind="audit")
    with pytest.raises(InputError, match="of kind 'audit'"):
        import_sheet(project, book)
