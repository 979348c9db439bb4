"""``duocode agree --spans``: |uα and γ of the coders' case proposals, per document and overall."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

import duocode.cli
from coding_helpers import build_documents_and_cases, snapshot
from duocode.agreement.unitizing import binary_u_alpha, estimate_from_pieces, unitizing_pieces
from duocode.coding.proposals import import_proposals
from duocode.coding.span_agreement import span_agreement
from duocode.store.documents import get_document

INES = [("D1", 40, 90), ("D1", 120, 160), ("D2", 45, 100)]
JONAS = [("D1", 42, 95), ("D2", 45, 100)]


def _csv(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("document,start,end\n" + "".join(f"{d},{s},{e}\n" for d, s, e in rows), encoding="utf-8")
    return path


@pytest.fixture
def marked(mini_project, tmp_path):
    build_documents_and_cases(mini_project, with_cases=False)
    import_proposals(mini_project, _csv(tmp_path, "ines.csv", INES), "ines")
    import_proposals(mini_project, _csv(tmp_path, "jonas.csv", JONAS), "jonas")
    return mini_project


def _spans(rows, doc):
    return [(s, e) for d, s, e in rows if d == doc]


def _run(runner, project, *args):
    return runner.invoke(duocode.cli.main, ["agree", "--spans", *args, "--project", str(project.directory)])


def test_agree_spans_json_has_the_contract_shape_and_each_documents_u_alpha(runner, marked):
    result = _run(runner, marked, "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"overall", "documents"} and set(out["documents"]) == {"D1", "D2"}
    for scores in [out["overall"], *out["documents"].values()]:
        assert set(scores) == {"u_alpha", "gamma"}
        assert set(scores["u_alpha"]) == {"value", "ci_low", "ci_high"} and set(scores["gamma"]) == {"value"}
    lengths = {d: len(get_document(marked, d).text) for d in ("D1", "D2")}
    for doc in ("D1", "D2"):
        expected = binary_u_alpha([_spans(INES, doc), _spans(JONAS, doc)], lengths[doc]).value
        assert out["documents"][doc]["u_alpha"]["value"] == pytest.approx(expected, abs=1e-12)
    pooled = np.concatenate([unitizing_pieces([_spans(INES, d), _spans(JONAS, d)], lengths[d]) for d in lengths])
    assert out["overall"]["u_alpha"]["value"] == pytest.approx(estimate_from_pieces(pooled, 2).value, abs=1e-12)
    # identical spans in D2: perfect agreement on both coefficients
    assert out["documents"]["D2"]["u_alpha"]["value"] == 1.0 and out["documents"]["D2"]["gamma"]["value"] == 1.0
    assert out["documents"]["D1"]["gamma"]["value"] < 1.0


def test_agree_spans_is_reproducible_and_its_interval_brackets_the_estimate(marked):
    first, again = span_agreement(marked).to_dict(), span_agreement(marked).to_dict()
    assert first == again
    overall = first["overall"]["u_alpha"]
    assert overall["ci_low"] <= overall["value"] <= overall["ci_high"]
    assert span_agreement(marked, seed=5).to_dict()["overall"]["gamma"] != first["overall"]["gamma"]


def test_agree_spans_table_lists_every_document_and_the_overall_row(runner, marked):
    result = _run(runner, marked)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split("│")[1].strip() == "D1" for line in lines if "│" in line)
    assert any("overall" in line for line in lines) and "Krippendorff, Mathet, Bouvry" in result.stdout


def test_agree_spans_without_two_coders_exits_1_and_changes_nothing(runner, mini_project, tmp_path):
    build_documents_and_cases(mini_project, with_cases=False)
    import_proposals(mini_project, _csv(tmp_path, "ines.csv", INES), "ines")
    before = snapshot(mini_project)
    result = _run(runner, mini_project, "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: {mini_project.directory}: span agreement needs case proposals from two or more coders (found: "
        "ines) (expected each coder's spans imported with `duocode cases import CSV --coder NAME`)")
    assert snapshot(mini_project) == before


def test_agree_spans_names_a_coder_without_proposals(runner, marked):
    result = _run(runner, marked, "--coders", "ines,anna")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: coder anna has no case proposals (expected coders with proposals: "
                                     "ines, jonas)")


def test_agree_spans_with_variables_is_a_usage_error(runner, marked):
    assert _run(runner, marked, "--variables", "tmp_type").exit_code == 2


def test_agree_spans_on_the_demo_project_is_fast(built_demo):
    """The demo's two coders proposed spans in every interview; all of it takes a few seconds."""
    from duocode.store import Project
    from duocode.store.proposals import list_proposals

    with Project.open(built_demo[0]) as project:
        started = time.perf_counter()
        result = span_agreement(project)
        elapsed = time.perf_counter() - started
        marked_documents = {p.document for p in list_proposals(project)}
    assert set(result.documents) == marked_documents and result.coders == ["ines", "jonas"]
    assert all(s.u_alpha is not None and s.gamma is not None for s in result.documents.values())
    overall = result.overall
    assert overall.ci_low < overall.u_alpha < overall.ci_high and 0 < overall.gamma <= 1
    assert elapsed < 20, f"span agreement took {elapsed:.1f} s on the demo"


def test_span_agreement_refuses_zero_samples_with_a_message(marked):
    from duocode.errors import InputError

    with pytest.raises(InputError, match="samples must be 1 or more"):
        span_agreement(marked, samples=0)


def test_a_documents_gamma_does_not_depend_on_the_bootstrap_setting(marked):
    with_ci = span_agreement(marked, bootstrap=200).documents["D1"]
    without = span_agreement(marked, bootstrap=0).documents["D1"]
    assert with_ci.gamma == without.gamma and without.ci_low is None and with_ci.ci_low is not None


def test_span_agreement_is_the_same_with_one_or_two_worker_processes(marked, monkeypatch):
    from duocode import coding

    runs = []
    for n in ("1", "2"):
        monkeypatch.setenv("DUOCODE_WORKERS", n)
        runs.append(coding.span_agreement(marked, bootstrap=50, seed=3).to_dict())
    assert runs[0] == runs[1] and len(runs[0]["documents"]) >= 2
