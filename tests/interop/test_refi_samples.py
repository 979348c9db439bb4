"""Every real sample in ../shared/refi-qda/samples imports, with the counts and texts the files hold.

Expected figures come from the files themselves as described in ../shared/refi-qda/NOTES.md §6 (qc demo: 2
transcripts, 262 codes, 158 selections / 205 codings; NVivo for Mac: the codebook only; the hand-written sample:
code points 34-78 for a segment ending in an emoji).
"""
from __future__ import annotations

import pytest


def _import(refi_dir, name, tmp_path):
    from duocode.interop.refi.importer import import_refi

    return import_refi(refi_dir / "samples" / name, tmp_path / "p")


def _open(tmp_path):
    from duocode.store import Project

    return Project.open(tmp_path / "p")


def test_qc_demo(refi_dir, tmp_path):
    from duocode.store.cases import list_cases
    from duocode.store.documents import document_ids

    result = _import(refi_dir, "qc-1.3.2_demo.qdpx", tmp_path)
    d = result.to_dict()
    assert (d["documents"], d["codes"], d["selections"], d["codings"], d["coders"]) == (2, 262, 158, 205, ["cp"])
    with _open(tmp_path) as p:
        assert document_ids(p) == ["admin-1", "board_2017"]
        cases = list_cases(p)
        assert len(cases) == 158 and {c.document for c in cases} == {"board_2017"}
        # the selection named line:6 covers that line of the transcript (qc counts code points, end exclusive)
        first = cases[0]
        assert (first.start, first.end) == (320, 400)
        assert first.text == "This district goal is engage every student in joyful, purposeful learning that \n"
        n_codes = p.conn.execute("SELECT count(*) FROM codes WHERE coder = 'cp'").fetchone()[0]
    assert n_codes == 205           # one code per coding: nothing lost to conflicts
    warnings = " ".join(d["warnings"])
    assert "lacks the internal:// scheme" in warnings
    assert "158 of 158 selection names do not match" in warnings      # qc names selections "line:N"
    assert "became a new codebook 'qc_project'" in warnings


def test_qc_demo_nested_codes_become_variables(refi_dir, tmp_path):
    _import(refi_dir, "qc-1.3.2_demo.qdpx", tmp_path)
    with _open(tmp_path) as p:
        cb = p.codebook
        top = cb.variables_by_id["rq1_definition"]
        # codable and held by nothing: a value for itself, then the codes inside it
        assert top.level == "nominal" and top.value_ids[:3] == ["rq1_definition", "competencies", "concepts"]
        assert cb.variables_by_id["competencies"].value_ids == ["programming"]
        # cp applied two codes of "concepts" to one passage: each of its codes is a yes/no variable
        assert "concepts" not in cb.variables_by_id
        assert cb.variables_by_id["abstraction"].label == "rq1_definition › concepts › abstraction"
        assert cb.variables_by_id["abstraction"].value_ids == ["yes", "no"]
        flags = [v.id for v in cb.variables if v.label.startswith("rq1_definition › concepts › ")]
        marks = "?" + ",?" * (len(flags) - 1)
        together = p.conn.execute(
            f"SELECT count(*) FROM (SELECT case_id FROM codes WHERE variable IN ({marks}) AND value = 'yes' "
            "GROUP BY case_id HAVING count(*) > 1)", flags).fetchone()[0]
    assert len(flags) == 13 and together >= 1


def test_nvivo_mac_codebook_only(refi_dir, tmp_path):
    result = _import(refi_dir, "nvivo-mac-15_codebook-only.qdpx", tmp_path)
    d = result.to_dict()
    assert (d["documents"], d["codes"], d["selections"], d["codings"], d["coders"]) == (0, 262, 0, 0, [])
    assert sum("has no text" in w for w in d["warnings"]) == 2      # its two sources are 1-byte txt files
    with _open(tmp_path) as p:
        assert len(p.codebook.variables) == 58       # the 58 codes that hold codes; every leaf is a value


def test_handwritten_minimal_offsets_land_after_the_emoji(refi_dir, tmp_path):
    from duocode.store.cases import list_cases
    from duocode.store.codes import codes_by_case, memos

    result = _import(refi_dir, "handwritten-minimal.qdpx", tmp_path)
    assert result.to_dict()["coders"] == ["Coder One", "Coder Two"]
    with _open(tmp_path) as p:
        cases = list_cases(p)
        assert [(c.id, c.start, c.end) for c in cases] == [("C01", 34, 78), ("C02", 110, 145)]
        assert cases[0].text == "They used my name on the phone – felt nice 🙂"
        assert cases[1].text == "Mostly things I had already bought."        # after the emoji: not shifted
        assert codes_by_case(p, "Coder One") == {
            "C01": {"is_case": "yes", "tmp_type": "interaction_personalization"},
            "C02": {"is_case": "yes", "tmp_type": "continuity_personalization"}}
        assert codes_by_case(p, "Coder Two") == {"C01": {"is_case": "yes", "tmp_type": "interaction_personalization"},
                                                 "C02": {"is_case": "no"}}
        assert memos(p, "Coder Two") == {"C01": "Illusionary benevolence? The rep read the name off the CRM screen."}
        assert memos(p, "Coder One") == {"C01": "Coder One: recognition on the phone"}
        row = p.conn.execute("SELECT id, document_id FROM informants").fetchone()
        assert tuple(row) == ("Informant 01", "Informant 01 interview")
    assert any("1 sets not imported" in w for w in result.warnings)


def test_handwritten_folder_and_qdpx_give_the_same_codebook(refi_dir, tmp_path):
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project

    import_refi(refi_dir / "samples" / "handwritten-minimal" / "codebook.qdc", tmp_path / "cb")
    with Project.open(tmp_path / "cb") as p:
        assert [(v.id, v.value_ids) for v in p.codebook.variables] == [
            ("tmp_type", ["interaction_personalization", "continuity_personalization"])]


def test_taguette_qdc_imports_with_a_warning_about_its_empty_sets(refi_dir, tmp_path):
    result = _import(refi_dir, "taguette_codebook_from-tests.qdc", tmp_path)
    assert result.codes == 3
    assert any("empty <Sets/>" in w for w in result.warnings)
    with _open(tmp_path) as p:
        assert [(v.id, v.value_ids) for v in p.codebook.variables] == [
            ("interesting", ["yes", "no"]), ("people", ["yes", "no"]), ("interesting_places", ["yes", "no"])]
        assert p.codebook.variables_by_id["interesting_places"].label == "interesting\\places"


def test_spec_annex_codebook(refi_dir, tmp_path):
    result = _import(refi_dir, "refi-qda-1.5-spec_annexA1_codebook.qdc", tmp_path)
    assert result.codes == 6
    with _open(tmp_path) as p:
        cb = p.codebook
        assert cb.variable_ids == ["economy", "health_care", "conservatives", "liberals"]
        assert cb.variables_by_id["economy"].definition == "Anything about jobs or taxes or business"
    assert any("('Topics', 'Values') left out" in w for w in result.warnings)


@pytest.mark.parametrize("name", ["qc-1.3.2_demo", "nvivo-mac-15_codebook-only", "handwritten-minimal"])
def test_unzipped_folders_match_their_qdpx(refi_dir, name, tmp_path):
    """The extracted folders beside each .qdpx hold the same project (our reading of the zip is faithful)."""
    import zipfile

    with zipfile.ZipFile(refi_dir / "samples" / f"{name}.qdpx") as zf:
        for info in zf.infolist():
            if not info.is_dir():
                assert zf.read(info) == (refi_dir / "samples" / name / info.filename).read_bytes()
