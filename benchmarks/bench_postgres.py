"""Eight coders coding one PostgreSQL project at once: each of 8 coders imports their codes for the same 500 cases
(the TMP codebook's categorical variables) in a process of their own, connected as their own database role, all
starting together. Prints the throughput, then checks that nothing was lost (every coder's every code is stored
and logged once) and nothing leaked (no coder's role can read another coder's codes or their log entries).

Starts a throw-away PostgreSQL server (the tests' ``tests/pg_test_server.py``); needs the server binaries and
psycopg. Usage: python benchmarks/bench_postgres.py [N_CODERS] [N_CASES]
"""
from __future__ import annotations

import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from _synthetic import add_case_documents

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def as_role(url: str, role: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)


def write_csv(path: Path, case_ids: list[str], variables, rng: random.Random) -> int:
    lines = ["case_id," + ",".join(v.id for v in variables)]
    for cid in case_ids:
        lines.append(cid + "," + ",".join(rng.choice(v.values).id for v in variables))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(case_ids) * len(variables)


def coder_session(folder: str, url: str, coder: str, csv_path: str, start, done) -> None:
    os.environ["DUOCODE_DATABASE"] = url
    from duocode.coding import import_codes
    from duocode.store import Project

    with Project.open(folder) as project:
        start.wait()
        t0 = time.perf_counter()
        project.retrying(lambda: import_codes(project, csv_path, coder))
        done.put((coder, time.perf_counter() - t0))


def main(n_coders: int = 8, n_cases: int = 500) -> int:
    import pg_test_server

    reason = pg_test_server.unavailable_reason()
    if reason:
        print(f"skipped: {reason}")
        return 0
    import psycopg

    from duocode.codebook import load_codebook
    from duocode.store import Project, add_team_role

    rng = random.Random(19)
    with pg_test_server.TempServer() as server, tempfile.TemporaryDirectory() as tmp:
        url = server.url(server.new_database("bench"))
        folder = Path(tmp) / "study"
        codebook = load_codebook("tmp")
        variables = [v for v in codebook.variables if v.is_categorical and v.values and not v.applies_to]
        suffix = os.urandom(2).hex()
        coders = [f"coder{i + 1}" for i in range(n_coders)]
        roles = {c: f"{c}_{suffix}" for c in coders}
        with Project.create(folder, codebook, database=url) as lead:
            case_ids = add_case_documents(lead, rng, n_cases, words_per_case=60)
            for c in coders:
                add_team_role(lead, roles[c], coder=c)
            events_before = lead.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        files = {c: Path(tmp) / f"{c}.csv" for c in coders}
        per_coder = {c: write_csv(files[c], case_ids, variables, rng) for c in coders}

        ctx = multiprocessing.get_context("spawn")
        start, done = ctx.Barrier(n_coders + 1), ctx.Queue()
        procs = [ctx.Process(target=coder_session, args=(str(folder), as_role(url, roles[c]), c, str(files[c]),
                                                          start, done)) for c in coders]
        for p in procs:
            p.start()
        start.wait()
        t0 = time.perf_counter()
        times = dict(done.get(timeout=600) for _ in coders)
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()
        failed = [c for c, p in zip(coders, procs) if p.exitcode != 0]

        total = sum(per_coder.values())
        print(f"{n_coders} coders x {n_cases} cases x {len(variables)} variables = {total:,} codes, at once, "
              f"each as their own role")
        print(f"wall time {wall:.2f} s: {total / wall:,.0f} codes/s, {n_coders * n_cases / wall:,.0f} coded "
              f"cases/s (one coder's import {min(times.values()):.2f}-{max(times.values()):.2f} s)")

        lost = []
        with psycopg.connect(url) as conn:   # the owner, who reads everything
            for c in coders:
                stored = conn.execute("SELECT count(*) FROM codes WHERE coder = %s", (c,)).fetchone()[0]
                logged = conn.execute("SELECT count(*) FROM events WHERE coder = %s AND entity = 'code'",
                                      (c,)).fetchone()[0]
                if stored != per_coder[c] or logged != per_coder[c]:
                    lost.append(f"{c}: {stored} stored, {logged} logged of {per_coder[c]}")
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0] - events_before
        leaked = []
        for c in coders:
            with psycopg.connect(as_role(url, roles[c])) as conn:
                seen = conn.execute("SELECT count(*) FROM codes WHERE coder <> %s", (c,)).fetchone()[0]
                seen += conn.execute("SELECT count(*) FROM events WHERE coder <> %s AND entity = 'code'",
                                     (c,)).fetchone()[0]
                own = conn.execute("SELECT count(*) FROM codes WHERE coder = %s", (c,)).fetchone()[0]
                if seen or own != per_coder[c]:
                    leaked.append(f"{c} sees {seen} rows of others, {own} of its own")
        print(f"lost: {len(lost)} coders {lost or ''}; failed processes: {failed or 'none'}; "
              f"log entries written: {events:,}")
        print(f"leaked: {len(leaked)} coders {leaked or ''} (each role read only its own {per_coder[coders[0]]:,} "
              "codes)")
        return 1 if lost or leaked or failed else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
