"""Unicode- and quote-mark-tolerant case quotes, skipped files reported, CSV exports safe from formula injection."""
import csv
import io
import json
import unicodedata

import pytest

from duocode.cli import main
from duocode.errors import InputError
from duocode.ingest import documents_list, import_cases, ingest, list_cases_result
from duocode.store.documents import document_text
from duocode.render import tables

# Stored in NFC with typographic quote marks, apostrophes and dashes, as a word processor writes it.
TRANSCRIPT = ("Interviewer: How was the call?\n"
              "Anna: She said \u201cI\u2019ll remember you\u201d \u2014 and the caf\u00e9 did remember me.\n"
              "Anna: The r\u00e9sum\u00e9 page was odd.\n")


@pytest.fixture
def project(mini_project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "A1.txt").write_text(TRANSCRIPT, encoding="utf-8")
    ingest(mini_project, [folder])
    return mini_project


def _cases_csv(tmp_path, rows, name="cases.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["case_id", "document", "quote"])
        writer.writerows(rows)
    return path


# -- 1. quotes in decomposed Unicode or with straight quote marks ----------------------------------------------
def test_decomposed_unicode_quote_is_found_and_span_is_the_stored_text(project, tmp_path):
    quote = unicodedata.normalize("NFD", "the caf\u00e9 did remember me. Anna: The r\u00e9sum\u00e9 page")
    assert quote != unicodedata.normalize("NFC", quote)
    (case,) = import_cases(project, _cases_csv(tmp_path, [["C1", "A1", quote]])).cases
    stored = document_text(project, "A1")
    assert stored == TRANSCRIPT  # the stored text itself is never normalised
    assert case.text == stored[case.start:case.end]
    assert case.text == "the caf\u00e9 did remember me.\nAnna: The r\u00e9sum\u00e9 page"


def test_straight_quotes_and_hyphen_match_curly_quotes_and_em_dash_in_the_transcript(project, tmp_path):
    (case,) = import_cases(project, _cases_csv(tmp_path, [["C1", "A1", "\"I'll remember you\" - and"]])).cases
    stored = document_text(project, "A1")
    assert case.text == stored[case.start:case.end] == "\u201cI\u2019ll remember you\u201d \u2014 and"


def test_decomposed_text_in_the_document_matches_a_composed_quote(mini_project, tmp_path):
    (tmp_path / "B1.txt").write_text(unicodedata.normalize("NFD", TRANSCRIPT), encoding="utf-8")
    ingest(mini_project, [tmp_path / "B1.txt"])
    (case,) = import_cases(mini_project, _cases_csv(tmp_path, [["C1", "B1", "The r\u00e9sum\u00e9 page"]])).cases
    stored = document_text(mini_project, "B1")
    assert case.text == stored[case.start:case.end] == unicodedata.normalize("NFD", "The r\u00e9sum\u00e9 page")


def test_normalised_quote_found_twice_is_still_an_error(mini_project, tmp_path):
    (tmp_path / "B2.txt").write_text("A: caf\u00e9 \u2014 yes\nB: cafe\u0301 - yes\n", encoding="utf-8")
    ingest(mini_project, [tmp_path / "B2.txt"])
    with pytest.raises(InputError, match="found more than once"):
        import_cases(mini_project, _cases_csv(tmp_path, [["C1", "B2", "caf\u00e9 - yes"]]))


def test_quote_that_differs_in_letters_is_still_not_found(project, tmp_path):
    with pytest.raises(InputError, match="quote not found"):
        import_cases(project, _cases_csv(tmp_path, [["C1", "A1", "the cafe did remember me"]]))


# -- 2. files in a folder that are not transcripts are reported ------------------------------------------------
@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "bad1"
    folder.mkdir()
    (folder / "R01.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nAnna: hello there\n", encoding="utf-8")
    (folder / "R02.pages").write_bytes(b"%PDF-1.4 not a transcript")
    (folder / "notes.rtf").write_text("{\\rtf1 notes}", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0")
    (folder / "~$R03.docx").write_bytes(b"lock")
    return folder


def test_ingest_folder_reports_skipped_unsupported_files_but_not_hidden_ones(mini_project, bad_folder):
    result = ingest(mini_project, [bad_folder])
    assert result.ids("added") == ["R01"]
    reason_pages = "unsupported .pages; supported: .txt .md .docx .pdf .vtt .srt"
    assert result.to_dict()["skipped"] == [
        {"path": str(bad_folder / "R02.pages"), "reason": reason_pages},
        {"path": str(bad_folder / "notes.rtf"),
         "reason": "unsupported .rtf; supported: .txt .md .docx .pdf .vtt .srt"},
    ]
    lines = [str(t) for t in tables(result)]
    assert f"skipped {bad_folder / 'R02.pages'} ({reason_pages})" in lines


def test_ingest_cli_says_which_files_were_skipped_in_table_and_json(runner, mini_project, bad_folder):
    folder = str(mini_project.directory)
    out = runner.invoke(main, ["ingest", str(bad_folder), "--project", folder, "--format", "json"])
    assert out.exit_code == 0, out.output
    skipped = json.loads(out.stdout)["skipped"]
    assert [s["path"].rsplit("/", 1)[-1] for s in skipped] == ["R02.pages", "notes.rtf"]
    out = runner.invoke(main, ["ingest", str(bad_folder), "--project", folder])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.stdout.split())
    assert "R02.pages (unsupported .pages; supported: .txt .md .docx .pdf .vtt .srt)" in flat and "skipped" in flat


def test_folder_with_only_unsupported_files_names_them_in_the_error(mini_project, tmp_path):
    folder = tmp_path / "only_pages"
    folder.mkdir()
    (folder / "R02.pages").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"no transcript files in this folder \(only R02.pages\)"):
        ingest(mini_project, [folder])


# -- 3. CSV exports cannot smuggle formulas into a spreadsheet ------------------------------------------------
FORMULA = '=HYPERLINK("http://evil.example","click") they knew my name'


def test_cases_csv_export_prefixes_formula_cells_and_reimports_the_quote(mini_project, tmp_path):
    (tmp_path / "F1.txt").write_text("Intro line.\n" + FORMULA + "\n", encoding="utf-8")
    ingest(mini_project, [tmp_path / "F1.txt"])
    start = len("Intro line.\n")
    offsets = tmp_path / "offsets.csv"
    offsets.write_text(f"case_id,document,start,end\n-C1,F1,{start},{start + len(FORMULA)}\n", encoding="utf-8")
    import_cases(mini_project, offsets)

    exported = list_cases_result(mini_project).to_csv()
    (row,) = list(csv.DictReader(io.StringIO(exported)))
    assert row["text"] == "'" + FORMULA and row["case_id"] == "'-C1" and row["start"] == str(start)

    # The exported cells, re-imported as a quote (a new case id, same cells): the ' is taken off again.
    path = _cases_csv(tmp_path, [["C2", row["document"], row["text"]]], name="reimport.csv")
    from duocode.store import Project

    fresh = Project.create(tmp_path / "fresh", mini_project.codebook)
    try:
        ingest(fresh, [tmp_path / "F1.txt"])
        (case,) = import_cases(fresh, path).cases
        assert (case.start, case.text) == (start, FORMULA)
    finally:
        fresh.close()


def test_cases_csv_export_keeps_plain_cells_and_negative_numbers_unchanged(project, tmp_path):
    import_cases(project, _cases_csv(tmp_path, [["C1", "A1", "The r\u00e9sum\u00e9 page"]]))
    (row,) = list(csv.DictReader(io.StringIO(list_cases_result(project).to_csv())))
    assert row["text"] == "The r\u00e9sum\u00e9 page" and row["case_id"] == "C1"


def test_documents_csv_export_prefixes_an_id_that_looks_like_a_formula(mini_project, tmp_path):
    (tmp_path / "=1+1.txt").write_text("Anna: hello\n", encoding="utf-8")
    (tmp_path / "-5.txt").write_text("Anna: hi\n", encoding="utf-8")
    ingest(mini_project, [tmp_path / "=1+1.txt", tmp_path / "-5.txt"])
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(documents_list(mini_project).to_csv()))}
    assert set(rows) == {"'=1+1", "-5"}  # a plain number is left as it is
    assert rows["'=1+1"]["speakers"] == "Anna"


def test_reading_a_csv_drops_the_protective_quote_only_before_a_trigger(tmp_path):
    from duocode.rows import Column, TableSpec, read_rows

    path = tmp_path / "x.csv"
    path.write_text("informant,note\n'=P1,'+x\n'plain,'\n", encoding="utf-8")
    table = TableSpec("informants CSV", (Column("informant"),), header_expected="a header line", unknown="keep")
    assert [{**row.cells, **row.extras} for row in read_rows(path, table)] == [{"informant": "=P1", "note": "+x"},
                                                       {"informant": "'plain", "note": "'"}]
