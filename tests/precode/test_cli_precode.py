"""The ``duocode precode`` commands: exit codes, messages, JSON shapes, state read back through the API."""
import json

import pytest

import duocode.cli
from duocode.store import Project
from duocode.store.cases import list_cases
from duocode.store.codes import code_rows

from tests.conftest import snapshot
from tests.precode.conftest import add_case, set_code


def run(runner, *args):
    return runner.invoke(duocode.cli.main, list(args))


@pytest.fixture
def proj_dir(shop_project):
    return str(shop_project.directory)


def test_detect_accept_reject_flow(runner, proj_dir):
    res = run(runner, "precode", "detect", "--project", proj_dir, "--format", "json")
    assert res.exit_code == 0, res.output
    ids = [c["id"] for c in json.loads(res.stdout)["candidates"]]
    assert len(ids) >= 2
    res = run(runner, "precode", "accept", ids[0], "--project", proj_dir)
    assert res.exit_code == 0 and f"1 candidate accepted as cases: {ids[0]}" in res.output
    res = run(runner, "precode", "reject", "--all", "--project", proj_dir, "--format", "json")
    assert json.loads(res.stdout)["changed"] == ids[1:]
    with Project.open(proj_dir) as p:
        assert [c.id for c in list_cases(p, status="case")] == [ids[0]]
        assert [c.id for c in list_cases(p, status="rejected")] == ids[1:]


def test_accept_unknown_candidate_exits_1_naming_it(runner, proj_dir, shop_project):
    run(runner, "precode", "detect", "--project", proj_dir)
    before = snapshot(shop_project)
    res = run(runner, "precode", "accept", "pc-X-001", "--project", proj_dir)
    assert res.exit_code == 1
    assert res.output.strip() == ("Error: case pc-X-001: no such candidate (expected an id listed by "
                                  "`duocode cases list --all --source precoder` with status candidate)")
    assert snapshot(shop_project) == before


def test_suggest_json_is_one_document_with_the_contract_keys(runner, proj_dir, shop_project):
    add_case(shop_project, "C1", "D1", "I loved it, honestly.")
    res = run(runner, "precode", "suggest", "--format", "json", "--project", proj_dir)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {s["variable"] for s in data["suggestions"]} == {"is_case", "kind", "liked"}
    for s in data["suggestions"]:
        assert set(s) == {"case_id", "variable", "value", "confidence", "explanation"}
    with Project.open(proj_dir) as p:
        assert len(code_rows(p, "precoder")) == len(data["suggestions"])


def test_suggest_table_does_not_print_values(runner, proj_dir, shop_project):
    add_case(shop_project, "C1", "D1", "I loved it, honestly.")
    res = run(runner, "precode", "suggest", "--project", proj_dir)
    assert res.exit_code == 0 and "hide_suggestions is on" in res.output
    assert "greeting" not in res.output and "advice" not in res.output


def test_suggest_without_cases_exits_1_with_a_clear_reason(runner, proj_dir):
    res = run(runner, "precode", "suggest", "--project", proj_dir)
    assert res.exit_code == 1
    assert "the project has no cases to suggest codes for" in res.output


def test_evaluate_with_too_few_cases_for_the_folds_exits_1_saying_how_many(runner, coded_project):
    res = run(runner, "precode", "evaluate", "--folds", "30", "--project", str(coded_project.directory))
    assert res.exit_code == 1
    assert "a variable needs at least 30 cases with consensus or agreed codes; the most any variable has is 24" \
        in res.output
    assert "--folds 24 or lower" in res.output


def test_evaluate_json_and_xlsx(runner, coded_project, tmp_path):
    d = str(coded_project.directory)
    res = run(runner, "precode", "evaluate", "--folds", "3", "--no-learning-curve", "--format", "json",
              "--project", d)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["variables"]["kind"]["accuracy"] >= 0.9 and data["detection"]["n_human"] == 24
    out = tmp_path / "eval.xlsx"
    res = run(runner, "precode", "evaluate", "--folds", "3", "--no-learning-curve", "-o", str(out), "--project", d)
    assert res.exit_code == 0 and out.is_file()


def test_next_lists_cases_without_values(runner, coded_project):
    res = run(runner, "precode", "next", "-n", "2", "--coder", "newcomer", "--format", "json",
              "--project", str(coded_project.directory))
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["cases"]) == 2


def test_adopt_and_settings(runner, proj_dir, shop_project):
    add_case(shop_project, "C1", "D1", "I loved it, honestly.")
    set_code(shop_project, "C1", "ines", kind="greeting")
    run(runner, "precode", "suggest", "--project", proj_dir)
    res = run(runner, "precode", "adopt", "--coder", "ines", "--variables", "liked", "--project", proj_dir)
    assert res.exit_code == 0 and "1 suggestions copied into ines's codes" in res.output
    res = run(runner, "precode", "settings", "--show-suggestions", "--project", proj_dir, "--format", "json")
    assert json.loads(res.stdout) == {"hide_suggestions": False, "changed": True, "embedding": "wordllama"}
    with Project.open(proj_dir) as p:
        assert p.settings["hide_suggestions"] is False


def test_bad_usage_exits_2(runner, proj_dir):
    assert run(runner, "precode", "accept", "--min-confidence", "2", "--project", proj_dir).exit_code == 2


def test_adopt_with_a_mistyped_coder_exits_1_naming_the_coders_and_creates_no_coder(runner, proj_dir,
                                                                                    shop_project):
    add_case(shop_project, "C1", "D1", "I loved it, honestly.")
    set_code(shop_project, "C1", "ines", kind="greeting")
    run(runner, "precode", "suggest", "--project", proj_dir)
    before = snapshot(shop_project)
    res = run(runner, "precode", "adopt", "--coder", "inse", "--variables", "liked", "--project", proj_dir)
    assert res.exit_code == 1
    assert "coder 'inse' has no codes of their own" in res.output and "their own codes: ines" in res.output
    assert snapshot(shop_project) == before


def test_detect_hint_names_the_command_that_really_lists_candidates(runner, proj_dir):
    res = run(runner, "precode", "detect", "--project", proj_dir)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "Review with `duocode cases list --all --source precoder` (status column: candidate)" in text
    listed = run(runner, "cases", "list", "--all", "--source", "precoder", "--format", "json", "--project", proj_dir)
    cases = json.loads(listed.stdout)["cases"]
    assert cases and all(c["status"] == "candidate" and c["source"] == "precoder" for c in cases)
    assert run(runner, "cases", "list", "--format", "json", "--project", proj_dir).output.count("pc-") == 0


@pytest.mark.parametrize("args", [
    ["next", "-n", "0"], ["next", "-n", "-2"], ["evaluate", "--folds", "1"], ["detect", "--threshold", "-1"],
    ["detect", "--threshold", "nan"], ["reject", "--max-confidence", "1.5"], ["detect", "--min-confidence", "-0.1"],
])
def test_out_of_range_option_values_are_usage_errors_exit_2(runner, proj_dir, args):
    res = run(runner, "precode", *args, "--project", proj_dir)
    assert res.exit_code == 2 and "Invalid value" in res.output


def test_review_messages_use_singular_and_plural_candidates(runner, proj_dir):
    res = run(runner, "precode", "detect", "--project", proj_dir, "--format", "json")
    ids = [c["id"] for c in json.loads(res.stdout)["candidates"]]
    assert len(ids) >= 2
    res = run(runner, "precode", "reject", ids[0], "--project", proj_dir)
    assert res.exit_code == 0 and f"1 candidate rejected: {ids[0]}" in res.output
    res = run(runner, "precode", "accept", *ids, "--project", proj_dir)
    assert res.exit_code == 0 and f"2 candidates accepted as cases: {ids[0]}, {ids[1]}" in res.output
