"""`duocode init` and `duocode codebook show|validate` through click's runner."""
import json
from pathlib import Path

from duocode.cli import main
from duocode.store import Project

MINI = str(Path(__file__).parent.parent / "data" / "mini_codebook.yaml")
BAD = Path(__file__).parent.parent / "codebook" / "data"


def test_init_creates_project_with_codebook(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "study"), "--codebook", MINI, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["codebook"] == "mini"
    with Project.open(tmp_path / "study") as project:
        assert project.codebook.variable_ids[:2] == ["is_case", "kind"]


def test_init_refuses_existing_project_and_changes_nothing(runner, tmp_path):
    runner.invoke(main, ["init", str(tmp_path / "study"), "--codebook", MINI])
    before = (tmp_path / "study" / "duocode.db").read_bytes()
    result = runner.invoke(main, ["init", str(tmp_path / "study"), "--codebook", MINI])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'study' / 'duocode.db'}: a duocode project already exists here; "
                             "nothing was changed\n")
    assert (tmp_path / "study" / "duocode.db").read_bytes() == before


def test_init_with_bad_codebook_exits_1_and_creates_nothing(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "study"), "--codebook", str(BAD / "bad_level.yaml")])
    assert result.exit_code == 1
    assert "bad_level.yaml:line 7: variables[0].level: 'categorical' is not allowed" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "study").exists()


def test_codebook_validate_lists_every_problem(runner):
    result = runner.invoke(main, ["codebook", "validate", str(BAD / "bad_proposition.yaml")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("Error: ") for line in lines)


def test_codebook_show_json_is_one_document(runner):
    result = runner.invoke(main, ["codebook", "show", MINI, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [v["id"] for v in data["variables"]] == ["is_case", "kind", "good", "mood", "count"]


def test_unknown_option_is_usage_error_exit_2(runner):
    assert runner.invoke(main, ["init", "--nope"]).exit_code == 2


def test_version(runner):
    assert runner.invoke(main, ["--version"]).output.startswith("duocode, version ")


def test_init_accepts_the_project_option_like_every_command(runner, tmp_path):
    result = runner.invoke(main, ["init", "--project", str(tmp_path / "viaopt"), "--codebook", MINI])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "viaopt" / "duocode.db").is_file()


def test_init_with_two_different_folders_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "a"), "--project", str(tmp_path / "b")])
    assert result.exit_code == 2
