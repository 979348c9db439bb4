"""Benchmark: pre-coder detect + suggest throughput on a generated corpus of about one million words.

Targets: at least 20,000 words/s for detection plus suggestion on 2 cores (issue 7); peak memory under 1.5 GiB
(issue 21; issue 7 asked for 1 GiB), as the sum of the processes' proportional set sizes, sampled.

The corpus is generated here (seeded): interviews of about 1,250 words, an interviewer asking and an informant
answering with everyday talk and, in about a third of the answers, a personalization episode (greeting by
name, a configurator or questionnaire, recommendations from history) with a reaction. The benchmark then runs
``precode detect`` over every document, accepts every candidate, gives 300 of them consensus codes (so that
``suggest`` trains where it can, as in a real project), and runs ``precode suggest`` over all cases. Last, it
re-scans every document with the detector trained on the accepted cases (``detect``'s default once a project
has cases), reported separately.

Both stages run as one command would: in this process and the pre-coder's forked worker processes (one per core,
at most 4, or DUOCODE_WORKERS; duocode/workers.py), so on at most the 2 cores the target allows. Peak memory is
the highest sum of this process's and its workers' proportional set sizes (a page shared by forked processes
counts once); it also prints this process's peak resident set plus the largest worker's, which overstates.

Usage: python benchmarks/bench_precode.py [--words N] [--seed S]
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIRMS = ["Larkspur Books", "Quillon Mobile", "Fenwick Bank", "Tidewell Grocers", "Orla Travel", "Brisk Shoes",
         "Copperline Insurance", "Maple Streaming", "Harrow Pharmacy", "Nimbus Music", "Saltmarsh Hotels",
         "Pellham Tailors", "Vantage Bikes", "Roundel Kitchens", "Glimmer Opticians", "Hatchett Hardware"]
NAMES = ["Anna", "Ben", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lena"]
PRODUCTS = ["a novel", "running shoes", "a phone plan", "a savings account", "a city break", "a sofa",
            "a bike", "coffee", "a playlist", "shirts", "a kitchen", "glasses", "a drill", "a film"]
QUESTIONS = [
    "Could you tell me a bit more about that?", "How did that make you feel?", "Which companies do you use most?",
    "What happened next?", "Did anything like that happen with other firms?", "How long have you been with them?",
    "Do they ever contact you?", "How do you usually decide where to buy things?",
    "Has a company ever treated you as an individual?", "Is there anything you would change about them?"]
FILLER = [
    "I have been with {firm} for about {n} years now, mostly out of habit.",
    "The prices went up again last spring, which annoyed my partner more than me.",
    "Honestly, I mostly shop on Saturdays when the kids are at football.",
    "My sister works near the station, so we often meet for lunch there.",
    "The branch in town closed last year and now I do everything online.",
    "I compare prices a lot, but in the end I usually go back to the same places.",
    "We moved house in {month}, so everything was a bit chaotic for a while.",
    "The delivery was late twice this winter, but they sorted it out.",
    "I don't think about it much, it is just a shop to me.",
    "Work has been busy, I travel for meetings almost every other week.",
    "{firm} sponsors the local football club, which is nice for the town.",
    "I paid by card and the receipt came by email, nothing special.",
    "The weather was awful that week and the trains were all delayed.",
    "We bought {product} for my father's birthday and he seemed happy with it.",
]
EPISODES = {
    "interaction": [
        "When I rang {firm}, the woman said \"Good morning {name}, is this about your move?\" before I had "
        "said a thing.",
        "The man at {firm} greeted me by name and asked how my daughter was getting on at university.",
        "Every email from {firm} starts with my first name and mentions the dog, they remembered my details.",
        "On my birthday {firm} sent a card by post with my name written by hand.",
    ],
    "transaction_outcome": [
        "On the {firm} website you build your own {product} in a configurator, you choose every option.",
        "{firm} asked me to fill in a questionnaire about my size and habits, and only showed what fitted.",
        "You enter your measurements once and {firm} tailors every order to them.",
        "I answered some questions on the {firm} app and it narrowed down {product} to three choices.",
    ],
    "continuity": [
        "{firm} keeps recommending {product} based on what I bought over the last few years.",
        "The \"because you watched\" row on {firm} has learned my taste by now, it suggested {product} last week.",
        "Every Friday {firm} emails me suggestions picked for me from my purchase history.",
        "{firm} still suggests {product} to me although I stopped buying it ages ago.",
    ],
}
REACTIONS = {
    "positive": ["I loved it, honestly, it felt like they cared.", "It saved me a lot of time and it was spot on.",
                 "I was impressed, they really know what they are doing.", "That made me feel special."],
    "negative": ["It felt creepy, like being watched.", "It took ages and in the end I gave up.",
                 "It was annoying and I unsubscribed.", "They got it wrong, it is clearly out of date."],
}


def generate(n_words: int, seed: int = 0):
    """Interviews as ``(doc_id, text, episodes)``; an episode is ``(start, end, tmp_type, valence)``."""
    rng = random.Random(seed)
    words = 0
    k = 0
    while words < n_words:
        k += 1
        name = rng.choice(NAMES)
        parts = [f"Interviewer: Thank you for taking part, {name}. Let's start with the companies you use."]
        episodes = []
        length = 0
        pos = len(parts[0]) + 2
        while length < 1250:
            q = f"Interviewer: {rng.choice(QUESTIONS)}"
            parts.append(q)
            pos += len(q) + 2
            answer = [rng.choice(FILLER) for _ in range(rng.randint(1, 3))]
            episode = None
            if rng.random() < 0.35:
                tmp_type = rng.choice(list(EPISODES))
                valence = rng.choice(["positive", "negative"])
                episode = (rng.choice(EPISODES[tmp_type]) + " " + rng.choice(REACTIONS[valence]), tmp_type, valence)
            fill = lambda s: s.format(firm=rng.choice(FIRMS), name=name, n=rng.randint(2, 20),  # noqa: E731
                                      product=rng.choice(PRODUCTS), month=rng.choice(["May", "June", "March"]))
            body = " ".join(fill(s) for s in answer)
            head = f"{name}: {body}"
            if episode is not None:
                text = fill(episode[0])
                start = pos + len(head) + 1
                episodes.append((start, start + len(text), episode[1], episode[2]))
                head += " " + text
            parts.append(head)
            pos += len(head) + 2
            length += len(head.split()) + len(q.split())
        text = "\n\n".join(parts) + "\n"
        words += len(text.split())
        yield f"G{k:05d}", text, episodes


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from duocode.codebook import load_codebook
    from duocode.precode.corpus import parse_turns
    from duocode.precode.detect import accept, detect
    from duocode.precode.suggest import suggest
    from duocode.store import Project
    from duocode.store.cases import list_cases
    from duocode.store.codes import CodeRow, set_codes
    from duocode.store.documents import Document, insert_document

    tmp = Path(tempfile.mkdtemp(prefix="bench_precode_"))
    project = Project.create(tmp / "project", load_codebook(ROOT / "codebooks" / "tmp.yaml"))
    t0 = time.perf_counter()
    episodes: dict[str, list] = {}
    n_words = 0
    with project.transaction():
        for doc_id, text, eps in generate(args.words, args.seed):
            insert_document(project, Document(doc_id, text, "txt", turns=parse_turns(text)))
            episodes[doc_id] = eps
            n_words += len(text.split())
    t_gen = time.perf_counter() - t0

    sampler = PssSampler().start()
    t1 = time.perf_counter()
    det = detect(project)
    t_detect = time.perf_counter() - t1

    accept(project, all_=True)
    cases = list_cases(project, status="case")
    rows = []
    for case in cases:
        hit = next(((t, v) for a, b, t, v in episodes[case.document] if a < case.end and case.start < b), None)
        if hit is None:
            continue
        t, v = hit
        rows += [CodeRow(case.id, "tmp_type", "consensus", t),
                 CodeRow(case.id, "summary", "consensus", v),
                 CodeRow(case.id, "is_case", "consensus", "yes")]
        if len(rows) >= 900:
            break
    with project.transaction():
        set_codes(project, rows)

    t2 = time.perf_counter()
    sug = suggest(project)
    t_suggest = time.perf_counter() - t2

    total = t_detect + t_suggest
    peak, own, pss = _peak_mib(), _own_mib(), sampler.stop()

    # Once cases exist, `detect` trains a detector on them (method auto); time a full re-scan with it.
    sampler = PssSampler().start()
    t3 = time.perf_counter()
    again = detect(project, dry_run=True)
    t_trained = time.perf_counter() - t3
    pss_trained = sampler.stop()
    recall = _recall(project, episodes)
    print(f"corpus: {n_words:,} words in {len(episodes)} interviews (generated and stored in {t_gen:.1f} s)")
    print(f"detect: {len(det.candidates):,} candidates in {t_detect:.1f} s ({n_words / t_detect:,.0f} words/s); "
          f"recall of generated episodes {recall:.3f}")
    print(f"suggest: {len(sug.suggestions):,} suggestions for {sug.n_cases:,} cases in {t_suggest:.1f} s; "
          f"modes: " + ", ".join(f"{k}: {v.split(' ')[0]}" for k, v in sug.models.items()))
    from duocode.workers import workers

    print(f"detect + suggest: {n_words / total:,.0f} words/s with {workers()} worker processes on "
          f"{os.cpu_count()} cores "
          f"(target >= 20,000 on 2 cores) -> {'MET' if n_words / total >= 20_000 else 'MISSED'}")
    print(f"peak memory: {pss:,.0f} MiB, the proportional set sizes of this process and its workers summed "
          f"(target < 1536) -> {'MET' if pss < 1536 else 'MISSED'}; peak resident sets: this process "
          f"{own:,.0f} MiB, with the largest worker's added {peak:,.0f} MiB (overstates: a forked worker shares "
          f"the parent's pages)")
    print(f"re-scan with the detector trained on the accepted cases ({again.method}: {again.model}): "
          f"{t_trained:.1f} s ({n_words / t_trained:,.0f} words/s), peak memory {pss_trained:,.0f} MiB (proportional "
          f"set sizes summed, as above)")
    project.close()
    return 0


def _recall(project, episodes) -> float:
    from duocode.store.cases import list_cases

    found = {(c.document, c.start, c.end) for c in list_cases(project, status="case", source="precoder")}
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for doc, a, b in found:
        by_doc.setdefault(doc, []).append((a, b))
    total = hit = 0
    for doc, eps in episodes.items():
        for a, b, *_ in eps:
            total += 1
            hit += any(x < b and a < y for x, y in by_doc.get(doc, ()))
    return hit / total if total else 0.0


class PssSampler:
    """The peak of the memory this process and its worker processes really use: the sum of their proportional
    set sizes (Linux ``/proc/PID/smaps_rollup``: a page shared by k processes counts 1/k in each), sampled every
    0.2 s in a thread. Elsewhere, or where the files cannot be read, it falls back to this process's peak RSS."""

    def __init__(self) -> None:
        import threading

        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "PssSampler":
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kib / 1024 if self.peak_kib else _own_mib()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in _family(os.getpid())))
            self._stop.wait(0.2)


def _family(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _peak_mib() -> float:
    """This process's peak resident set plus the largest worker process's, in MiB."""
    return _own_mib() + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _own_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
