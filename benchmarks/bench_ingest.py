"""Ingest benchmark: ``python benchmarks/bench_ingest.py [--interviews N] [--words W] [--keep DIR]``.

Generates a synthetic corpus ten times the reference study's size (22 interviews, about 104,000 words there; here
220 interviews, about 1,000,000 words) in a temporary folder, in a mix of formats (Rev-style and plain .txt,
.md, .docx, Zoom-style .vtt, .srt), then times ``duocode.ingest.ingest`` into a fresh project, in a child
process so that its peak memory is the ingest's alone. Prints words/s and peak memory (maximum resident set
size, and the traced Python heap of the ingest alone). Also times re-ingesting the same folder, a no-op.

Target: the whole ingest under 60 s and under 1 GiB on a 2-core machine. Exit status 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_SECONDS = 60.0
TARGET_BYTES = 1 << 30
FORMATS = {"txt": 55, "rev": 15, "md": 5, "docx": 10, "vtt": 10, "srt": 5}  # share of interviews, percent

_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "st", "tr", "pl"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ee"]
_COMMON = ("the a and I it was to of that you in they my me so but we just like really what when then "
           "about because think know one shop app phone order price time always never again").split()
_FIRST = ["Anna", "Ben", "Carla", "Deniz", "Emil", "Fatima", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lea",
          "Mika", "Nora", "Omar", "Petra", "Rosa", "Sven", "Tara", "Umut", "Vera", "Wim", "Yara", "Zoe"]


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3))))
    return _COMMON * 20 + sorted(words)


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(5, 18))]
    text = " ".join(words)
    if rng.random() < 0.1:
        text += ", " + " ".join(rng.choice(vocab) for _ in range(rng.randint(2, 6)))
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def _speech(rng: random.Random, vocab: list[str], n_words: int) -> str:
    out, count = [], 0
    while count < n_words:
        s = _sentence(rng, vocab)
        out.append(s)
        count += len(s.split())
    return " ".join(out)


def _turns(rng: random.Random, vocab: list[str], words: int, informant: str) -> list[tuple[str, str]]:
    turns, count = [], 0
    while count < words:
        question = _speech(rng, vocab, rng.randint(8, 40))
        answer = _speech(rng, vocab, rng.randint(40, 260))
        turns += [("Interviewer", question), (informant, answer)]
        count += len(question.split()) + len(answer.split()) + 2
    return turns


def _write(path: Path, fmt: str, turns: list[tuple[str, str]], rng: random.Random) -> None:
    if fmt == "txt":
        path.write_text("\n\n".join(f"{who}: {said}" for who, said in turns) + "\n", encoding="utf-8")
    elif fmt == "rev":  # padded names, text hard-wrapped at 80 columns, CRLF, as transcription services deliver
        blocks = []
        for who, said in turns:
            label = f"{who}:".ljust(20)
            blocks.append("\n".join(textwrap.wrap(label + said, 80)))
        path.write_bytes(("\n\n".join(blocks) + "\n").replace("\n", "\r\n").encode("utf-8"))
    elif fmt == "md":
        path.write_text(f"# Interview {path.stem}\n\n" + "\n\n".join(f"**{who}:** {said}" for who, said in turns)
                        + "\n", encoding="utf-8")
    elif fmt == "docx":
        import docx

        document = docx.Document()
        document.add_paragraph(f"Interview {path.stem}")
        for who, said in turns:
            document.add_paragraph(f"{who}: {said}")
        document.save(str(path))
    else:  # vtt / srt: cues of about 12 words, Zoom-style `Name: text`
        cues, t = [], 0.0
        for who, said in turns:
            words = said.split()
            for i in range(0, len(words), 12):
                chunk = " ".join(words[i:i + 12])
                end = t + 0.35 * len(chunk.split())
                cues.append((t, end, f"{who}: {chunk}"))
                t = end + rng.random()
        if fmt == "vtt":
            body = ["WEBVTT", ""]
            for n, (s, e, text) in enumerate(cues, 1):
                body += [str(n), f"{_clock(s, '.')} --> {_clock(e, '.')}", text, ""]
        else:
            body = []
            for n, (s, e, text) in enumerate(cues, 1):
                body += [str(n), f"{_clock(s, ',')} --> {_clock(e, ',')}", text, ""]
        path.write_text("\n".join(body), encoding="utf-8")


def _clock(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def generate(folder: Path, interviews: int, words: int, seed: int) -> dict[str, int]:
    """Write the synthetic corpus; returns how many files of each format."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    plan = [fmt for fmt, share in FORMATS.items() for _ in range(round(interviews * share / 100))]
    plan = (plan + ["txt"] * interviews)[:interviews]
    rng.shuffle(plan)
    per = words // interviews
    counts: dict[str, int] = {}
    for i, fmt in enumerate(plan):
        sub = folder / f"wave{i % 4 + 1}"
        sub.mkdir(parents=True, exist_ok=True)
        ext = "txt" if fmt == "rev" else fmt
        turns = _turns(rng, vocab, rng.randint(int(per * 0.8), int(per * 1.2)), rng.choice(_FIRST))
        _write(sub / f"I{i + 1:03d}.{ext}", fmt, turns, rng)
        counts[fmt] = counts.get(fmt, 0) + 1
    return counts


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB, macOS bytes


def measure(folder: Path, project_dir: Path) -> dict:
    """In the child process: create a project, ingest the folder (timed), ingest it again (timed)."""
    from duocode.codebook import load_codebook
    from duocode.ingest import ingest
    from duocode.store import Project

    try:
        codebook = load_codebook("tmp")
    except Exception:  # the flagship codebook may be absent in a partial checkout; any codebook will do
        codebook = load_codebook(ROOT / "tests" / "data" / "mini_codebook.yaml")
    project = Project.create(project_dir, codebook)
    rss_before = _peak_rss_bytes()
    t0 = time.perf_counter()
    result = ingest(project, [folder])
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = ingest(project, [folder])
    reingest = time.perf_counter() - t1
    project.close()
    peak_rss = _peak_rss_bytes()
    # The RSS high-water mark may predate the ingest (imports, codebook validation): also trace the Python heap
    # of one more ingest into another fresh project (slower under tracing, so not timed).
    import tracemalloc

    traced = Project.create(project_dir.with_name("project-traced"), codebook)
    tracemalloc.start()
    ingest(traced, [folder])
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    traced.close()
    return {"documents": len(result.ids("added")), "words": result.n_words,
            "turns": sum(d.n_turns for d in result.documents), "seconds": seconds,
            "reingest_seconds": reingest, "reingest_unchanged": len(again.ids("unchanged")),
            "peak_rss": peak_rss, "rss_before_ingest": rss_before, "heap_peak": heap_peak,
            "db_bytes": (project_dir / "duocode.db").stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interviews", type=int, default=220)
    ap.add_argument("--words", type=int, default=1_000_000, help="about this many words in all")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="write the corpus and project here and keep them")
    ap.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)  # child process mode
    args = ap.parse_args()

    if args.measure is not None:
        print(json.dumps(measure(args.measure / "corpus", args.measure / "project")))
        return 0

    with tempfile.TemporaryDirectory(prefix="duocode-bench-") as tmp:
        work = args.keep or Path(tmp)
        t0 = time.perf_counter()
        counts = generate(work / "corpus", args.interviews, args.words, args.seed)
        print(f"generated {args.interviews} interviews ({', '.join(f'{n} {f}' for f, n in counts.items())}) "
              f"in {time.perf_counter() - t0:.1f} s")
        child = subprocess.run([sys.executable, __file__, "--measure", str(work)], capture_output=True,
                               text=True)
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        r = json.loads(child.stdout)
    mib = r["peak_rss"] / 2**20
    print(f"ingest: {r['documents']} documents, {r['words']:,} words, {r['turns']:,} turns "
          f"in {r['seconds']:.1f} s = {r['words'] / r['seconds']:,.0f} words/s")
    print(f"peak memory (max RSS of the ingesting process): {mib:.0f} MiB "
          f"({r['rss_before_ingest'] / 2**20:.0f} MiB before ingest); project file {r['db_bytes'] / 2**20:.1f} MiB")
    print(f"peak Python heap during ingest (tracemalloc): {r['heap_peak'] / 2**20:.0f} MiB")
    print(f"re-ingest of the same folder: {r['reingest_unchanged']} unchanged in {r['reingest_seconds']:.1f} s")
    ok = r["seconds"] < TARGET_SECONDS and r["peak_rss"] < TARGET_BYTES
    print(f"target (< {TARGET_SECONDS:.0f} s, < 1 GiB): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
