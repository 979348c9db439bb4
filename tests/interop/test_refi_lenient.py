"""Files that break the schema in known ways, or count positions as real tools do, import with warnings.

The position conventions are those measured in NOTES.md §4: NVivo 12 for Windows counts UTF-16 code units over a
CRLF file after a BOM it does not count; ATLAS.ti writes CRLF but counts each line break once.
"""
from __future__ import annotations

import pytest

from refi_helpers import (ANA, BEN, PHONE, PRAISE, SOURCE, WEB, one_source, project_xml, selection, write_qdpx)

TEXT = "I: How did they greet you?\nR: They knew my name on the phone.\nI: And the web shop?\nR: It showed me boots.\n"
PHONE_QUOTE = "They knew my name on the phone."
WEB_QUOTE = "It showed me boots."


def _span(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


def _import(tmp_path, entries, name="x.qdpx"):
    from duocode.interop.refi.importer import import_refi

    path = write_qdpx(tmp_path / name, entries)
    return import_refi(path, tmp_path / "p")


def _cases(tmp_path):
    from duocode.store import Project
    from duocode.store.cases import list_cases

    with Project.open(tmp_path / "p") as p:
        return [(c.id, c.document, c.start, c.end, c.text) for c in list_cases(p)]


def _codes(tmp_path, coder):
    from duocode.store import Project
    from duocode.store.codes import codes_by_case

    with Project.open(tmp_path / "p") as p:
        return codes_by_case(p, coder)


def _has(warnings, text):
    return any(text in w for w in warnings)


def _simple(tmp_path, qde_extra=None, **kw):
    s, e = _span(TEXT, PHONE_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [PHONE], name=PHONE_QUOTE)), **kw)
    if qde_extra:
        qde = qde_extra(qde)
    return qde


def test_rgb_colours_are_ignored_with_a_warning(tmp_path):
    qde = _simple(tmp_path).replace('name="Phone" isCodable="true"', 'name="Phone" isCodable="true" '
                                                                      'color="rgb(10, 20, 30)"')
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "code colour(s) that are not #RRGGBB or #RGB (e.g. 'rgb(10, 20, 30)' on 'Phone')")
    assert _codes(tmp_path, "ana") == {"C01": {"channel": "phone"}}


def test_capitalised_sources_folder_is_read(tmp_path):
    result = _import(tmp_path, {"project.qde": _simple(tmp_path), f"Sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "the sources folder is named 'Sources/'")
    assert _cases(tmp_path)[0][4] == PHONE_QUOTE


def test_a_qde_not_named_project_qde_is_read(tmp_path):
    result = _import(tmp_path, {"Environmental Attitudes.qde": _simple(tmp_path), f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "named 'Environmental Attitudes.qde' instead of 'project.qde'")
    assert result.documents == 1 and result.selections == 1


def test_a_project_zipped_inside_a_folder_is_read(tmp_path):
    result = _import(tmp_path, {"Study/project.qde": _simple(tmp_path), f"Study/sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "zipped inside the folder 'Study'")
    assert result.documents == 1


def test_a_bare_plain_text_path_is_read_with_a_warning(tmp_path):
    s, e = _span(TEXT, PHONE_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [PHONE]), path="interview1.txt"))
    result = _import(tmp_path, {"project.qde": qde, "sources/interview1.txt": TEXT})
    assert _has(result.warnings, "plainTextPath 'interview1.txt' lacks the internal:// scheme")
    assert _cases(tmp_path)[0][4] == PHONE_QUOTE


def test_empty_containers_missing_iscodable_and_guid_are_read(tmp_path):
    qde = _simple(tmp_path).replace("</Sources>", "</Sources><Notes/><Sets/>")
    qde = qde.replace('name="Praise" isCodable="true"', 'name="Praise"')
    qde = qde.replace('<Code guid="a0000000-0000-4000-8000-000000000003" ', "<Code ")
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "empty <Notes/>") and _has(result.warnings, "empty <Sets/>")
    assert _has(result.warnings, "1 code(s) without isCodable (e.g. 'Praise'")
    assert _has(result.warnings, "1 element(s) without a guid")
    from duocode.store import Project

    with Project.open(tmp_path / "p") as p:
        assert p.codebook.variables_by_id["channel"].value_ids == ["phone", "web"]
        assert p.codebook.variables_by_id["praise"].value_ids == ["yes", "no"]


def test_nvivo_utf16_offsets_crlf_and_bom_are_converted(tmp_path):
    """An emoji before both selections, CRLF line breaks, a BOM: NVivo's UTF-16 offsets over the CRLF text."""
    text = "I: Hi 😀 there\r\nR: They knew my name on the phone.\r\nI: 🙂🙂 And?\r\nR: It showed me boots.\r\n"
    stored = text.replace("\r\n", "\n")
    u16 = lambda q: (len(text[:text.index(q)].encode("utf-16-le")) // 2)   # noqa: E731
    p0, w0 = u16(PHONE_QUOTE), u16(WEB_QUOTE)
    sels = (selection(1, p0, p0 + len(PHONE_QUOTE), ANA, [PHONE], name=PHONE_QUOTE)
            + selection(2, w0, w0 + len(WEB_QUOTE), ANA, [WEB], name=WEB_QUOTE))
    qde = project_xml(one_source(sels), origin="NVivo for Windows 12.6")
    result = _import(tmp_path, {"project.qde": qde, f"Sources/{SOURCE}.txt": b"\xef\xbb\xbf" + text.encode()})
    assert [c[4] for c in _cases(tmp_path)] == [PHONE_QUOTE, WEB_QUOTE]
    assert [c[2] for c in _cases(tmp_path)] == [stored.index(PHONE_QUOTE), stored.index(WEB_QUOTE)]
    assert _has(result.warnings, "positions are counted in UTF-16 code units (2 of 2 selection names match")
    assert _has(result.warnings, "starts with a byte-order mark, removed")
    assert _has(result.warnings, "has CRLF line breaks; stored as LF")


def test_the_names_decide_the_convention_whatever_the_origin_says(tmp_path):
    """Offsets counting each CRLF once (as ATLAS.ti does), from a tool that does not say so."""
    text = TEXT.replace("\n", "\r\n")
    stored = TEXT
    s, e = _span(stored, WEB_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [WEB], name=WEB_QUOTE)), origin="some tool")
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": text})
    assert _cases(tmp_path)[0][4] == WEB_QUOTE
    assert _has(result.warnings, "counted in code points, each line break counted once")


def test_without_names_crlf_positions_follow_the_standard(tmp_path):
    """No name to tell: code points of the file as written (CR counted), as REFI-QDA §10.2 says."""
    text = TEXT.replace("\n", "\r\n")
    s, e = _span(text, WEB_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [WEB])))
    _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": text})
    assert _cases(tmp_path)[0][4] == WEB_QUOTE


def test_a_name_that_does_not_match_is_reported(tmp_path):
    s, e = _span(TEXT, PHONE_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [PHONE], name="Something else entirely")))
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "1 of 1 selection names do not match the text they select")
    assert _cases(tmp_path)[0][4] == PHONE_QUOTE


def test_a_selection_outside_the_text_is_left_out_with_its_line(tmp_path):
    s, e = _span(TEXT, PHONE_QUOTE)
    sels = selection(1, s, e, ANA, [PHONE]) + selection(2, 50, 5000, ANA, [WEB])
    result = _import(tmp_path, {"project.qde": project_xml(one_source(sels)), f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "1 selection(s) outside the text (length 106) left out: "
                                 "d0000000-0000-4000-8000-000000000002 (50-5000, project.qde line 2)")
    assert result.selections == 1 and len(_cases(tmp_path)) == 1


def test_several_coders_become_proposals_merged_into_cases(tmp_path):
    """ana marks the phone passage; ben marks a longer span overlapping it and the web passage."""
    from duocode.store import Project
    from duocode.store.proposals import list_proposals

    ps, pe = _span(TEXT, PHONE_QUOTE)
    ws, we = _span(TEXT, WEB_QUOTE)
    sels = (selection(1, ps, pe, ANA, [PHONE, PRAISE]) + selection(2, ps - 3, pe, BEN, [PHONE])
            + selection(3, ws, we, BEN, [WEB, PRAISE]))
    result = _import(tmp_path, {"project.qde": project_xml(one_source(sels)), f"sources/{SOURCE}.txt": TEXT})
    assert result.coders == ["ana", "ben"]
    assert [c[2:4] for c in _cases(tmp_path)] == [(ps - 3, pe), (ws, we)]
    assert _codes(tmp_path, "ana") == {"C01": {"is_case": "yes", "channel": "phone", "praise": "yes"},
                                       "C02": {"is_case": "no"}}
    # ben coded C01 without Praise where ana applied it: that is ben's "no", not a missing rating
    assert _codes(tmp_path, "ben") == {"C01": {"is_case": "yes", "channel": "phone", "praise": "no"},
                                       "C02": {"is_case": "yes", "channel": "web", "praise": "yes"}}
    with Project.open(tmp_path / "p") as p:
        assert sorted((x.coder, x.case_id) for x in list_proposals(p)) == [("ana", "C01"), ("ben", "C01"),
                                                                             ("ben", "C02")]
        assert p.codebook.variable_ids == ["is_case", "channel", "praise"]
    assert _has(result.warnings, "stored as each coder's case proposals and merged")


def test_codes_of_one_folder_applied_together_become_yes_no_variables(tmp_path):
    s, e = _span(TEXT, PHONE_QUOTE)
    qde = project_xml(one_source(selection(1, s, e, ANA, [PHONE, WEB])))
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.txt": TEXT})
    assert _codes(tmp_path, "ana") == {"C01": {"phone": "yes", "web": "yes"}}
    assert _has(result.warnings, "1 folder(s) whose codes were applied together to one passage split into yes/no")


def test_a_whole_document_coding_is_a_case_covering_the_document(tmp_path):
    extra = f'<Coding guid="e0000000-0000-4000-8000-000000000099" creatingUser="{ANA}">' \
            f'<CodeRef targetGUID="{PRAISE}"/></Coding>'
    result = _import(tmp_path, {"project.qde": project_xml(one_source("", extra=extra)),
                                f"sources/{SOURCE}.txt": TEXT})
    assert _cases(tmp_path) == [("C01", "interview 1", 0, len(TEXT), TEXT)]
    assert _has(result.warnings, "whole-document coding(s)")


def test_variables_on_a_source_and_an_unnamed_case_join_the_document_informant(tmp_path):
    var = '<Variables><Variable guid="b0000000-0000-4000-8000-000000000001" name="age" typeOfVariable="Integer"/>' \
          '<Variable guid="b0000000-0000-4000-8000-000000000002" name="sex" typeOfVariable="Text"/></Variables>'
    cases = ('<Cases><Case guid="c0000000-0000-4000-8000-000000000001"><VariableValue><VariableRef '
             'targetGUID="b0000000-0000-4000-8000-000000000002"/><TextValue>f</TextValue></VariableValue>'
             f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>')
    value = '<VariableValue><VariableRef targetGUID="b0000000-0000-4000-8000-000000000001"/>' \
            '<IntegerValue>67</IntegerValue></VariableValue>'
    body = var + cases + one_source("", extra=value)
    _import(tmp_path, {"project.qde": project_xml(body), f"sources/{SOURCE}.txt": TEXT})
    from duocode.store import Project
    from duocode.store.documents import informant_attributes

    with Project.open(tmp_path / "p") as p:
        assert informant_attributes(p) == {"interview 1": {"document": "interview 1", "age": "67", "sex": "f"}}


def test_a_docx_without_plain_text_twin_is_read_as_word(tmp_path):
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("I: Hello?")
    d.add_paragraph("R: They knew my name on the phone.")
    buf = io.BytesIO()
    d.save(buf)
    qde = project_xml(f'<Sources><TextSource guid="{SOURCE}" name="talk.docx" '
                      f'richTextPath="internal://{SOURCE}.docx"/></Sources>')
    result = _import(tmp_path, {"project.qde": qde, f"sources/{SOURCE}.docx": buf.getvalue()})
    assert _has(result.warnings, "has no plain-text twin; its text was read from")
    from duocode.store import Project
    from duocode.store.documents import get_document

    with Project.open(tmp_path / "p") as p:
        doc = get_document(p, "talk")
        assert doc.text == "I: Hello?\nR: They knew my name on the phone." and doc.format == "docx"


def test_a_user_with_a_reserved_name_is_renamed(tmp_path):
    users = f'<Users><User guid="{ANA}" name="consensus"/></Users>'
    s, e = _span(TEXT, PHONE_QUOTE)
    result = _import(tmp_path, {"project.qde": project_xml(one_source(selection(1, s, e, ANA, [PHONE])),
                                                           users=users), f"sources/{SOURCE}.txt": TEXT})
    assert result.coders == ["consensus (x)"]
    assert _has(result.warnings, "user 'consensus' has a name duocode reserves")


@pytest.mark.parametrize("path, why", [("relative://talk.txt", "refers to a file outside the project"),
                                       ("internal://missing.txt", "'internal://missing.txt' is not in the archive")])
def test_a_source_that_cannot_be_read_is_left_out(tmp_path, path, why):
    result = _import(tmp_path, {"project.qde": project_xml(one_source(selection(1, 0, 3, ANA, [PHONE]), path=path))})
    assert result.documents == 0 and _has(result.warnings, why)
    assert _has(result.warnings, "1 selection(s) on source 'interview 1' left out with it")


def test_media_sets_and_unattached_notes_are_reported_as_not_imported(tmp_path):
    body = (one_source("").replace("</Sources>", '<AudioSource guid="f1000000-0000-4000-8000-000000000001" '
                                                 'path="internal://a.m4a"/></Sources>')
            + '<Notes><Note guid="f0000000-0000-4000-8000-000000000001" name="Project memo">'
              '<PlainTextContent>x</PlainTextContent></Note></Notes>'
            + '<Sets><Set guid="90000000-0000-4000-8000-000000000001" name="s"/></Sets>')
    result = _import(tmp_path, {"project.qde": project_xml(body), f"sources/{SOURCE}.txt": TEXT})
    assert _has(result.warnings, "1 AudioSources not imported")
    assert _has(result.warnings, "1 sets not imported")
    assert _has(result.warnings, "1 note(s) not attached to a selection (project or code memos) not imported, "
                                 "e.g. 'Project memo'")
