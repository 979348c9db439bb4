"""The consensus layer: agreed values taken over, disagreements listed, settled values imported from CSV."""
from __future__ import annotations

import json

import pytest

from audit_fixtures import MINI, build_project, snapshot
from duocode.audit.consensus import (Disagreement, auto_consensus, disagreements, import_consensus_csv)
from duocode.cli import main
from duocode.errors import InputError
from duocode.store.codes import code_rows, codes_by_case

TEXTS = {f"C{i}": ("D1", f"Passage number {i} about a shop.") for i in range(1, 7)}
CODERS = {
    "ines": {"C1": {"kind": "alpha", "good": "yes"},
             "C2": {"kind": "beta", "count": "3"},
             "C3": {"is_case": "no"},                      # only the derived case-finding code
             "C4": {"kind": "alpha"},
             "C5": {"is_case": "no", "kind": "alpha"},
             "C6": {"good": "yes"}},
    "jonas": {"C1": {"kind": "alpha", "good": "no"},
              "C2": {"kind": "beta"},
              "C3": {"is_case": "yes", "kind": "alpha"},
              "C5": {"is_case": "no", "kind": "beta"},
              "C6": {"good": "yes"}},
}


@pytest.fixture
def project(tmp_path):
    p = build_project(tmp_path / "p", MINI, TEXTS, CODERS, consensus={"C6": {"good": "no"}})
    yield p
    p.close()


def test_disagreements_lists_each_case_variable_where_coders_differ(project):
    # C1 good: yes/no; C2 count: 3 against a blank; C3 is_case: no/yes. C3 kind is not one (ines coded only the
    # derived is_case), C4 has one coder, C5 is not a case by agreement, C6 is decided already.
    assert disagreements(project) == [
        Disagreement("C1", "good", {"ines": "yes", "jonas": "no"}),
        Disagreement("C2", "count", {"ines": "3", "jonas": None}),
        Disagreement("C3", "is_case", {"ines": "no", "jonas": "yes"}),
    ]


def test_auto_consensus_takes_over_values_all_coders_agree_on(project):
    result = auto_consensus(project)
    consensus = {(r.case_id, r.variable): (r.value, r.reason, r.decided_by) for r in code_rows(project, "consensus")}
    assert consensus == {("C1", "kind"): ("alpha", "agreed", "auto"), ("C2", "kind"): ("beta", "agreed", "auto"),
                         ("C5", "is_case"): ("no", "agreed", "auto"), ("C6", "good"): ("no", "test", "test")}
    assert (result.agreed, result.open_disagreements) == (3, 3)


def test_auto_consensus_never_overwrites_a_decision(project):
    auto_consensus(project)
    assert codes_by_case(project, "consensus")["C6"] == {"good": "no"}


def test_auto_consensus_logs_each_new_value_and_leaves_coders_codes_alone(project):
    before = code_rows(project, "ines") + code_rows(project, "jonas")
    auto_consensus(project)
    events = [e for e in project.events(entity="code") if e["coder"] == "consensus" and e["action"] == "consensus"]
    assert [(e["entity_id"], e["variable"], e["old_value"], e["new_value"]) for e in events] == [
        ("C1", "kind", None, "alpha"), ("C2", "kind", None, "beta"), ("C5", "is_case", None, "no")]
    assert json.loads(events[0]["detail"]) == {"reason": "agreed", "decided_by": "auto"}
    assert code_rows(project, "ines") + code_rows(project, "jonas") == before


def test_auto_consensus_twice_writes_nothing_new(project):
    auto_consensus(project)
    n = len(project.events())
    assert auto_consensus(project).agreed == 0 and len(project.events()) == n


def test_consensus_csv_settles_disagreements_with_reason_and_decider(project, tmp_path):
    csv = tmp_path / "settled.csv"
    csv.write_text("case_id,good,count,is_case,reason\n"
                   "C1,yes,,,she praised the staff\n"
                   "C2,,,,count not stated\n"
                   "C3,,,yes,\n", encoding="utf-8")
    result = import_consensus_csv(project, csv, decided_by="team meeting")
    rows = {(r.case_id, r.variable): (r.value, r.reason, r.decided_by) for r in code_rows(project, "consensus")}
    assert rows[("C1", "good")] == ("yes", "she praised the staff", "team meeting")
    assert rows[("C2", "count")] == ("", "count not stated", "team meeting")   # decided: not coded
    assert rows[("C3", "is_case")] == ("yes", None, "team meeting")
    # Blank cells where no coder coded anything store nothing (C1 count, C2 good, C3 good, ...).
    assert ("C1", "count") not in rows and ("C2", "good") not in rows and ("C3", "good") not in rows
    assert disagreements(project) == []
    assert result.counts["added"] == 3 and result.agreed == 3 and result.open_disagreements == 0


def test_consensus_csv_keeps_an_equal_decision_and_its_reason(project, tmp_path):
    csv = tmp_path / "settled.csv"
    csv.write_text("case_id,good,reason\nC6,no,new words\n", encoding="utf-8")
    result = import_consensus_csv(project, csv)
    assert result.counts["unchanged"] == 1
    assert [r.reason for r in code_rows(project, "consensus") if r.case_id == "C6"] == ["test"]


def test_consensus_csv_revises_an_earlier_decision_and_the_log_keeps_both(project, tmp_path):
    csv = tmp_path / "settled.csv"
    csv.write_text("case_id,good,reason\nC6,yes,both coders were right after all\n", encoding="utf-8")
    import_consensus_csv(project, csv)
    assert codes_by_case(project, "consensus")["C6"]["good"] == "yes"
    change = [e for e in project.events(entity="code") if e["coder"] == "consensus" and e["entity_id"] == "C6"][-1]
    assert (change["old_value"], change["new_value"], change["source_file"]) == ("no", "yes", str(csv))


def test_consensus_csv_default_decider_is_the_coders(project, tmp_path):
    csv = tmp_path / "settled.csv"
    csv.write_text("case_id,good\nC1,no\n", encoding="utf-8")
    import_consensus_csv(project, csv)
    assert [r.decided_by for r in code_rows(project, "consensus") if r.case_id == "C1" and r.variable == "good"] \
        == ["ines & jonas"]


def test_consensus_csv_with_bad_cells_is_refused_whole(project, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("case_id,good,reason\nC1,maybe,x\nC99,yes,y\nC2,no,z\n", encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(InputError) as info:
        import_consensus_csv(project, csv)
    messages = [str(p) for p in info.value.problems]
    assert any("line 2" in m and "'maybe' is not a value of good" in m for m in messages)
    assert any("line 3" in m and "unknown case id 'C99'" in m for m in messages)
    assert snapshot(project) == before


def test_cli_consensus_import_reports_counts_as_json(project, runner, tmp_path):
    csv = tmp_path / "settled.csv"
    csv.write_text("case_id,good,reason\nC1,yes,agreed in the meeting\n", encoding="utf-8")
    result = runner.invoke(main, ["consensus", "import", str(csv), "--project", str(project.directory),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["added"], data["open_disagreements"]) == (1, 2)


def test_cli_consensus_import_bad_file_exits_1_with_one_line_per_problem(project, runner, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("case_id,good,colour\nC1,maybe,red\n", encoding="utf-8")
    before = snapshot(project)
    result = runner.invoke(main, ["consensus", "import", str(csv), "--project", str(project.directory)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"Error: {csv}:line ") for line in lines)
    assert "Traceback" not in result.output
    assert snapshot(project) == before
