"""Write tests/agreement/data/span_references.json: γ from pygamma-agreement and uα from krippendorff-unitized-alpha
on small seeded random span datasets, the independent values that tests/agreement/test_span_agreement_maths.py
compares ours with.

Run it again after changing the datasets (it takes a few minutes: pygamma-agreement compiles its numba kernels at
import and solves every random continuum's alignment with GLPK):

    /work/main/.venv/bin/pip install "pygamma-agreement==0.5.9"
    /work/main/.venv/bin/pip install --no-deps --target /tmp/kua "krippendorff-unitized-alpha==0.1.0"
    PYTHONPATH=src:/tmp/kua python tests/agreement/make_span_references.py

krippendorff-unitized-alpha pins numpy < 2 in its metadata, so it is installed without its dependencies into a
folder of its own; it runs on numpy 2 unchanged.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

OUT = Path(__file__).parent / "data" / "span_references.json"
N_SAMPLES = 400          # random continua per pygamma estimate: its Monte-Carlo error is recorded with it


def random_dataset(seed: int, n_coders: int, length: int, max_units: int, jitter: int | None = None) -> dict:
    """Each coder marks up to ``max_units`` non-overlapping spans at random; with ``jitter``, every coder after
    the first marks the first coder's spans instead, each end moved by up to ``jitter`` and some dropped (coders
    who mostly agree). The first coder's first span starts at 0 and the last coder's last span ends at
    ``length``, so pygamma's continuum bounds are exactly [0, length)."""
    rng = np.random.default_rng(seed)

    def spans(k: int) -> list[list[int]]:
        cuts = np.sort(rng.choice(np.arange(1, length), size=2 * k, replace=False))
        return [[int(cuts[2 * i]), int(cuts[2 * i + 1])] for i in range(k)]

    coders = [spans(int(rng.integers(1, max_units + 1)))]
    for _ in range(1, n_coders):
        if jitter is None:
            coders.append(spans(int(rng.integers(1, max_units + 1))))
            continue
        copy = []
        for start, end in coders[0]:
            if rng.random() < 0.15:
                continue
            s = int(np.clip(start + rng.integers(-jitter, jitter + 1), 0, length - 2))
            e = int(np.clip(end + rng.integers(-jitter, jitter + 1), s + 1, length))
            if not copy or s >= copy[-1][1]:
                copy.append([s, e])
        coders.append(copy or spans(1))
    coders[0][0][0] = 0
    coders[-1][-1][1] = length
    return {"seed": seed, "length": length, "coders": coders}


DATASETS = ([random_dataset(s, 2, 200, 5) for s in (1, 2, 3)]
            + [random_dataset(s, 2, 400, 8, jitter=6) for s in (4, 5, 6)]
            + [random_dataset(s, 3, 150, 3) for s in (11,)]
            + [random_dataset(s, 3, 300, 4, jitter=5) for s in (12,)])


def pygamma_values(dataset: dict) -> dict:
    import pygamma_agreement as pa
    from pyannote.core import Segment

    continuum = pa.Continuum()
    for i, spans in enumerate(dataset["coders"]):
        for start, end in spans:
            continuum.add(f"c{i}", Segment(start, end), "case")
    dissim = pa.CombinedCategoricalDissimilarity(alpha=1, beta=1, delta_empty=1)
    np.random.seed(dataset["seed"])
    result = continuum.compute_gamma(dissim, n_samples=N_SAMPLES, sampler=pa.ShuffleContinuumSampler())
    chance = np.array([a.disorder for a in result.chance_alignments])
    return {"observed_disorder": float(result.observed_disorder), "expected_disorder": float(chance.mean()),
            "expected_sd": float(chance.std(ddof=1)), "n_samples": len(chance), "gamma": float(result.gamma),
            "bounds": list(continuum.bounds)}


def unitized_alpha(dataset: dict) -> float:
    from krippendorff_unitized_alpha.krippendorffs_unitized_alpha import EMPTY_TAG, KrippendorffUnitizedAlpha, Segment

    data = {}
    for i, spans in enumerate(dataset["coders"]):
        segments, pos = [], 0
        for start, end in sorted(spans):       # that package wants every gap as a segment of its own
            if start > pos:
                segments.append(Segment(EMPTY_TAG, pos, start))
            segments.append(Segment("case", start, end))
            pos = end
        if pos < dataset["length"]:
            segments.append(Segment(EMPTY_TAG, pos, dataset["length"]))
        data[f"c{i}"] = segments
    return float(KrippendorffUnitizedAlpha(data).result)


def main() -> None:
    import importlib.metadata as md

    logging.disable(logging.WARNING)    # pygamma warns once per alignment that it falls back on GLPK
    out = {"pygamma-agreement": md.version("pygamma-agreement"),
           "krippendorff-unitized-alpha": md.version("krippendorff-unitized-alpha"), "datasets": []}
    for dataset in DATASETS:
        entry = dict(dataset, pygamma=pygamma_values(dataset), u_alpha=unitized_alpha(dataset))
        out["datasets"].append(entry)
        print(dataset["seed"], entry["pygamma"]["gamma"], entry["u_alpha"])
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
