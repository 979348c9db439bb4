"""Word documents: paragraphs with speaker prefixes, generated here with python-docx."""
import pytest

from duocode.errors import InputError
from duocode.ingest import parse_file


def _write_docx(path, paragraphs, table=None):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    return path


def test_docx_paragraphs_with_speaker_prefixes_become_turns(tmp_path):
    path = _write_docx(tmp_path / "W01.docx", [
        "Interview W01, 12 March", "",
        "Interviewer: Which bank do you use?",
        "Rosa: The small cooperative one. They phoned me on my birthday,",
        "which was a bit much, honestly.",
        "Interviewer: A bit much?",
    ])
    doc = parse_file(path)
    assert doc.id == "W01" and doc.format == "docx" and doc.encoding is None
    assert doc.text == ("Interview W01, 12 March\n\nInterviewer: Which bank do you use?\n"
                        "Rosa: The small cooperative one. They phoned me on my birthday,\n"
                        "which was a bit much, honestly.\nInterviewer: A bit much?")
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        (None, "Interview W01, 12 March"),
        ("Interviewer", "Interviewer: Which bank do you use?"),
        ("Rosa", "Rosa: The small cooperative one. They phoned me on my birthday,\nwhich was a bit much, honestly."),
        ("Interviewer", "Interviewer: A bit much?"),
    ]


def test_docx_tables_are_kept_as_tab_separated_lines(tmp_path):
    path = _write_docx(tmp_path / "W02.docx", ["Interviewer: Before the table."],
                       table=[["Informant", "W02"], ["Age", "40-49"]])
    doc = parse_file(path)
    assert doc.text == "Interviewer: Before the table.\nInformant\tW02\nAge\t40-49"


def test_docx_without_text_is_refused(tmp_path):
    path = _write_docx(tmp_path / "W03.docx", ["", "  "])
    with pytest.raises(InputError, match="no text"):
        parse_file(path)


def test_file_that_is_not_a_docx_is_refused(tmp_path):
    path = tmp_path / "W04.docx"
    path.write_bytes(b"PK\x03\x04 this is a broken zip")
    with pytest.raises(InputError, match="cannot be read as a Word .docx") as exc:
        parse_file(path)
    assert exc.value.path == str(path)
