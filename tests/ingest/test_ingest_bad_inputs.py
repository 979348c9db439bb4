"""Every bad input of issue 3 (ingest and cases) through the CLI: exit 1, one message naming the file and the
line, no traceback, and the project exactly as before."""
from pathlib import Path

import pytest

from ingest_helpers import snapshot
from duocode.cli import main
from duocode.ingest import ingest

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"


def _run(runner, project, args):
    before = snapshot(project)
    result = runner.invoke(main, args + ["--project", str(project.directory)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert snapshot(project) == before
    return lines[0]


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "empty.txt: the file is empty"),
    ("binary.txt", "binary.txt: contains NUL bytes: this looks like a binary file"),
    ("notes.rtf", "notes.rtf: unsupported file extension '.rtf' (expected one of .txt, .md, .docx, .pdf, .vtt, "
                  ".srt)"),
    ("notes.pdf", "notes.pdf: cannot be read as a PDF ("),
    ("undecodable.txt", "undecodable.txt:line 2: byte 0x81 at byte offset 40 decodes in no supported encoding"),
    ("malformed.vtt", "malformed.vtt:line 6: malformed cue timing '00:00:02.000 --> later'"),
    ("malformed.srt", "malformed.srt:line 5: subtitle number 2 is not followed by a timing line"),
])
def test_bad_transcript_file_exits_1_with_one_message_and_changes_nothing(runner, mini_project, name, message):
    line = _run(runner, mini_project, ["ingest", str(BAD / name)])
    assert line.startswith(f"Error: {BAD / name}")
    assert message in line


def test_path_that_does_not_exist(runner, mini_project):
    missing = str(DATA / "no_such_folder")
    line = _run(runner, mini_project, ["ingest", missing])
    assert line == f"Error: {missing}: the path does not exist (expected an existing file or folder)"


@pytest.mark.parametrize("name, message", [
    ("informants_no_informant_column.csv",
     ":line 1: missing column(s): informant (found: participant, sex)"),
    ("informants_unknown_document.csv",
     ":line 3: informant 'H99' names unknown document 'H99' (expected a stored or ingested document id: "
     "rev_style)"),
])
def test_bad_informants_csv(runner, mini_project, name, message):
    line = _run(runner, mini_project, ["ingest", str(DATA / "rev_style.txt"), "--informants", str(BAD / name)])
    assert line.startswith(f"Error: {BAD / name}{message}")


def test_missing_informants_csv(runner, mini_project):
    line = _run(runner, mini_project, ["ingest", str(DATA / "rev_style.txt"), "--informants",
                                       str(BAD / "none.csv")])
    assert line == f"Error: {BAD / 'none.csv'}: the file does not exist (expected an existing file)"


@pytest.fixture
def with_document(mini_project):
    ingest(mini_project, [DATA / "rev_style.txt"])
    return mini_project


@pytest.mark.parametrize("name, message", [
    ("cases_missing_column.csv", ":line 1: missing column(s): document (found: case_id, quote)"),
    ("cases_quote_not_found.csv", ":line 2: case C01: quote not found in document rev_style: "
                                  "'it greets me by my nickname'"),
    ("cases_quote_twice.csv", ":line 2: case C01: quote found more than once in document rev_style"),
    ("cases_start_after_end.csv", ":line 2: case C01: start 40 is after end 10 (expected start < end)"),
    ("cases_past_end.csv", ":line 2: case C01: end 857 is past the end of document rev_style (852 characters)"),
    ("cases_duplicate_id.csv", ":line 3: case C01 appears twice (first on line 2)"),
    ("cases_unknown_document.csv", ":line 2: case C01: unknown document 'H99'"),
])
def test_bad_cases_csv(runner, with_document, name, message):
    line = _run(runner, with_document, ["cases", "import", str(BAD / name)])
    assert line.startswith(f"Error: {BAD / name}{message}")


def test_case_id_already_stored(runner, with_document):
    runner.invoke(main, ["cases", "import", str(DATA / "cases_offsets.csv"), "--project",
                         str(with_document.directory)])
    line = _run(runner, with_document, ["cases", "import", str(DATA / "cases_offsets.csv")])
    assert line.startswith(f"Error: {DATA / 'cases_offsets.csv'}:line 2: case C11: the case id already exists")


def test_missing_cases_csv(runner, with_document):
    line = _run(runner, with_document, ["cases", "import", str(BAD / "none.csv")])
    assert line == f"Error: {BAD / 'none.csv'}: the file does not exist (expected an existing file)"
