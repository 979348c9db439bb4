"""Several coders writing one project at once lose nothing and never see "database is locked"; a writer killed in
the middle of its transaction leaves the project as it was. On both backends."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
MINI_CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"
N_CASES = 40
CODERS = ("ana", "ben", "cai", "dee")


def _project_with_cases(folder: Path, database: str | None) -> None:
    from duocode.codebook import load_codebook
    from duocode.store import Case, Document, Project, insert_cases, insert_document

    text = " ".join(f"w{i:03d}" for i in range(N_CASES))
    with Project.create(folder, load_codebook(MINI_CODEBOOK), database=database) as p, p.transaction():
        insert_document(p, Document("D1", text, "txt"))
        insert_cases(p, [Case(f"C{i:02d}", "D1", 5 * i, 5 * i + 4, "") for i in range(N_CASES)])


def _csv(folder: Path, coder: str, value: str) -> Path:
    path = folder.parent / f"{coder}-{value}.csv"
    path.write_text("case_id,kind,good\n" + "".join(f"C{i:02d},{value},{'yes' if i % 2 else 'no'}\n"
                                                   for i in range(N_CASES)), encoding="utf-8")
    return path


def test_coders_importing_at_once_lose_nothing(tmp_path, database):
    from duocode.coding import import_codes
    from duocode.store import Project, codes_by_case

    folder = tmp_path / "study"
    _project_with_cases(folder, database)
    files = {c: [_csv(folder, c, "alpha"), _csv(folder, c, "beta")] for c in CODERS}
    start = threading.Barrier(len(CODERS))
    errors: list[BaseException] = []

    def coder_session(coder: str) -> None:
        try:
            with Project.open(folder) as p:
                start.wait()
                for path in files[coder]:   # two imports each: every code is written, then changed
                    import_codes(p, path, coder)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=coder_session, args=(c,)) for c in CODERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Project.open(folder) as p:
        for coder in CODERS:
            codes = codes_by_case(p, coder)
            assert len(codes) == N_CASES and {c["kind"] for c in codes.values()} == {"beta"}
        # every change is in the log: per coder 2 x 40 codes added, then 40 changed
        assert len(p.events(entity="code")) == len(CODERS) * N_CASES * 3


KILLED_WRITER = r"""
import sys, time
from duocode.store import CodeRow, Project, set_codes

p = Project.open(sys.argv[1])
with p.transaction():
    set_codes(p, [CodeRow(f"C{i:02d}", "kind", "zed", "alpha") for i in range(40)], source_file="half.csv")
    print("WRITTEN", flush=True)
    time.sleep(60)   # killed here, before the commit
"""


def test_a_writer_killed_mid_transaction_leaves_the_project_as_it_was(tmp_path, database, take_snapshot):
    import os

    from duocode.store import CodeRow, Project, set_codes

    folder = tmp_path / "study"
    _project_with_cases(folder, database)
    with Project.open(folder) as p:
        before = take_snapshot(p)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("DUOCODE_DATABASE", None)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(folder)], stdout=subprocess.PIPE, text=True,
                              env=env)
    try:
        assert writer.stdout.readline().strip() == "WRITTEN"
        writer.kill()
    finally:
        writer.wait(timeout=30)
        writer.stdout.close()
    with Project.open(folder) as p:
        assert take_snapshot(p) == before
        with p.transaction():   # and the project takes the next writer at once
            set_codes(p, [CodeRow("C00", "kind", "zed", "beta")])
        assert p.conn.execute("SELECT count(*) FROM codes").fetchone()[0] == 1


def test_a_deadlocked_writer_is_run_again_and_both_finish(tmp_path, pg_url):
    """Two writers lock the same two rows in opposite orders: PostgreSQL breaks the deadlock by giving one up,
    and :meth:`Project.retrying` runs that one again once the other has committed."""
    from duocode.store import Project

    folder = tmp_path / "study"
    _project_with_cases(folder, pg_url)
    meet = threading.Barrier(2, timeout=20)
    attempts: list[str] = []
    errors: list[BaseException] = []

    def writer(name: str, first: str, second: str) -> None:
        try:
            with Project.open(folder) as p:
                def work():
                    attempts.append(name)
                    p.set_meta(first, name)
                    if attempts.count(name) == 1:
                        meet.wait()   # both hold their first row: each now waits for the other's
                    p.set_meta(second, name)
                p.retrying(work)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=("one", "x", "y")),
               threading.Thread(target=writer, args=("two", "y", "x"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(attempts) == 3   # exactly one writer was given up and run again
    with Project.open(folder) as p:
        assert p.meta("x") == p.meta("y")   # the second writer to commit wrote both rows
