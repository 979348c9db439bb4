"""`-o FILE`: the format comes from the extension; impossible or dangerous outputs are refused up front."""
from pathlib import Path

from duocode.cli import main

MINI = str(Path(__file__).parent.parent / "data" / "mini_codebook.yaml")


def _project(runner, tmp_path):
    directory = tmp_path / "study"
    assert runner.invoke(main, ["init", str(directory), "--codebook", MINI]).exit_code == 0
    return directory


def test_format_the_command_cannot_write_is_refused_with_the_ones_it_can(runner, tmp_path):
    project = _project(runner, tmp_path)
    result = runner.invoke(main, ["documents", "list", "--project", str(project), "-o", str(tmp_path / "d.xlsx")])
    assert result.exit_code == 1
    assert "this command cannot write xlsx" in result.stderr and "expected one of" in result.stderr
    assert not (tmp_path / "d.xlsx").exists()


def test_unknown_extension_is_a_usage_error(runner, tmp_path):
    project = _project(runner, tmp_path)
    result = runner.invoke(main, ["cases", "list", "--project", str(project), "-o", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr


def test_writing_over_the_project_database_is_refused(runner, tmp_path):
    project = _project(runner, tmp_path)
    before = (project / "duocode.db").read_bytes()
    result = runner.invoke(main, ["cases", "list", "--project", str(project), "--format", "json",
                                  "-o", str(project / "duocode.db")])
    assert result.exit_code == 1
    assert "refusing to write over a database" in result.stderr
    assert (project / "duocode.db").read_bytes() == before


def test_output_into_a_missing_folder_names_the_folder(runner, tmp_path):
    project = _project(runner, tmp_path)
    result = runner.invoke(main, ["cases", "list", "--project", str(project), "-o", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'no'}: the folder does not exist (expected an existing folder for -o)\n"


def test_json_to_a_file_keeps_stdout_empty(runner, tmp_path):
    project = _project(runner, tmp_path)
    out = tmp_path / "c.json"
    result = runner.invoke(main, ["cases", "list", "--project", str(project), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("{")
