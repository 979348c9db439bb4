"""Benchmark: the optional MiniLM embedding model (duocode's numpy encoder of all-MiniLM-L6-v2).

Prints: import + load time in a fresh process; sentences/s and words/s on one thread (BLAS limited to one, as
in the pre-coder's worker processes) and with the worker processes (one per core, at most 4, or
DUOCODE_WORKERS); and the project cache: the time to write the vectors and to read them all back in a new run
(this process's memory emptied), against computing them. The texts are the demo corpus's informant sentences
(the first ``--sentences``), as the trained detector embeds them. Skips, saying why, when the model is not
installed (`make minilm`).

Usage: python benchmarks/bench_minilm.py [--sentences N]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def informant_sentences(n: int) -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "corpora" / "demo" / "interviews").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if ":" not in line or line.startswith("Interviewer:"):
                continue
            out += [s for s in re.split(r"(?<=[.!?])\s+", line.split(":", 1)[1].strip()) if s]
            if len(out) >= n:
                return out[:n]
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1000)
    args = ap.parse_args(argv)
    from duocode.precode import embed, minilm
    from duocode.workers import workers

    if not minilm.installed():
        print("skipped: the MiniLM model is not installed (`make minilm`)")
        return 0
    code = ("import time; t = time.perf_counter(); from duocode.precode import embed; embed.model('minilm'); "
            "print(time.perf_counter() - t)")
    load = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env={"PYTHONPATH": str(ROOT / "src")}).stdout)
    texts = list(dict.fromkeys(informant_sentences(args.sentences)))
    words = sum(len(t.split()) for t in texts)
    encoder = embed.model("minilm")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        t = time.perf_counter()
        encoder.encode(texts)
        one = time.perf_counter() - t
    t = time.perf_counter()
    embed.compute(texts, "minilm")
    many = time.perf_counter() - t
    print(f"model: {embed.MODELS['minilm']}; install {folder_size(minilm.model_folder()):.0f} MB; "
          f"import + load {load:.2f} s (fresh process)")
    print(f"{len(texts):,} informant sentences, {words:,} words")
    print(f"one thread: {len(texts) / one:,.0f} sentences/s, {words / one:,.0f} words/s")
    print(f"{workers()} worker processes: {len(texts) / many:,.0f} sentences/s, {words / many:,.0f} words/s")

    from duocode.codebook import load_codebook
    from duocode.store import Project, count_embeddings

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p", load_codebook(ROOT / "codebooks" / "tmp.yaml"))
        embed._caches["minilm"].clear()
        t = time.perf_counter()
        embed.embed(texts, "minilm", project=project)
        first = time.perf_counter() - t
        embed._caches["minilm"].clear()
        before = dict(embed.COUNTS)
        t = time.perf_counter()
        embed.embed(texts, "minilm", project=project)
        second = time.perf_counter() - t
        computed = embed.COUNTS["computed"] - before["computed"]
        size = sum(p.stat().st_size for p in (Path(tmp) / "p").glob("duocode.db*")) / 1e6
        print(f"project cache: first run {first:.2f} s (computed and written), second run {second:.3f} s "
              f"({computed} computed, {count_embeddings(project):,} vectors in the project; database "
              f"{size:.1f} MB)")
        project.close()
    return 0


def folder_size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
