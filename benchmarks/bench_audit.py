"""Time ``duocode audit`` for 5,000 coded cases (target: under 10 s).

Builds a throw-away project (the bundled TMP codebook, 100 synthetic interview documents of 50 cases each, about
900 characters per case) in which two coders coded every case on every variable, differing on about one value in
ten; the disagreements are settled as consensus (as an imported reconcile workbook would) and the agreed values
are taken over automatically. Then times, separately:

- the audit itself (``build_audit``: reading consensus, matrix, summary, propositions),
- the JSON and Markdown renderings,
- the audit workbook (every sheet, with agreement computed by the agreement engine),
- the whole ``duocode audit -o audit.xlsx`` command in a fresh process.

Usage: python benchmarks/bench_audit.py [N_CASES]
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _synthetic import add_case_documents

TARGET_SECONDS = 10.0
ATTRS = ("positive_performance", "positive_benevolence", "positive_value", "negative_performance",
         "negative_benevolence", "negative_value")
EFFECTS = {"interaction": ("illusionary_benevolence", "privacy_halo", "other"),
           "transaction_outcome": ("customized_value", "customization_cost", "other"),
           "continuity": ("accuracy", "service_tendencies", "other")}


def random_codes(rng: random.Random) -> dict[str, str]:
    t = rng.choice(list(EFFECTS))
    codes = {"is_case": "yes", "tmp_type": t, "effect": rng.choice(EFFECTS[t]),
             "summary": rng.choice(("negative", "equilibrium", "positive")),
             "channel": rng.choice(("telephone", "email", "web", "mail", "in_person", "other")),
             "privacy_sensitivity": rng.choice(("high", "low", "unknown")),
             "preference_clarity": rng.choice(("clear", "fuzzy", "unknown"))}
    for a in ATTRS:
        codes[a] = "yes" if rng.random() < 0.3 else "no"
    if t == "continuity":
        codes["past_accurate_recs"] = str(rng.randint(0, 8))
    return codes


def code_two_coders(project, rng: random.Random, case_ids: list[str], *, consensus_file: str) -> None:
    """Codes of ines and jonas for every case on every variable, jonas differing on about one value in ten; the
    agreed values taken over automatically and every disagreement settled as consensus (recorded as coming from
    ``consensus_file``)."""
    from duocode.audit.consensus import auto_consensus, disagreements
    from duocode.store.codes import CodeRow, set_codes

    codebook = project.codebook
    with project.transaction():
        rows = []
        for cid in case_ids:
            ines = random_codes(rng)
            jonas = dict(ines)
            for var in list(jonas):
                if var != "is_case" and rng.random() < 0.1:
                    v = codebook.variables_by_id[var]
                    jonas[var] = rng.choice(v.value_ids) if v.is_categorical else str(rng.randint(0, 8))
            rows += [CodeRow(cid, var, "ines", val) for var, val in ines.items()]
            rows += [CodeRow(cid, var, "jonas", val) for var, val in jonas.items()]
        set_codes(project, rows, source_file="bench")
    auto_consensus(project)
    with project.transaction():
        set_codes(project, [CodeRow(d.case_id, d.variable, "consensus", next(iter(d.values.values())) or "",
                                    reason="settled in the benchmark", decided_by="ines & jonas")
                            for d in disagreements(project)], source_file=consensus_file, action="consensus")
    assert not disagreements(project)


def build(directory: Path, n_cases: int):
    from duocode.codebook import load_codebook
    from duocode.store import Project

    rng = random.Random(5)
    project = Project.create(directory, load_codebook("tmp"))
    ids = add_case_documents(project, rng, n_cases, words_per_case=160, id_width=5)
    code_two_coders(project, rng, ids, consensus_file="bench-reconcile.xlsx")
    return project


def main(argv: list[str]) -> int:
    from duocode.audit.report import build_audit

    n_cases = int(argv[0]) if argv else 5000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        project = build(tmp / "proj", n_cases)
        t_build = time.perf_counter() - t0

        t0 = time.perf_counter()
        result = build_audit(project)
        t_audit = time.perf_counter() - t0
        t0 = time.perf_counter()
        json.dumps(result.to_dict())
        t_json = time.perf_counter() - t0
        t0 = time.perf_counter()
        result.to_markdown()
        t_md = time.perf_counter() - t0
        t0 = time.perf_counter()
        result.write_xlsx(tmp / "audit.xlsx")
        t_xlsx = time.perf_counter() - t0
        project.close()

        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "duocode", "audit", "-o", str(tmp / "cli.xlsx"), "--project",
                        str(tmp / "proj")], check=True, capture_output=True, env=env)
        t_cli = time.perf_counter() - t0

    evidence_rows = sum(len(c.cases) for t in result.matrix.types for c in result.matrix.cells[t].values())
    print(f"cases: {n_cases} (2 coders, consensus on every value; project built in {t_build:.1f} s)")
    print(f"build_audit (matrix, summary, {len(result.propositions)} propositions): {t_audit:.2f} s")
    print(f"JSON: {t_json:.2f} s; Markdown: {t_md:.2f} s")
    print(f"audit workbook ({evidence_rows} evidence lines, agreement included): {t_xlsx:.2f} s")
    print(f"`duocode audit -o audit.xlsx` in a fresh process: {t_cli:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    ok = t_cli < TARGET_SECONDS and t_audit + t_xlsx < TARGET_SECONDS
    print("OK" if ok else "TOO SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
