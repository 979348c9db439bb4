"""`duocode demo DIR --codebook ID` runs the whole demo on the bundled corpus of another codebook, with no code
written for it: the audit follows that codebook's own Table II layout and propositions."""
from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from duocode.cli import main

REPO = Path(__file__).resolve().parents[1]
TELECARE = REPO / "codebooks" / "telecare.yaml"
TELECARE_CORPUS = REPO / "corpora" / "telecare"


@pytest.fixture(scope="module")
def telecare_demo(tmp_path_factory):
    """One telecare demo per module, through the CLI, and its audit JSON. The pre-coder's cross-validation is
    most of the demo's time (about 8 of 15 s on a loaded 2-core machine); these tests read the audit, so it runs
    on the smallest number of folds (2 instead of the demo's 3)."""
    from click.testing import CliRunner

    from duocode.precode import demo as precode_demo

    if not TELECARE.is_file() or not (TELECARE_CORPUS / "cases.csv").is_file():
        pytest.skip("the telecare codebook or its corpus is not bundled")
    directory = tmp_path_factory.mktemp("tc") / "telecare-demo"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(precode_demo, "DEMO_FOLDS", 2)
        result = runner.invoke(main, ["demo", str(directory), "--codebook", "telecare", "--format", "json"])
    assert result.exit_code == 0, result.output
    audit = runner.invoke(main, ["audit", "--format", "json", "--project", str(directory)])
    assert audit.exit_code == 0, audit.output
    return directory, json.loads(result.stdout), json.loads(audit.stdout)


def test_telecare_demo_writes_the_audit_workbook_and_the_coders_workbooks(telecare_demo):
    directory, data, _ = telecare_demo
    assert data["audit"] == str(directory / "audit.xlsx")
    sheets = openpyxl.load_workbook(directory / "audit.xlsx").sheetnames
    assert {"Table II", "Evidence", "Propositions", "Agreement", "Cases", "Codebook"} <= set(sheets)
    coders = sorted(p.stem.removeprefix("codes_") for p in TELECARE_CORPUS.glob("codes_*.csv"))
    assert sorted(p.stem for p in (directory / "workbooks").iterdir()) == coders
    assert data["figures"]["documents"] == len(list((TELECARE_CORPUS / "interviews").glob("*.txt")))


def test_telecare_demo_audit_has_the_codebooks_own_matrix_and_propositions(telecare_demo):
    _, _, audit = telecare_demo
    cb = yaml.safe_load(TELECARE.read_text(encoding="utf-8"))
    variables = {v["id"]: v for v in cb["variables"]}
    types = [v["id"] for v in variables[cb["audit"]["type_variable"]]["values"]]
    rows = [r for g in cb["audit"]["row_groups"] for r in g["rows"]]
    assert list(audit["matrix"]) == types
    assert all(list(audit["matrix"][t]) == rows for t in types)
    assert list(audit["propositions"]) == [p["id"] for p in cb["propositions"]]
    assert audit["codebook"]["id"] == "telecare"
    for entry in audit["propositions"].values():
        assert entry["verdict"] in ("supported", "contradicted", "mixed", "no_evidence", "inconclusive")
        assert entry["test"] and (entry["p_value"] is not None or entry["reason"])


def test_an_unknown_codebook_is_refused_in_one_line_listing_those_with_a_corpus(runner, tmp_path):
    # Nothing is written.
    target = tmp_path / "nothing-here"
    result = runner.invoke(main, ["demo", str(target), "--codebook", "gardening"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no bundled corpus for codebook 'gardening'" in lines[0]
    assert "telecare" in lines[0] and "tmp" in lines[0]
    assert not target.exists()


def _words(path: Path) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text(encoding="utf-8")))


def test_no_code_names_the_second_codebook_and_the_demo_code_names_no_tmp_variable_or_coder():
    src = REPO / "src" / "duocode"
    assert not [p for p in src.rglob("*.py") if "telecare" in p.read_text(encoding="utf-8").lower()]
    tmp = yaml.safe_load((REPO / "codebooks" / "tmp.yaml").read_text(encoding="utf-8"))
    tele = yaml.safe_load(TELECARE.read_text(encoding="utf-8"))
    # the ids that belong to one codebook (with an underscore: plain words like "summary" say nothing)
    ids = {v["id"] for cb in (tmp, tele) for v in cb["variables"] if "_" in v["id"] and v["id"] != "is_case"}
    coders = {p.stem.removeprefix("codes_") for corpus in ("demo", "telecare")
              for p in (REPO / "corpora" / corpus).glob("codes_*.csv")}
    banned = ids | coders | {"TMP"}
    demo_modules = [src / "demo.py", src / "coding" / "demo.py", src / "audit" / "demo.py",
                    src / "precode" / "demo.py", src / "cli" / "demo.py"]
    found = {p.relative_to(src).as_posix(): sorted(_words(p) & banned) for p in demo_modules}
    assert found == {p.relative_to(src).as_posix(): [] for p in demo_modules}


def test_terminal_audit_shows_each_test_and_the_conditions_brackets(telecare_demo, runner):
    directory, _, audit = telecare_demo
    result = runner.invoke(main, ["audit", "--project", str(directory)])
    assert result.exit_code == 0, result.output
    assert "Propositions: the tests behind the verdicts" in result.output
    assert "binomial" in result.output and "permutation" in result.output
    # P2's groups are "mode in [phone, message]": shown as written, not swallowed as rich markup
    assert "[phone" in result.output
