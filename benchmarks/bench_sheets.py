"""Time ``duocode sheet`` and ``duocode import-sheet`` for 2,000 cases (target: each under 5 s).

Builds a throw-away project (the bundled TMP codebook, 40 synthetic interview documents of 50 cases each, about
800 characters per case), writes one coder's workbook, fills every coding cell as a coder would, and imports it
back; then re-imports it (nothing changes: the cost of the checks alone).

Usage: python benchmarks/bench_sheets.py [N_CASES]
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _synthetic import add_case_documents

TARGET_SECONDS = 5.0


def build(directory: Path, n_cases: int):
    from duocode.codebook import load_codebook
    from duocode.store import Project

    rng = random.Random(7)
    project = Project.create(directory, load_codebook("tmp"))
    add_case_documents(project, rng, n_cases, words_per_case=150, id_width=4)
    return project


def fill(path: Path, project) -> int:
    import openpyxl

    rng = random.Random(11)
    codebook = project.codebook
    wb = openpyxl.load_workbook(path)
    ws = wb["Coding"]
    header = [c.value for c in ws[1]]
    n = 0
    for row in ws.iter_rows(min_row=2):
        for var in codebook.variables:
            cell = row[header.index(var.id)]
            cell.value = rng.choice(var.value_ids) if var.is_categorical else rng.randint(0, 9)
            n += 1
    wb.save(path)
    return n


def main(argv: list[str]) -> int:
    from duocode.coding.importsheet import import_sheet
    from duocode.coding.sheet import write_sheet

    n_cases = int(argv[0]) if argv else 2000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = build(tmp / "proj", n_cases)
        book = tmp / "ines.xlsx"
        t0 = time.perf_counter()
        written = write_sheet(project, "ines", book)
        t_sheet = time.perf_counter() - t0
        cells = fill(book, project)
        t0 = time.perf_counter()
        result = import_sheet(project, book)
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        import_sheet(project, book)
        t_reimport = time.perf_counter() - t0
        project.close()
        size = book.stat().st_size
        # The same through the command line, as a researcher runs it (interpreter start-up included).
        cli = [sys.executable, "-m", "duocode"]
        proj = str(tmp / "proj")
        t0 = time.perf_counter()
        subprocess.run(cli + ["sheet", "--coder", "jonas", "-o", str(tmp / "jonas.xlsx"), "--project", proj],
                       check=True, capture_output=True)
        t_sheet_cli = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(cli + ["import-sheet", str(book), "--project", proj], check=True, capture_output=True)
        t_import_cli = time.perf_counter() - t0
    ok = max(t_sheet, t_import, t_sheet_cli, t_import_cli) < TARGET_SECONDS
    print(f"sheet:        {written.cases} cases x {len(written.variables)} variables in {t_sheet:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s); workbook {size / 1e6:.1f} MB")
    print(f"import-sheet: {cells} cells, {result.counts['added']} codes added in {t_import:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s)")
    print(f"re-import:    nothing changed, {t_reimport:.2f} s")
    print(f"command line: `duocode sheet` {t_sheet_cli:.2f} s, `duocode import-sheet` {t_import_cli:.2f} s "
          "(start-up included)")
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
