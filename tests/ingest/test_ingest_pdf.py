"""PDF transcripts: the text layer rebuilt into paragraphs, page furniture dropped, scans and damaged files refused.

The small PDFs are written here by hand (one Helvetica text object per line at a given position), so each test
states exactly what is on the page; the real ones are MAXQDA exports in ../shared (skipped when absent).
"""
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest_helpers import snapshot
from duocode.cli import main
from duocode.errors import InputError
from duocode.ingest import ingest, parse_file
from duocode.ingest.pdf import PdfLayout, pdf_text

WIDTH, HEIGHT = 595, 842


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list) -> bytes:
    """A PDF 1.4 file; each page is a list of ``(x, top, text)`` lines (points, measured from the top left) or
    raw content-stream bytes."""
    objects: list[bytes | None] = [None, None,
                                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for page in pages:
        if isinstance(page, bytes):
            content = page
        else:
            content = "\n".join(f"BT /F1 10 Tf 1 0 0 1 {x} {HEIGHT - top} Tm ({_esc(text)}) Tj ET"
                                for x, top, text in page).encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources << /Font "
                       f"<< /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>".encode())
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (f"<< /Type /Pages /Count {len(kids)} /Kids [" + " ".join(f"{k} 0 R" for k in kids)
                  + "] >>").encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _lines(top: float, texts: list[str], x: float = 50, pitch: float = 12) -> list[tuple]:
    return [(x, top + i * pitch, text) for i, text in enumerate(texts)]


def _write(tmp_path, name: str, pages: list) -> str:
    path = tmp_path / name
    path.write_bytes(make_pdf(pages))
    return path


# -- wrapped and hyphenated lines ---------------------------------------------------------------------------------
def test_wrapped_and_hyphenated_lines_join_into_one_line_per_paragraph(tmp_path):
    page = (_lines(60, ["Interviewer: Thank you for coming. Could you tell me about the",
                        "last time the bank's app surprised you?"])
            + _lines(96, ["Respondent: It greeted me by name and remembered my usual transfer,",
                          "which was a non-",
                          "trivial thing for me. The conse-",
                          "quence was that I trusted it more, even during COVID-",
                          "19."])
            # no gap before this label: a speaker label opens a paragraph all the same
            + _lines(156, ["Interviewer: A consequence you did not expect?"]))
    doc = parse_file(_write(tmp_path, "R01.pdf", [page]))
    assert doc.id == "R01" and doc.format == "pdf" and doc.encoding is None
    assert doc.text == (
        "Interviewer: Thank you for coming. Could you tell me about the last time the bank's app surprised you?\n"
        # "consequence" is written unbroken elsewhere: a typesetter's break; "non-trivial" is not: a real hyphen
        "Respondent: It greeted me by name and remembered my usual transfer, which was a non-trivial thing for me. "
        "The consequence was that I trusted it more, even during COVID-19.\n"
        "Interviewer: A consequence you did not expect?")
    assert [(t.speaker, doc.text[t.start:t.end].split(":")[0]) for t in doc.turns] == [
        ("Interviewer", "Interviewer"), ("Respondent", "Respondent"), ("Interviewer", "Interviewer")]


def test_a_vertical_gap_starts_a_new_paragraph_inside_a_turn(tmp_path):
    page = (_lines(60, ["Respondent: First thought, which wraps onto", "a second line."])
            + _lines(96, ["Second thought, in a paragraph of its own."]))
    doc = parse_file(_write(tmp_path, "R02.pdf", [page]))
    assert doc.text == ("Respondent: First thought, which wraps onto a second line.\n"
                        "Second thought, in a paragraph of its own.")
    assert [(t.speaker, t.start, t.end) for t in doc.turns] == [("Respondent", 0, len(doc.text))]


# -- page furniture -----------------------------------------------------------------------------------------------
def _three_pages() -> list:
    pages = []
    bodies = [["Interviewer: When did you open the account?", "Respondent: I opened it in", "2019", "and then the app"],
              ["reminded me of it every month.", "Interviewer: Did that bother you?"],
              ["Respondent: Not really.", "Interviewer: Thank you."]]
    for number, body in enumerate(bodies, start=1):
        page = [(50, 30, f"Transcript R07, page {number} - confidential")]   # running header, its digit changing
        page += _lines(70, body)
        page.append((290, 812, f"Page {number} of 3"))                        # footer page number
        pages.append(page)
    pages[1].insert(0, (290, 18, "2"))                                         # a bare page number on top as well
    return pages


def test_page_numbers_and_running_headers_are_dropped(tmp_path):
    layout = PdfLayout()
    text = pdf_text(make_pdf(_three_pages()), "R07.pdf", layout)
    assert text == ("Interviewer: When did you open the account?\n"
                    # a bare number inside the page is what was said; the paragraph runs on over the page break
                    "Respondent: I opened it in 2019 and then the app reminded me of it every month.\n"
                    "Interviewer: Did that bother you?\n"
                    "Respondent: Not really.\n"
                    "Interviewer: Thank you.")
    assert layout.pages == 3
    assert layout.page_numbers == ["Page 1 of 3", "2", "Page 2 of 3", "Page 3 of 3"]
    assert layout.furniture == [f"Transcript R07, page {n} - confidential" for n in (1, 2, 3)]


@pytest.mark.parametrize("number", ["7", "- 7 -", "7/12", "7 of 12", "Page 7", "page 7 of 12", "p. 7"])
def test_page_number_forms_at_the_foot_of_a_page_are_dropped(number):
    text = pdf_text(make_pdf([_lines(60, ["Respondent: Yes."]) + [(290, 812, number)]]), "x.pdf")
    assert text == "Respondent: Yes."


def test_a_line_repeated_on_only_one_page_of_three_is_kept(tmp_path):
    pages = [_lines(60, ["Overview of the session", "Interviewer: Hello."]),
             _lines(60, ["Respondent: Hello to you.", "Interviewer: Shall we?"]),
             _lines(60, ["Respondent: Yes.", "Interviewer: Good."])]
    assert pdf_text(make_pdf(pages), "x.pdf").startswith("Overview of the session\nInterviewer: Hello.")


def test_margin_line_numbers_and_text_outside_the_page_are_dropped():
    body = ["Interviewer: So tell me about it.", "Respondent: It was a long story", "about 3 banks."]
    page = [(50, 60 + 12 * i, text) for i, text in enumerate(body)]
    page += [(20, 60 + 12 * i, str(i + 1)) for i in range(3)]          # line numbers, left of the text
    page += [(20, 900 + 12 * i, str(i + 4)) for i in range(5)]         # below the page: nobody sees them
    page.append((50, -40, "Hidden above the page"))
    layout = PdfLayout()
    text = pdf_text(make_pdf([page]), "x.pdf", layout)
    assert text == "Interviewer: So tell me about it.\nRespondent: It was a long story about 3 banks."
    assert layout.margin_numbers == 3


# -- files refused ------------------------------------------------------------------------------------------------
SCANNED_PAGE = (b"q 200 0 0 100 50 600 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q\n"
                b"0 0 1 rg 50 50 200 200 re f")


def test_a_scan_without_a_text_layer_is_refused_naming_the_file(tmp_path):
    path = _write(tmp_path, "S01.pdf", [SCANNED_PAGE, SCANNED_PAGE])
    with pytest.raises(InputError) as exc:
        parse_file(path)
    assert str(exc.value) == (
        f"{path}: the PDF has no text layer, no text on any page: a scanned document? (expected a PDF whose "
        "text can be selected; run OCR on a scan first, or supply the transcript as .txt or .docx)")


def test_a_scan_with_only_page_numbers_in_text_is_refused_too(tmp_path):
    pages = [SCANNED_PAGE + b"\nBT /F1 10 Tf 1 0 0 1 290 30 Tm (%d) Tj ET" % n for n in (1, 2)]
    with pytest.raises(InputError, match="no text layer, only page numbers, headers or footers"):
        pdf_text(make_pdf(pages), "S02.pdf")


@pytest.mark.parametrize("data, message", [
    (b"", "S03.pdf: the file is empty"),
    (b"Interviewer: this is text saved as .pdf\n", "S03.pdf: not a PDF file"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog", "S03.pdf: cannot be read as a PDF ("),
])
def test_empty_and_damaged_files_are_refused(data, message):
    with pytest.raises(InputError) as exc:
        pdf_text(data, "S03.pdf")
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_a_truncated_pdf_is_refused():
    data = make_pdf([_lines(60, ["Interviewer: Hello."])])
    with pytest.raises(InputError, match=r"^S04.pdf(:page 1)?: cannot be read as a PDF \("):
        pdf_text(data[: data.index(b"stream") + 20], "S04.pdf")


def _encrypted(user_password: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([_lines(60, ["Respondent: Hi."])]))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_a_password_protected_pdf_is_refused():
    with pytest.raises(InputError) as exc:
        pdf_text(_encrypted("open-sesame"), "S05.pdf")
    assert str(exc.value) == ("S05.pdf: the PDF is password-protected (expected a PDF without an open password "
                              "(save a copy without it first))")


def test_a_pdf_with_only_an_owner_password_is_read():
    assert pdf_text(_encrypted(""), "S06.pdf") == "Respondent: Hi."


def test_cli_refuses_a_damaged_and_a_scanned_pdf_with_one_line_each_and_writes_nothing(runner, mini_project,
                                                                                     tmp_path):
    good = _write(tmp_path, "G01.pdf", [_lines(60, ["Respondent: Fine."])])
    scanned = _write(tmp_path, "S01.pdf", [SCANNED_PAGE])
    damaged = tmp_path / "S03.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    before = snapshot(mini_project)
    result = runner.invoke(main, ["ingest", str(good), str(scanned), str(damaged),
                                  "--project", str(mini_project.directory)])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"Error: {scanned}: the PDF has no text layer")
    assert lines[1].startswith(f"Error: {damaged}: cannot be read as a PDF (")
    assert snapshot(mini_project) == before


def test_ingest_stores_a_pdf_and_reingesting_it_is_a_no_op(mini_project, tmp_path):
    path = _write(tmp_path, "G02.pdf", [_lines(60, ["Interviewer: Hello.", "Respondent: Hello to you."])])
    assert ingest(mini_project, [path]).ids("added") == ["G02"]
    from duocode.store.documents import get_document

    stored = get_document(mini_project, "G02")
    assert stored.format == "pdf" and stored.text == "Interviewer: Hello.\nRespondent: Hello to you."
    assert [t.speaker for t in stored.turns] == ["Interviewer", "Respondent"]
    assert ingest(mini_project, [path]).ids("unchanged") == ["G02"]


# -- the real interviews ------------------------------------------------------------------------------------------
# MAXQDA numbers every paragraph in the margin; its highest number is the paragraph count (read with pdfplumber,
# an independent reader). Paragraph 1 is the title "Interview"; every other one is a speaker's turn. The counts
# per speaker were read the same way (P5 has one "Particpant:" typo in the source).
REAL = {
    "pdpilot_interview_P1": (95, {"Dan": 47, "Participant": 47}),
    "pdpilot_interview_P2": (166, {"Dan": 81, "Participant": 84}),
    "pdpilot_interview_P3": (122, {"Dan": 61, "Participant": 60}),
    "pdpilot_interview_P4": (110, {"Dan": 54, "Participant": 55}),
    "pdpilot_interview_P5": (135, {"Dan": 67, "Participant": 66, "Particpant": 1}),
    "pdpilot_interview_P6": (100, {"Dan": 50, "Participant": 49}),
    "pdpilot_interview_P7": (105, {"Dan": 52, "Participant": 52}),
}


@pytest.fixture(scope="module")
def real_pdfs(tmp_path_factory):
    from duocode.codebook import load_codebook
    from duocode.store import Project
    from duocode.store.documents import get_document

    tests = Path(__file__).resolve().parents[1]
    folder = tests.parent.parent / "shared" / "samples" / "real-interviews"
    if not folder.is_dir():
        pytest.skip("../shared is not present")
    codebook = load_codebook(tests / "data" / "mini_codebook.yaml")
    project = Project.create(tmp_path_factory.mktemp("pdf") / "proj", codebook)
    result = ingest(project, sorted(folder.glob("*.pdf")))
    docs = {d.id: get_document(project, d.id) for d in result.documents}
    project.close()
    return docs


def test_the_seven_real_interview_pdfs_ingest_with_every_turn(real_pdfs):
    assert sorted(real_pdfs) == sorted(REAL)
    for doc_id, (paragraphs, speakers) in REAL.items():
        doc = real_pdfs[doc_id]
        assert doc.format == "pdf"
        assert len(doc.text.split("\n")) == paragraphs == len(doc.turns), doc_id
        assert doc.text[doc.turns[0].start:doc.turns[0].end] == "Interview" and doc.turns[0].speaker is None
        assert dict(Counter(t.speaker for t in doc.turns[1:])) == speakers, doc_id
        for turn in doc.turns[1:]:
            assert doc.text[turn.start:turn.end].startswith(turn.speaker + ": "), doc_id


def test_real_pdfs_keep_no_page_or_paragraph_numbers_and_no_tabs(real_pdfs):
    for doc_id, doc in real_pdfs.items():
        assert not re.search(r"^\d|\b\d+/\d+$|\t", doc.text, re.MULTILINE), doc_id


def test_real_pdf_paragraphs_run_on_over_page_breaks_and_keep_their_hyphens(real_pdfs):
    p7 = real_pdfs["pdpilot_interview_P7"].text
    # page 2 ends with "...for my blue cluster." and page 3 goes on with the same paragraph
    assert "but you would be more interested in seeing for my blue cluster. How does it distribute by." in p7
    assert "non-monotonic" in p7                                            # broken after "non-" at a line end
    p3 = real_pdfs["pdpilot_interview_P3"].text
    # MAXQDA prints a page's last line again on top of the next page, cut off: it is stored once
    assert p3.count("scatter plots can be used to, you know, analyze a single feature") == 1
