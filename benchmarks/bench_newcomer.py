"""A newcomer's first ten minutes: ``python benchmarks/bench_newcomer.py [--no-suite] [--repeat R]``.

Prints, on this machine:
1. ``duocode demo`` wall time, from the installed command to the audit workbook (target <= 30 s).
2. The test suite's wall time, ``python -m pytest`` as ``make test`` runs it (target <= 240 s; ``--no-suite``
   leaves it out).
3. Start-up: ``duocode --help`` against a process that only imports click (target ratio <= 1.5).
4. ``duocode agreement FILE.csv`` against a process that reads the same CSV with the csv module and calls the
   ``krippendorff`` package (target ratio <= 3).
Times of short processes are the median of ``--repeat`` runs.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DUOCODE = str(BIN / "duocode")

KRIPPENDORFF_ONLY = """
import csv, sys
import numpy as np
import krippendorff
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
units = sorted({r["unit"] for r in rows}); coders = sorted({r["coder"] for r in rows})
values = sorted({r["code"] for r in rows})
m = np.full((len(coders), len(units)), np.nan)
u = {x: i for i, x in enumerate(units)}; c = {x: i for i, x in enumerate(coders)}; v = {x: i for i, x in enumerate(values)}
for r in rows:
    m[c[r["coder"]], u[r["unit"]]] = v[r["code"]]
print(krippendorff.alpha(reliability_data=m, level_of_measurement="nominal"))
"""


# As on a researcher's machine, Python caches compiled modules (some sandboxes turn that off for everything).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, **kw)
    return time.perf_counter() - t0


def median_wall(cmd: list[str], repeat: int) -> float:
    wall(cmd)   # warm the file cache
    return statistics.median(wall(cmd) for _ in range(repeat))


def agreement_csv(path: Path, n_units: int = 300, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "coder", "code"])
        for k in range(n_units):
            truth = rng.choice("abcd")
            for coder in ("anna", "ben"):
                w.writerow([f"U{k:04d}", coder, truth if rng.random() < 0.8 else rng.choice("abcd")])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-suite", action="store_true", help="leave out the test suite's time")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="duocode-newcomer-"))
    try:
        demo = wall([DUOCODE, "demo", str(work / "demo-project")])
        print(f"demo: {demo:.1f} s  (target <= 30 s)", flush=True)
        if not args.no_suite:
            suite = wall([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=REPO)
            print(f"test suite: {suite:.0f} s  (target <= 240 s)", flush=True)
        click_only = median_wall([sys.executable, "-c", "import click"], args.repeat)
        helped = median_wall([DUOCODE, "--help"], args.repeat)
        print(f"start-up: duocode --help {helped * 1000:.0f} ms, import click {click_only * 1000:.0f} ms, "
              f"ratio {helped / click_only:.2f}  (target <= 1.5)", flush=True)
        data = work / "codes.csv"
        agreement_csv(data)
        ours = median_wall([DUOCODE, "agreement", str(data)], args.repeat)
        theirs = median_wall([sys.executable, "-c", KRIPPENDORFF_ONLY, str(data)], args.repeat)
        print(f"agreement: duocode agreement {ours * 1000:.0f} ms, csv + krippendorff {theirs * 1000:.0f} ms, "
              f"ratio {ours / theirs:.2f}  (target <= 3)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
