"""``duocode refi export``: valid against the REFI-QDA schemas, stable to the byte, and saying what REFI-QDA
readers look for (users, one selection per coder, creatingUser, informants as cases)."""
from __future__ import annotations

import json
import zipfile

import pytest
from lxml import etree

from refi_helpers import CASES, DOC_A

NS = {"q": "urn:QDA-XML:project:1.0"}


def _export(project, path):
    from duocode.interop.refi.exporter import export_refi

    return export_refi(project, path)


@pytest.fixture
def exported(small_project, tmp_path):
    path = tmp_path / "small.qdpx"
    result = _export(small_project, path)
    with zipfile.ZipFile(path) as zf:
        qde = etree.fromstring(zf.read("project.qde"))
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
        infos = zf.infolist()
    return result, qde, entries, infos


def test_export_is_valid_against_project_xsd(exported, project_schema):
    _result, qde, _entries, _infos = exported
    assert project_schema.validate(qde), project_schema.error_log


def test_codebook_export_is_valid_against_codebook_xsd(small_project, tmp_path, codebook_schema):
    result = _export(small_project, tmp_path / "mini.qdc")
    doc = etree.parse(str(tmp_path / "mini.qdc"))
    assert codebook_schema.validate(doc), codebook_schema.error_log
    # 5 variables + 2 + 2 + 2 + 3 values + the two numbers coded for the interval variable (3 and 12)
    assert result.codes == len(doc.getroot().findall(".//{urn:QDA-XML:codebook:1.0}Code")) == 16


def test_the_demo_project_exports_valid_xml(built_demo, tmp_path, project_schema):
    from duocode.store import Project

    with Project.open(built_demo[0]) as project:
        result = _export(project, tmp_path / "demo.qdpx")
    with zipfile.ZipFile(tmp_path / "demo.qdpx") as zf:
        assert project_schema.validate(etree.fromstring(zf.read("project.qde"))), project_schema.error_log
    assert result.documents == 96 and result.coders == ["ines", "jonas", "consensus"]


def test_same_project_exports_the_same_bytes(small_project, tmp_path):
    _export(small_project, tmp_path / "one.qdpx")
    _export(small_project, tmp_path / "two.qdpx")
    assert (tmp_path / "one.qdpx").read_bytes() == (tmp_path / "two.qdpx").read_bytes()
    _export(small_project, tmp_path / "one.qdc")
    _export(small_project, tmp_path / "two.qdc")
    assert (tmp_path / "one.qdc").read_bytes() == (tmp_path / "two.qdc").read_bytes()


def test_zip_has_sorted_entries_with_fixed_times_and_texts_without_bom(exported):
    _result, qde, entries, infos = exported
    names = [i.filename for i in infos]
    assert names[0] == "project.qde" and names[1:] == sorted(names[1:])
    assert all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    source = qde.find(".//q:TextSource[@name='A']", NS)
    text = entries[f"sources/{source.get('guid')}.txt"]
    assert not text.startswith(b"\xef\xbb\xbf") and text.decode("utf-8") == DOC_A
    assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
    assert source.get("richTextPath") is None


def test_users_are_the_coders_and_consensus_without_the_precoder(exported):
    _result, qde, _entries, _infos = exported
    assert [u.get("name") for u in qde.findall("q:Users/q:User", NS)] == ["ana", "ben", "consensus"]


def test_each_case_is_one_selection_per_coder_with_creating_user_on_selection_and_coding(exported):
    _result, qde, _entries, _infos = exported
    users = {u.get("guid"): u.get("name") for u in qde.findall("q:Users/q:User", NS)}
    codes = {c.get("guid"): (c.getparent().get("name"), c.get("name")) for c in qde.iter("{*}Code")}
    source = qde.find(".//q:TextSource[@name='A']", NS)
    text = DOC_A
    c01 = text.index(CASES["C01"][1])
    sels = [s for s in source.findall("q:PlainTextSelection", NS) if int(s.get("startPosition")) == c01]
    assert sorted(users[s.get("creatingUser")] for s in sels) == ["ana", "ben", "consensus"]
    for sel in sels:
        # code points, end exclusive: the emoji before "and" counts one
        assert int(sel.get("endPosition")) - int(sel.get("startPosition")) == len(CASES["C01"][1])
        assert sel.get("name") == CASES["C01"][1]
        for coding in sel.findall("q:Coding", NS):
            assert coding.get("creatingUser") == sel.get("creatingUser")
    ben = next(s for s in sels if users[s.get("creatingUser")] == "ben")
    assert sorted(codes[c.find("q:CodeRef", NS).get("targetGUID")] for c in ben.findall("q:Coding", NS)) == [
        ("Good", "No"), ("Is a case", "Yes"), ("Kind", "Alpha"), ("Mood", "High")]


def test_memos_and_consensus_reasons_are_notes_and_agreed_values_have_none(exported):
    _result, qde, _entries, _infos = exported
    notes = {n.get("guid"): n for n in qde.findall("q:Notes/q:Note", NS)}
    users = {u.get("guid"): u.get("name") for u in qde.findall("q:Users/q:User", NS)}
    ana = next(s for s in qde.iter("{*}PlainTextSelection") if users.get(s.get("creatingUser")) == "ana"
               and s.find("q:Description", NS) is not None)
    memo = "Recognition on the phone: illusionary benevolence?"
    assert ana.find("q:Description", NS).text == memo
    assert notes[ana.find("q:NoteRef", NS).get("targetGUID")].find("q:PlainTextContent", NS).text == memo
    reasons = sorted(notes[ref.get("targetGUID")].find("q:PlainTextContent", NS).text
                     for coding in qde.iter("{*}Coding") for ref in coding.findall("q:NoteRef", NS))
    assert reasons == ["a recommendation practice", "she says it felt nice"]


def test_informants_are_named_cases_with_values_and_a_source_ref(exported):
    _result, qde, _entries, _infos = exported
    variables = {v.get("guid"): v.get("name") for v in qde.findall("q:Variables/q:Variable", NS)}
    sources = {s.get("guid"): s.get("name") for s in qde.iter("{*}TextSource")}
    cases = {c.get("name"): c for c in qde.findall("q:Cases/q:Case", NS)}
    assert sorted(cases) == ["Ana P.", "R-2"]
    values = {variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.find("q:TextValue", NS).text
              for v in cases["R-2"].findall("q:VariableValue", NS)}
    assert values == {"age_band": "40-49", "sex": "male"}
    assert [sources[r.get("targetGUID")] for r in cases["R-2"].findall("q:SourceRef", NS)] == ["B"]


def test_pre_coder_candidates_are_not_exported(exported):
    from refi_helpers import DOC_B

    result, qde, _entries, _infos = exported
    spans = {(int(s.get("startPosition")), int(s.get("endPosition"))) for s in qde.iter("{*}PlainTextSelection")}
    expected = {(text.index(q), text.index(q) + len(q)) for d, q in CASES.values()
                for text in [DOC_A if d == "A" else DOC_B]}
    assert spans == expected            # C04, the candidate, is not among them
    # C01: ana, ben, consensus; C02: ana, ben, consensus (is_case); C03: ana, ben
    assert result.selections == 8


def test_the_record_note_lists_what_refi_has_no_place_for(exported):
    _result, qde, entries, _infos = exported
    record_note = next(n for n in qde.findall("q:Notes/q:Note", NS) if n.get("name").startswith("duocode record"))
    record = json.loads(entries["sources/" + record_note.get("plainTextPath").split("://")[1]])
    assert sorted(set(record["selections"].values())) == ["C01", "C02", "C03"]
    assert record["not_coded"] == [["C01", "count", "no number in the passage", "ana & ben"]]
    assert sorted(p[0] for p in record["proposals"]) == ["ana", "ana", "ben", "ben"]


def test_export_refuses_an_unknown_extension(small_project, tmp_path):
    from duocode.errors import InputError

    with pytest.raises(InputError, match="FILE.qdpx"):
        _export(small_project, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_cli_export_writes_the_file_and_prints_json(small_project, tmp_path, runner):
    from duocode.cli import main

    out = tmp_path / "cli.qdpx"
    result = runner.invoke(main, ["refi", "export", "-o", str(out), "--project", str(small_project.directory),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 2 and data["file"] == str(out) and zipfile.is_zipfile(out)
    bad = runner.invoke(main, ["refi", "export", "-o", str(tmp_path / "x.csv"), "--project",
                               str(small_project.directory)])
    assert bad.exit_code == 2 and ".qdpx" in bad.output
