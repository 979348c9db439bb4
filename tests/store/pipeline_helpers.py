"""The whole pipeline through the command line, on either backend (the bundled demo corpus, first 60 cases):
shared by the backend and the migrate tests."""
from __future__ import annotations

import csv
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "corpora" / "demo"
N_CASES = 60


def _head(src: Path, dst: Path, n: int = N_CASES) -> Path:
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with dst.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:n + 1])
    return dst


def run_pipeline(folder: Path, database: str | None) -> dict:
    """Every step through the CLI; returns the JSON of ``agree`` and ``audit``."""
    from click.testing import CliRunner

    from duocode.cli import main

    runner = CliRunner()
    data = folder.parent / "data"
    data.mkdir(exist_ok=True)

    def run(*args: str) -> str:
        result = runner.invoke(main, [*args, "--project", str(folder)] if args[0] != "init" else list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    run("init", str(folder), "--codebook", "tmp", *(["--database", database] if database else []))
    run("ingest", str(DEMO / "interviews"), "--informants", str(DEMO / "informants.csv"))
    run("cases", "import", str(_head(DEMO / "cases.csv", data / "cases.csv")))
    for coder in ("ines", "jonas"):
        run("codes", "import", str(_head(DEMO / f"codes_{coder}.csv", data / f"codes_{coder}.csv")),
            "--coder", coder)
    agree = json.loads(run("agree", "--format", "json"))
    run("consensus", "import", str(_head(DEMO / "consensus.csv", data / "consensus.csv")))
    audit = json.loads(run("audit", "--format", "json"))
    assert audit.pop("generated_at")   # the one field that differs between two runs: the time of the run
    return {"agree": agree, "audit": audit}
