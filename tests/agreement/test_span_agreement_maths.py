"""|uα (Krippendorff et al. 2016) and γ (Mathet et al. 2015) on spans, against independent implementations.

The independent values are recorded in data/span_references.json by make_span_references.py: uα from the PyPI
package krippendorff-unitized-alpha 0.1.0 and γ from pygamma-agreement 0.5.9 (a dev dependency). pygamma-agreement
is not run here by default: it compiles its numba kernels on every import (23 s on this machine), more than the
whole budget of these tests; set DUOCODE_LIVE_PYGAMMA=1 to compare with it live as well.
"""
import itertools
import json
import math
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from duocode.agreement.gamma import (Continuum, _milp_disorder, best_alignment_disorder, dissimilarity, gamma,
                                     observed_disorder, pooled_gamma)
from duocode.agreement.unitizing import (ALL_UNITS, FEW_CODERS, NO_UNITS, binary_u_alpha, bootstrap_u_alpha,
                                         estimate_from_pieces, unitizing_pieces)

REFERENCES = json.loads((Path(__file__).parent / "data" / "span_references.json").read_text(encoding="utf-8"))
DATASETS = REFERENCES["datasets"]


def _id(d):
    return f"seed{d['seed']}-{len(d['coders'])}coders"


# -- |uα ----------------------------------------------------------------------------------------------------------
def test_u_alpha_by_hand_on_two_overlapping_spans():
    # L = 10, coder A marks [0, 4), coder B [2, 6). n_1 = 1 on 0-1 and 4-5, 2 on 2-3, 0 on 6-9 (m = 2).
    # l_01 = sum n_0 n_1 / (m - 1) = 4; l.. = 20, l_1. = 8, l_0. = 12; W_1 = 4^2 + 4^2 = 32.
    # |uα = 1 - l_01 (l..^2 - W_1 - l_0.) / (l.. l_0. l_1.) = 1 - 4 * 356 / 1920 = 31/120.
    value = binary_u_alpha([[(0, 4)], [(2, 6)]], 10).value
    assert value == pytest.approx(float(Fraction(31, 120)), abs=1e-15)


@pytest.mark.parametrize("dataset", DATASETS, ids=_id)
def test_u_alpha_equals_the_independent_krippendorff_unitized_alpha_package(dataset):
    ours = binary_u_alpha(dataset["coders"], dataset["length"]).value
    assert ours == pytest.approx(dataset["u_alpha"], abs=1e-12)


def _atom_u_alpha(spans_by_coder, length):
    """|uα counted atom by atom from the definitions (eqs. 1, 4, 6): every position of every coder is a value;
    observed pairs join the same position of two coders; expected pairs join any two values except two of one
    unit (units are indivisible) and a gap value with itself."""
    m = len(spans_by_coder)
    values, owner = [], []                      # value of each (coder, position) atom and the unit it lies in
    for i, spans in enumerate(spans_by_coder):
        covered = np.zeros(length, dtype=int)
        unit_id = np.full(length, -1)
        merged = []
        for s, e in sorted(spans):
            if merged and s < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        for k, (s, e) in enumerate(merged):
            covered[s:e] = 1
            unit_id[s:e] = k
        values.append(covered)
        owner.append(np.where(unit_id >= 0, i * 10_000 + unit_id, -1))
    values, owner = np.array(values), np.array(owner)
    l01 = sum(values[i, p] != values[j, p] for i in range(m) for j in range(m) if i != j
              for p in range(length) if values[i, p] == 0) / (m - 1)
    flat_v, flat_o = values.reshape(-1), owner.reshape(-1)
    allowed = ~np.eye(len(flat_v), dtype=bool)                          # a gap atom never pairs with itself
    same_unit = (flat_o[:, None] == flat_o[None, :]) & (flat_o[:, None] >= 0)
    allowed &= ~same_unit                                               # nor two atoms of one unit
    total = m * length
    e01 = total * (allowed & (flat_v[:, None] == 0) & (flat_v[None, :] == 1)).sum() / allowed.sum()
    return 1 - l01 / e01


def test_u_alpha_matches_an_atom_by_atom_count_of_its_definition():
    rng = np.random.default_rng(7)
    for _ in range(12):
        m, length = int(rng.integers(2, 5)), int(rng.integers(15, 40))
        coders = []
        for _ in range(m):
            spans = []
            for _ in range(int(rng.integers(1, 4))):
                s = int(rng.integers(0, length - 1))
                spans.append((s, int(rng.integers(s + 1, min(length, s + 12) + 1))))   # may overlap: merged
            coders.append(spans)
        ours = binary_u_alpha(coders, length)
        if ours.value is None:
            continue
        assert ours.value == pytest.approx(_atom_u_alpha(coders, length), abs=1e-12)


def test_u_alpha_is_one_at_perfect_agreement_and_the_same_with_coders_swapped():
    spans = [[(5, 30), (50, 90)], [(5, 30), (50, 90)], [(5, 30), (50, 90)]]
    assert binary_u_alpha(spans, 120).value == 1.0
    a, b = [(0, 20), (40, 60)], [(5, 25), (70, 80)]
    assert binary_u_alpha([a, b], 100).value == binary_u_alpha([b, a], 100).value


@pytest.mark.parametrize("spans, length, reason", [
    ([[], []], 50, NO_UNITS),
    ([[(0, 50)], [(0, 20), (20, 50)]], 50, ALL_UNITS),
    ([[(0, 10)]], 50, FEW_CODERS),
])
def test_u_alpha_is_undefined_with_a_reason(spans, length, reason):
    assert binary_u_alpha(spans, length) == (None, reason)


def test_pooled_documents_equal_one_continuum_of_the_documents_end_to_end():
    doc1 = ([(3, 20), (40, 55)], [(5, 22)], 60)
    doc2 = ([(10, 30)], [(12, 28), (50, 70)], 80)
    pooled = estimate_from_pieces(np.concatenate([unitizing_pieces(d[:2], d[2]) for d in (doc1, doc2)]), 2)
    shifted = [doc1[c] + [(s + 60, e + 60) for s, e in doc2[c]] for c in (0, 1)]
    assert pooled.value == pytest.approx(binary_u_alpha(shifted, 140).value, abs=1e-12)


def test_u_alpha_bootstrap_is_reproducible_and_brackets_the_estimate():
    coders = [[(10 * k, 10 * k + 6) for k in range(0, 30, 2)], [(10 * k + 1, 10 * k + 7) for k in range(0, 30, 3)]]
    pieces = unitizing_pieces(coders, 320)
    value = estimate_from_pieces(pieces, 2).value
    lo, hi = bootstrap_u_alpha(pieces, 2, 500, np.random.default_rng(3))
    assert (lo, hi) == bootstrap_u_alpha(pieces, 2, 500, np.random.default_rng(3))
    assert lo < value < hi
    assert bootstrap_u_alpha(unitizing_pieces([[(0, 5)], [(1, 5)]], 10), 2, 500, np.random.default_rng(3)) == \
        (None, None)                                                    # one piece: nothing to resample


# -- γ ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", DATASETS, ids=_id)
def test_gamma_observed_disorder_equals_pygamma_agreement(dataset):
    # the best alignment is exact in both; pygamma computes in float32
    ours = observed_disorder(Continuum.of(dataset["coders"], dataset["length"]))
    assert ours == pytest.approx(dataset["pygamma"]["observed_disorder"], rel=1e-6)


@pytest.mark.parametrize("dataset", DATASETS, ids=_id)
def test_gamma_agrees_with_pygamma_agreement_within_monte_carlo_error(dataset):
    """Both estimate the chance disorder from random continua (ours: 200, or 60 for three coders whose integer
    programme is slower; pygamma's: 400 recorded), so the two
    means differ by sampling alone: the tolerance is four standard errors of that difference, propagated to γ =
    1 - o/e through d(γ) = o/e^2 d(e). Four, not two, so that eight comparisons pass together with a chance of
    failing by bad luck below 0.1%; a different sampling scheme or alignment moves γ by far more."""
    ref = dataset["pygamma"]
    samples = 200 if len(dataset["coders"]) == 2 else 60
    ours = gamma(dataset["coders"], dataset["length"], n_samples=samples, seed=dataset["seed"])
    se = math.hypot(ours.expected_sd / math.sqrt(ours.n_samples), ref["expected_sd"] / math.sqrt(ref["n_samples"]))
    assert abs(ours.expected_disorder - ref["expected_disorder"]) <= 4 * se
    tolerance = 4 * se * ref["observed_disorder"] / ref["expected_disorder"] ** 2
    assert abs(ours.value - ref["gamma"]) <= tolerance


def _brute_force_disorder(continuum, delta_empty=1.0):
    """Least total disorder over every partition of the units into unitary alignments (at most one unit per
    coder), enumerated recursively: the definition of section 4.4 with no pruning and no solver."""
    n = len(continuum.units)
    units = [(i, k) for i in range(n) for k in range(len(continuum.units[i]))]

    def tuple_disorder(group):
        places = {i: k for i, k in group}
        total = 0.0
        for a, b in itertools.combinations(range(n), 2):
            if a in places and b in places:
                total += dissimilarity(continuum.units[a][[places[a]]], continuum.units[b][[places[b]]],
                                       continuum.categories[a][[places[a]]],
                                       continuum.categories[b][[places[b]]])[0, 0]
            else:
                total += delta_empty
        return total / math.comb(n, 2)

    def best(rest):
        if not rest:
            return 0.0
        first, others = rest[0], rest[1:]
        choices = []
        for size in range(n):
            for mates in itertools.combinations(others, size):
                if len({i for i, _ in (first,) + mates}) == size + 1:
                    left = tuple(u for u in others if u not in mates)
                    choices.append(tuple_disorder((first,) + mates) + best(left))
        return min(choices)

    return best(tuple(units))


def test_best_alignment_equals_a_brute_force_search_for_two_and_three_coders():
    rng = np.random.default_rng(11)
    for n in (2, 3, 3, 3):
        units = []
        for _ in range(n):
            starts = np.sort(rng.choice(np.arange(0, 60, 3), size=int(rng.integers(1, 4)), replace=False))
            units.append([(int(s), int(s + rng.integers(2, 10))) for s in starts])
        c = Continuum.of(units, 80)
        assert best_alignment_disorder(c) == pytest.approx(_brute_force_disorder(c), abs=1e-12)


def test_two_coder_assignment_equals_the_integer_programme():
    rng = np.random.default_rng(5)
    for _ in range(5):
        units = [[(int(s), int(s) + 8) for s in np.sort(rng.choice(200, size=6, replace=False))] for _ in range(2)]
        c = Continuum.of(units, 220)
        assert best_alignment_disorder(c) == pytest.approx(
            _milp_disorder(c, alpha=1.0, beta=1.0, delta_empty=1.0), abs=1e-12)


def test_gamma_is_one_at_perfect_agreement_and_reproducible_with_a_seed():
    units = [[(0, 10), (30, 45), (70, 90)]] * 2
    assert gamma(units, 100, seed=4).value == 1.0
    a, b = [(0, 10), (30, 45)], [(2, 12), (60, 80)]
    assert gamma([a, b], 100, seed=9) == gamma([a, b], 100, seed=9)
    assert observed_disorder(Continuum.of([a, b], 100)) == observed_disorder(Continuum.of([b, a], 100))


def test_gamma_without_units_is_undefined():
    assert pooled_gamma([Continuum.of([[], []], 100)]).value is None


def test_gamma_refuses_zero_random_continua_instead_of_returning_nan():
    with pytest.raises(ValueError, match="n_samples must be 1 or more"):
        gamma([[(0, 10)], [(2, 12)]], 100, n_samples=0)


@pytest.mark.skipif(os.environ.get("DUOCODE_LIVE_PYGAMMA") != "1",
                    reason="set DUOCODE_LIVE_PYGAMMA=1: pygamma-agreement takes ~25 s to import (numba)")
def test_observed_disorder_equals_pygamma_agreement_live():
    import logging

    pa = pytest.importorskip("pygamma_agreement")
    from pyannote.core import Segment

    logging.disable(logging.WARNING)
    rng = np.random.default_rng(21)
    for _ in range(5):
        units = [[(int(s), int(s) + int(rng.integers(3, 15))) for s in np.sort(rng.choice(300, 4, replace=False))]
                 for _ in range(int(rng.integers(2, 4)))]
        cont = pa.Continuum()
        for i, spans in enumerate(units):
            for s, e in spans:
                cont.add(f"c{i}", Segment(s, e), "case")
        best = cont.get_best_alignment(pa.CombinedCategoricalDissimilarity(alpha=1, beta=1))
        assert observed_disorder(Continuum.of(units, 320)) == pytest.approx(best.disorder, rel=1e-6)
