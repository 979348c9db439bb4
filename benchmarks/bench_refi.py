"""Time ``duocode refi export`` and ``duocode refi import`` for a 220-interview project of about a million words
(target: both together under 30 s).

Builds a throw-away project (the bundled TMP codebook, 220 synthetic interviews of 25 cases each, about 4,600
words per interview) in which two coders coded every case on every variable, differing on about one value in
ten, with consensus on every disagreement (as ``bench_audit.py`` builds it) and an informant per interview. Then
times, separately, the export to ``.qdpx`` and the import of that file into a new project, and checks that the
new project has the same cases and codes.

Usage: python benchmarks/bench_refi.py [N_INTERVIEWS]
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _synthetic import add_case_documents  # noqa: E402
from bench_audit import code_two_coders  # noqa: E402

TARGET_SECONDS = 30.0
CASES_PER_INTERVIEW = 25


def build(directory: Path, n_interviews: int):
    from duocode.codebook import load_codebook
    from duocode.store import Informant, Project, document_ids, write_informants

    rng = random.Random(17)
    project = Project.create(directory, load_codebook("tmp"))
    ids = add_case_documents(project, rng, n_interviews * CASES_PER_INTERVIEW, words_per_case=160,
                             per_doc=CASES_PER_INTERVIEW, id_width=5)
    with project.transaction():
        write_informants(project, [Informant(f"I{k:03d}", doc, {"sex": rng.choice(("female", "male")),
                                                                "age_band": rng.choice(("20-29", "30-39", "40-49"))})
                                   for k, doc in enumerate(document_ids(project), 1)])
    code_two_coders(project, rng, ids, consensus_file="bench")
    return project


def main(argv: list[str]) -> int:
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project
    from duocode.store.codes import code_rows

    n = int(argv[0]) if argv else 220
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        project = build(tmp / "proj", n)
        t_build = time.perf_counter() - t0
        words = project.conn.execute("SELECT sum(n_words) FROM documents").fetchone()[0]

        t0 = time.perf_counter()
        exported = export_refi(project, tmp / "study.qdpx")
        t_export = time.perf_counter() - t0
        before = sorted((r.case_id, r.variable, r.coder, r.value, r.reason) for r in code_rows(project)
                        if r.coder != "precoder")
        project.close()

        t0 = time.perf_counter()
        imported = import_refi(tmp / "study.qdpx", tmp / "back")
        t_import = time.perf_counter() - t0
        with Project.open(tmp / "back") as back:
            after = sorted((r.case_id, r.variable, r.coder, r.value, r.reason) for r in code_rows(back))

    print(f"project: {n} interviews, {words:,} words, {n * CASES_PER_INTERVIEW:,} cases, 2 coders + consensus "
          f"(built in {t_build:.1f} s)")
    print(f"export: {t_export:.2f} s ({exported.selections:,} selections, {exported.codings:,} codings, "
          f"{exported.bytes / 2**20:.1f} MiB)")
    print(f"import: {t_import:.2f} s ({imported.documents} documents, {imported.selections:,} selections, "
          f"{len(imported.warnings)} warnings)")
    same = before == after
    total = t_export + t_import
    print(f"total: {total:.2f} s (target < {TARGET_SECONDS:.0f} s); codes and consensus the same after the round "
          f"trip: {same}")
    ok = total < TARGET_SECONDS and same
    print("OK" if ok else "TOO SLOW" if same else "ROUND TRIP DIFFERS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
