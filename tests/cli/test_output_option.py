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


def _writing_commands():
    """Every command with an ``-o`` option, as the words that invoke it, found by walking the CLI."""
    import click

    found = []

    def walk(cmd, words):
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, words + [name])
        elif any("-o" in p.opts for p in cmd.params if isinstance(p, click.Option)):
            found.append((words, cmd))
    walk(main, [])
    return found


def _invocation(words, cmd, output):
    """``words`` plus dummy values for the command's other required parameters, and ``-o output``."""
    import click

    args = list(words)
    for p in cmd.params:
        if isinstance(p, click.Argument) and p.required:
            args.append("x")
        elif isinstance(p, click.Option) and p.required and "-o" not in p.opts:
            args += [p.opts[0], "x"]
    return args + ["-o", str(output)]


def test_the_cli_has_the_writing_commands_we_expect():
    names = {" ".join(w) for w, _ in _writing_commands()}
    assert {"agree", "agreement", "audit", "reconcile", "sheet", "cases list", "precode evaluate"} <= names


def test_every_writing_command_refuses_a_missing_folder_a_file_as_folder_and_a_read_only_place(
        runner, tmp_path, monkeypatch):
    import os

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    real_access = os.access
    # the tests may run as root, for whom no folder is read-only: the one place is made so for this process
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == read_only and mode & os.W_OK
                        else real_access(p, mode, **kw))
    cases = [(tmp_path / "no" / "x.xlsx", tmp_path / "no", "the folder does not exist"),
             (blocker / "x.xlsx", blocker, "is not a folder"),
             (read_only / "x.xlsx", read_only, "cannot be written to")]
    for words, cmd in _writing_commands():
        for output, named, message in cases:
            result = runner.invoke(main, _invocation(words, cmd, output))
            assert result.exit_code == 1, (words, output, result.output)
            assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), words
            assert result.stderr.startswith(f"Error: {named}: {message}"), (words, result.stderr)
            assert result.stderr.count("\n") == 1, (words, result.stderr)
    assert list(read_only.iterdir()) == [] and not (tmp_path / "no").exists()
