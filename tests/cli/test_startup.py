"""The CLI starts fast: loading every command must not import the heavy libraries."""
import subprocess
import sys

HEAVY = ("pandas", "numpy", "spacy", "sklearn", "openpyxl", "docx", "pypdf", "scipy", "rich", "wordllama",
         "tokenizers", "psycopg")


def test_loading_every_command_imports_no_heavy_library():
    code = ("import sys, duocode.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_has_help_with_an_example():
    import click

    from duocode.cli import main

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield " ".join(path), cmd

    missing = [name for name, cmd in walk(main, []) if "Example" not in (cmd.help or "")]
    assert missing == []


def test_every_command_is_in_the_readme():
    from pathlib import Path

    import click

    from duocode.cli import main

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    names = []
    for name, cmd in main.commands.items():
        if isinstance(cmd, click.Group):
            names += [f"duocode {name} {sub}" for sub in cmd.commands]
        else:
            names.append(f"duocode {name}")
    assert [n for n in names if n not in readme] == []


def test_agreement_on_a_csv_file_never_imports_pandas(tmp_path):
    """Reading the CSV and computing the coefficients needs numpy only (issue 20: <= 3x csv + krippendorff)."""
    import subprocess
    import sys

    f = tmp_path / "codes.csv"
    f.write_text("unit,coder,code\n1,a,x\n1,b,x\n2,a,y\n2,b,x\n3,a,y\n3,b,y\n", encoding="utf-8")
    code = ("import sys; from duocode.cli import main\n"
            "try:\n    main(['agreement', sys.argv[1], '--format', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True)
    assert '"krippendorff_alpha"' in out.stdout
    assert out.stderr.strip().endswith("NO-PANDAS"), out.stderr
