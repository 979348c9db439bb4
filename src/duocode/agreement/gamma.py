r"""Mathet's γ: agreement on unitizing, through the alignment of the coders' units that disorders them least.

Following Mathet, Widlöcher & Métivier (2015):

* the dissimilarity of two units u, v of different coders (section 4.2) combines position and category,
  d(u, v) = α d_pos(u, v) + β d_cat(u, v), with the positional-sporadic
  d_pos = ((|start_u - start_v| + |end_u - end_v|) / (len_u + len_v))^2 Δ∅ and d_cat = Δ∅ [cat_u != cat_v];
  a unit left alone is compared with the empty unit ∅ at cost Δ∅ (defaults α = β = Δ∅ = 1, as in the authors'
  software and pygamma-agreement);
* a unitary alignment ā takes at most one unit from each of the n coders (∅ for the others); its disorder is
  the mean dissimilarity over the C(n, 2) pairs of its places, a pair with ∅ on either side counting Δ∅
  (section 4.3; pygamma-agreement reads the ∅-∅ pair the same way);
* an alignment partitions every unit into unitary alignments; the continuum's disorder is the least total
  disorder over all alignments divided by the mean number of units per coder, δ = sum δ(ā) / (N / n)
  (section 4.4). For two coders the best alignment is a minimum-cost assignment with the option to leave a unit
  alone (solved exactly with scipy's ``linear_sum_assignment``); for more it is the paper's integer programme
  over the unitary alignments that can be part of a best one (section 5.1.1: an ā with k units is kept only if
  δ(ā) <= k Δ∅, the cost of leaving its units alone), solved exactly with scipy's ``milp`` (HiGHS);
* γ = 1 - δ_observed / δ_expected (section 4.5), δ_expected being the mean disorder of random continua drawn by
  the paper's sampling (section 5.2, the "shuffle" of the authors' software): each of the n coders' places is
  filled by the units of a coder drawn at random, all shifted along the continuum by a random whole-number
  offset, circularly, the offsets kept at least half the mean unit length apart.

γ is stochastic through δ_expected: a seed fixes it; ``expected_sd / sqrt(n_samples)`` is its Monte-Carlo error.
A corpus is pooled as separate continua: alignments stay within a document, and each random corpus draws every
document's sample independently.

References
----------
.. [1] Mathet, Y., Widlöcher, A., & Métivier, J.-P. (2015). The unified and holistic method Gamma (γ) for
       inter-annotator agreement measure and alignment. *Computational Linguistics* 41(3), 437-479.
       doi:10.1162/COLI_a_00227
.. [2] Titeux, H., & Riad, R. (2021). pygamma-agreement: Gamma γ measure for inter/intra-annotator agreement in
       Python. *Journal of Open Source Software* 6(62), 2989. doi:10.21105/joss.02989
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

NO_UNITS = "no coder marked any passage: there is nothing to align"
FEW_CODERS = "defined for two or more coders"
NO_CHANCE_DISORDER = "the random continua have no disorder: gamma = 1 - x/0 is undefined"
MAX_CANDIDATES = 2_000_000   # unitary alignments enumerated for three or more coders


@dataclass(frozen=True)
class GammaEstimate:
    """γ with its parts, or ``value=None`` and why it is undefined."""

    value: float | None
    reason: str | None = None
    observed_disorder: float | None = None
    expected_disorder: float | None = None
    expected_sd: float | None = None
    n_samples: int = 0


@dataclass(frozen=True)
class Continuum:
    """The units of n coders on a continuum [0, length): ``units[i]`` is coder i's (k_i, 2) array of half-open
    [start, end) positions and ``categories[i]`` its (k_i,) category codes (all 0 when there is one kind)."""

    units: tuple[np.ndarray, ...]
    categories: tuple[np.ndarray, ...]
    length: float

    @classmethod
    def of(cls, units: Sequence, length: float, categories: Sequence | None = None) -> "Continuum":
        arrays = tuple(np.asarray(u, dtype=float).reshape(-1, 2) for u in units)
        for a in arrays:
            if len(a) and ((a[:, 1] <= a[:, 0]).any() or a.min() < 0):
                raise ValueError("every unit needs 0 <= start < end")
        cats = tuple(np.zeros(len(a), dtype=np.int64) for a in arrays) if categories is None else \
            tuple(np.asarray(c).reshape(-1) for c in categories)
        if any(len(c) != len(a) for c, a in zip(cats, arrays)) or len(cats) != len(arrays):
            raise ValueError("one category per unit")
        return cls(arrays, cats, float(length))

    @property
    def n_units(self) -> int:
        return sum(len(u) for u in self.units)


def dissimilarity(a: np.ndarray, b: np.ndarray, cat_a: np.ndarray, cat_b: np.ndarray, *, alpha: float = 1.0,
                  beta: float = 1.0, delta_empty: float = 1.0) -> np.ndarray:
    """d(u, v) for every unit u of ``a`` (k_a, 2) and v of ``b`` (k_b, 2): shape (k_a, k_b) (section 4.2)."""
    gap = np.abs(a[:, None, 0] - b[None, :, 0]) + np.abs(a[:, None, 1] - b[None, :, 1])
    pos = (gap / ((a[:, 1] - a[:, 0])[:, None] + (b[:, 1] - b[:, 0])[None, :])) ** 2 * delta_empty
    cat = (cat_a[:, None] != cat_b[None, :]) * delta_empty
    return alpha * pos + beta * cat


def best_alignment_disorder(continuum: Continuum, *, alpha: float = 1.0, beta: float = 1.0,
                            delta_empty: float = 1.0) -> float:
    """The least total disorder sum δ(ā) over the alignments of ``continuum`` (not yet divided by N / n)."""
    n = len(continuum.units)
    if continuum.n_units == 0:
        return 0.0
    kw = dict(alpha=alpha, beta=beta, delta_empty=delta_empty)
    if n == 2:
        return _two_coder_disorder(continuum, **kw)
    return _milp_disorder(continuum, **kw)


def _two_coder_disorder(c: Continuum, *, alpha, beta, delta_empty) -> float:
    from scipy.optimize import linear_sum_assignment

    a, b = c.units
    ka, kb = len(a), len(b)
    if ka == 0 or kb == 0:
        return (ka + kb) * delta_empty
    d = dissimilarity(a, b, *c.categories, alpha=alpha, beta=beta, delta_empty=delta_empty)
    # Rows: a's units, then one "alone" slot per unit of b; columns: b's units, then one slot per unit of a.
    # Pairing u with v costs d(u, v) (C(2, 2) = 1 pair); u alone costs Δ∅ on its own slot only; slot to slot 0.
    big = 4.0 * delta_empty + float(d.max()) + 1.0
    cost = np.zeros((ka + kb, kb + ka))
    cost[:ka, :kb] = d
    cost[:ka, kb:] = np.where(np.eye(ka, dtype=bool), delta_empty, big)
    cost[ka:, :kb] = np.where(np.eye(kb, dtype=bool), delta_empty, big)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].sum())


def _milp_disorder(c: Continuum, *, alpha, beta, delta_empty) -> float:
    from scipy.optimize import LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n = len(c.units)
    sizes = [len(u) for u in c.units]
    n_tuples = math.prod(k + 1 for k in sizes)
    if n_tuples > MAX_CANDIDATES:
        raise ValueError(f"{n} coders with {sizes} units give {n_tuples} unitary alignments to weigh; split the "
                         "continuum into smaller ones")
    pairs = math.comb(n, 2)
    # Pair costs with the empty unit at index k (any pair with ∅ costs Δ∅).
    grids = np.meshgrid(*[np.arange(k + 1) for k in sizes], indexing="ij")
    idx = np.stack([g.reshape(-1) for g in grids], axis=1)          # (n_tuples, n); index k_i = ∅
    total = np.zeros(len(idx))
    for i, j in itertools.combinations(range(n), 2):
        m = np.full((sizes[i] + 1, sizes[j] + 1), delta_empty)
        if sizes[i] and sizes[j]:
            m[:-1, :-1] = dissimilarity(c.units[i], c.units[j], c.categories[i], c.categories[j],
                                        alpha=alpha, beta=beta, delta_empty=delta_empty)
        total += m[idx[:, i], idx[:, j]]
    present = idx < np.array(sizes)
    k = present.sum(axis=1)
    disorder = total / pairs
    keep = (k > 0) & (disorder <= k * delta_empty + 1e-12)      # section 5.1.1: never worse than splitting up
    idx, present, disorder = idx[keep], present[keep], disorder[keep]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    rows = (offsets[:-1][None, :] + idx)[present]                   # the unit each tuple covers
    cols = np.nonzero(present)[0]
    a = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(int(offsets[-1]), len(disorder))).tocsr()
    res = milp(disorder, integrality=np.ones(len(disorder)), bounds=(0, 1),
               constraints=LinearConstraint(a, 1, 1))
    if not res.success:   # pragma: no cover - singletons always make a feasible alignment
        raise RuntimeError(f"no best alignment found: {res.message}")
    return float(disorder @ np.round(res.x))


def observed_disorder(continuum: Continuum, **kw) -> float:
    """δ of the continuum: least total disorder / mean units per coder (section 4.4)."""
    n = len(continuum.units)
    return best_alignment_disorder(continuum, **kw) / (continuum.n_units / n)


def shuffle_sample(continuum: Continuum, rng: np.random.Generator) -> Continuum:
    """A random continuum in the manner of section 5.2: every coder's place gets the units of a coder drawn at
    random, shifted by a whole-number offset (circularly), offsets at least half the mean unit length apart."""
    n = len(continuum.units)
    length = continuum.length
    lengths = np.concatenate([u[:, 1] - u[:, 0] for u in continuum.units])
    min_apart = float(lengths.mean()) / 2.0
    while True:
        free = [(0.0, length)]
        units, cats = [], []
        for _ in range(n):
            if free:
                widths = np.array([e - s for s, e in free])
                s, e = free[rng.choice(len(free), p=widths / widths.sum())] if widths.sum() > 0 else free[0]
                pivot = float(int(rng.uniform(s, e)))
                free = _remove(free, pivot - min_apart, pivot + min_apart)
            else:
                pivot = rng.uniform(0.0, length)
            source = int(rng.integers(n))
            shifted = continuum.units[source] + pivot
            wrap = shifted[:, 0] > length
            shifted[wrap] -= length
            units.append(shifted)
            cats.append(continuum.categories[source])
        sample = Continuum(tuple(units), tuple(cats), length)
        if sample.n_units:
            return sample


def _remove(free: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """The free stretches minus [lo, hi]. (pygamma-agreement 0.5.9 gives back, to a stretch lying wholly right of
    the removed one, the space down to ``hi``; with two coders only one removal precedes the last draw, so its
    draws and ours have the same distribution.)"""
    out = []
    for s, e in free:
        if e <= lo or s >= hi:
            out.append((s, e))
            continue
        if s < lo:
            out.append((s, lo))
        if e > hi:
            out.append((hi, e))
    return out


def gamma(units: Sequence, length: float, *, categories: Sequence | None = None, n_samples: int = 30,
          rng: np.random.Generator | None = None, seed: int | None = None, alpha: float = 1.0, beta: float = 1.0,
          delta_empty: float = 1.0) -> GammaEstimate:
    """γ of n >= 2 coders' units on one continuum.

    Parameters
    ----------
    units : sequence of n arrays of shape (k_i, 2)
        Each coder's units, half-open [start, end) positions on [0, length).
    length : float
        Length of the continuum.
    categories : sequence of n arrays of shape (k_i,), optional
        The units' categories; default one kind.
    n_samples : int
        Random continua for δ_expected (30, pygamma-agreement's default).
    rng, seed
        The random generator, or a seed for one.

    Returns
    -------
    GammaEstimate
        ``value`` <= 1 (1 perfect agreement, about 0 chance level); None with a reason without units.

    Examples
    --------
    >>> gamma([[(0, 10), (20, 30)], [(0, 10), (20, 30)]], 100, seed=1).value
    1.0
    """
    return pooled_gamma([Continuum.of(units, length, categories)], n_samples=n_samples, rng=rng, seed=seed,
                        alpha=alpha, beta=beta, delta_empty=delta_empty)


def pooled_gamma(continua: Sequence[Continuum], *, n_samples: int = 30, rng: np.random.Generator | None = None,
                 seed: int | None = None, alpha: float = 1.0, beta: float = 1.0,
                 delta_empty: float = 1.0) -> GammaEstimate:
    """γ of several separate continua (the documents of a corpus) with the same n coders, taken together."""
    if n_samples < 1:
        raise ValueError(f"n_samples must be 1 or more (got {n_samples}): the chance disorder is the mean "
                         "disorder of that many random continua")
    kw = dict(alpha=alpha, beta=beta, delta_empty=delta_empty)
    continua = [c for c in continua if c.n_units]
    if not continua:
        return GammaEstimate(None, NO_UNITS)
    n = len(continua[0].units)
    if n < 2:
        return GammaEstimate(None, FEW_CODERS)
    rng = rng if rng is not None else np.random.default_rng(seed)
    n_units = sum(c.n_units for c in continua)
    observed = sum(best_alignment_disorder(c, **kw) for c in continua) / (n_units / n)
    chance = np.empty(n_samples)
    for s in range(n_samples):
        samples = [shuffle_sample(c, rng) for c in continua]
        chance[s] = sum(best_alignment_disorder(c, **kw) for c in samples) / (sum(c.n_units for c in samples) / n)
    expected = float(chance.mean())
    sd = float(chance.std(ddof=1)) if n_samples > 1 else None
    if expected <= 0:
        return GammaEstimate(None, NO_CHANCE_DISORDER, observed, expected, sd, n_samples)
    return GammaEstimate(1.0 - observed / expected, None, observed, expected, sd, n_samples)
