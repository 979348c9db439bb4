"""duocode -> .qdpx -> a fresh duocode project: the same documents, case spans, codes per coder, consensus, and so
the same ``agree`` and ``audit`` JSON (compared through the functions behind ``--format json``)."""
from __future__ import annotations

import json

import pytest


def _state(directory) -> dict:
    from duocode.audit import agree
    from duocode.audit.report import build_audit
    from duocode.store import Project
    from duocode.store.cases import list_cases
    from duocode.store.codes import code_rows
    from duocode.store.documents import document_ids, get_document, informant_attributes
    from duocode.store.proposals import list_proposals

    with Project.open(directory) as p:
        audit = build_audit(p, allow_unresolved=True).to_dict()
        audit.pop("generated_at")
        return {
            "agree": json.loads(json.dumps(agree(p).to_dict(), default=str)),
            "audit": json.loads(json.dumps(audit, default=str)),
            "documents": [get_document(p, d).to_dict() | {"format": get_document(p, d).format}
                          for d in document_ids(p)],
            "cases": [(c.id, c.document, c.start, c.end, c.source, c.status) for c in list_cases(p)],
            "codes": [(r.case_id, r.variable, r.coder, r.value) for r in code_rows(p) if r.coder != "precoder"],
            "consensus": [(r.case_id, r.variable, r.value, r.reason, r.decided_by) for r in code_rows(p, "consensus")],
            "proposals": [(x.coder, x.document, x.start, x.end, x.case_id) for x in list_proposals(p)],
            "memos": [tuple(r) for r in p.conn.execute("SELECT case_id, coder, text FROM memos ORDER BY 1, 2")],
            "informants": informant_attributes(p),
            "codebook": p.codebook.text,
        }


def _round_trip(source_dir, tmp_path):
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project

    with Project.open(source_dir) as p:
        export_refi(p, tmp_path / "out.qdpx")
    result = import_refi(tmp_path / "out.qdpx", tmp_path / "back")
    return result, tmp_path / "back"


@pytest.fixture(scope="module")
def demo_round_trip(built_demo, tmp_path_factory):
    """The session's demo copied (the audit takes over agreed values: it must not write into the shared one),
    exported, imported into a fresh folder."""
    import shutil

    tmp = tmp_path_factory.mktemp("refi-rt")
    shutil.copytree(built_demo[0], tmp / "demo")
    result, back = _round_trip(tmp / "demo", tmp)
    return _state(tmp / "demo"), _state(back), result


@pytest.mark.parametrize("part", ["documents", "cases", "codes", "consensus", "proposals", "memos", "informants",
                                  "codebook", "agree", "audit"])
def test_demo_round_trip_keeps(demo_round_trip, part):
    before, after, _result = demo_round_trip
    assert after[part] == before[part]


def test_demo_round_trip_has_content_and_no_warnings(demo_round_trip):
    before, _after, result = demo_round_trip
    assert len(before["cases"]) == 538 and len(before["consensus"]) > 6000
    assert result.to_dict()["warnings"] == []
    assert result.coders == ["ines", "jonas"] and result.documents == 96


def test_small_project_round_trip_is_exact(small_project, tmp_path):
    """Memos, a "not coded" consensus decision, a blank informant attribute, an interval value, an emoji."""
    small_project.close()
    result, back = _round_trip(small_project.directory, tmp_path)
    before, after = _state(small_project.directory), _state(back)
    assert after == before
    assert ("C01", "count", "", "no number in the passage", "ana & ben") in after["consensus"]
    assert after["informants"]["Ana P."]["age_band"] is None
    assert result.warnings == []


def test_cli_round_trip_prints_exactly_the_contract_keys(small_project, tmp_path, runner):
    from duocode.cli import main

    small_project.close()
    out = tmp_path / "x.qdpx"
    assert runner.invoke(main, ["refi", "export", "-o", str(out), "--project",
                                str(small_project.directory)]).exit_code == 0
    result = runner.invoke(main, ["refi", "import", str(out), "--project", str(tmp_path / "new"),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"documents": 2, "codes": 16, "selections": 8, "codings": 21,
                                         "coders": ["ana", "ben"], "warnings": []}


def test_a_bundled_codebook_comes_back_exactly_from_a_qdc(tmp_path):
    from duocode.codebook import load_codebook
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project

    with Project.create(tmp_path / "p", load_codebook("telecare")) as p:
        export_refi(p, tmp_path / "telecare.qdc")
    result = import_refi(tmp_path / "telecare.qdc", tmp_path / "q")
    with Project.open(tmp_path / "q") as q:
        assert q.codebook.sha256 == load_codebook("telecare").sha256
    assert result.warnings == []
