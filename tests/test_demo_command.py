"""`duocode demo` runs every stage on the bundled corpus and ends with the audit workbook."""
import json

import pytest

from duocode.cli import main

EFFECTS = {"illusionary_benevolence", "privacy_halo", "customized_value", "customization_cost", "accuracy",
           "service_tendencies"}


@pytest.fixture
def demo_run(built_demo):
    return built_demo[:2]


def test_demo_names_each_stage_as_it_starts(built_demo):
    stages = [line.removeprefix("… ") for line in built_demo[2].splitlines() if line.startswith("… ")]
    detecting, suggesting = "pre-coding, detecting candidate cases: ", "pre-coding, suggesting codes: "
    evaluating = "pre-coding, evaluating against the consensus: "
    assert stages == ["ingesting the demo interviews", "writing, filling and importing the coders' workbooks",
                      "computing agreement", "reconciling and writing the audit workbook",
                      detecting + "reading the 96 documents that hold cases", detecting + "training the detector",
                      detecting + "scanning the documents",
                      suggesting + "reading the cases", suggesting + "fitting 13 variables",
                      evaluating + "reading the coded cases", evaluating + "cross-validating 13 variables (3 folds)",
                      evaluating + "cross-validating detection (3 folds, documents out)",
                      "writing the methods report"]


def test_demo_progress_on_a_terminal_is_a_rich_bar_per_stage(monkeypatch, capsys):
    import sys

    from duocode.cli._base import stage_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with stage_progress() as say:
        say("first stage")
        say("second stage", 0, 13)
        say("second stage", 7, 13)
    err = capsys.readouterr().err
    assert "first stage" in err and "second stage" in err and "✓" in err
    assert "13/13" in err   # a stage that reports a count shows it (ticked off in full once the next began)


def test_progress_off_a_terminal_is_one_line_per_stage_not_per_item(capsys):
    from duocode.cli._base import stage_progress

    with stage_progress() as say:
        for k in range(5):
            say("fitting 5 variables", k, 5)
        say("next stage")
    assert capsys.readouterr().err.splitlines() == ["… fitting 5 variables", "… next stage"]


def test_demo_reports_every_stage_and_the_audit_path(demo_run):
    directory, data = demo_run
    assert [s["step"] for s in data["steps"]] == ["ingest", "cases", "dual coding", "agreement",
                                                  "consensus + audit", "pre-coding", "report"]
    assert data["audit"] == str(directory / "audit.xlsx")
    assert (directory / "audit.xlsx").is_file()
    assert data["report"] == str(directory / "report.md")
    assert (directory / "report.md").read_text(encoding="utf-8").startswith("# Methods and results")
    # built over an earlier demo project: what that one left (workbooks/stale.xlsx) is gone
    assert {p.name for p in (directory / "workbooks").iterdir()} == {"ines.xlsx", "jonas.xlsx"}


def test_demo_table_ii_finds_every_effect_and_has_a_not_found_cell(demo_run):
    from duocode.audit.report import build_audit
    from duocode.store import Project

    directory, _ = demo_run
    with Project.open(directory) as project:
        matrix = build_audit(project).to_dict()["matrix"]
    found = {e for cells in matrix.values() for cell in cells.values() for e in cell["found"]}
    assert EFFECTS <= found
    assert any(cell["not_found"] for cells in matrix.values() for cell in cells.values())


def test_demo_agreement_is_computed_from_both_coders_only(demo_run):
    from duocode.audit import agree
    from duocode.store import Project

    directory, _ = demo_run
    with Project.open(directory) as project:
        data = agree(project).to_dict()["variables"]
    assert data["tmp_type"]["n_coders"] == 2
    assert 0.6 < data["tmp_type"]["coefficients"]["cohen_kappa"]["value"] < 1.0


def test_demo_rebuilds_its_own_project_but_refuses_another(demo_run, runner, tmp_path):
    other = tmp_path / "study"
    assert runner.invoke(main, ["init", str(other)]).exit_code == 0
    result = runner.invoke(main, ["demo", str(other)])
    assert result.exit_code == 1
    assert "not made by `duocode demo`" in result.output


def test_demo_refuses_to_rebuild_a_folder_that_also_holds_other_files(runner, demo_copy, take_snapshot):
    from duocode.store import Project

    directory = demo_copy
    (directory / "my_notes.txt").write_text("mine")
    with Project.open(directory) as project:
        before = take_snapshot(project)
    result = runner.invoke(main, ["demo", str(directory)])
    assert result.exit_code == 1
    assert "other files (my_notes.txt)" in result.stderr
    assert (directory / "my_notes.txt").read_text() == "mine"
    with Project.open(directory) as project:
        assert take_snapshot(project) == before


def test_demo_refuses_to_rebuild_a_demo_project_holding_other_coders_work(runner, demo_copy):
    from duocode.store import Project
    from duocode.store.codes import CodeRow, set_codes

    directory = demo_copy
    with Project.open(directory) as project, project.transaction():
        set_codes(project, [CodeRow("C001", "tmp_type", "zed", "interaction")])
    result = runner.invoke(main, ["demo", str(directory)])
    assert result.exit_code == 1
    assert "coders the demo did not create (zed)" in result.stderr
    with Project.open(directory) as project:
        assert "zed" in project.coders(kind="human")
