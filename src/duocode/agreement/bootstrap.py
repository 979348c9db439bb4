"""Bootstrap confidence intervals: Krippendorff's for alpha, unit resampling for the other coefficients.

Krippendorff's alpha - the algorithm of Krippendorff (2006, rev. 2011) as run by Hayes' KALPHA macro
(Hayes & Krippendorff 2007). It resamples *pairs of values*, not units:

1. From the observed coincidence matrix o_ck (n.. pairable values), the probability of drawing the pair c-k is
   p_cc = o_cc / n.. and p_ck = 2 o_ck / n.. for c < k.
2. Each replicate draws M pairs with these probabilities and sets
   alpha* = 1 - sum(delta^2 of the M pairs) / (M D_e), with the expected disagreement D_e kept at its observed
   value; alpha* below -1 is set to -1.
3. M is the number of pairable judgment pairs, sum_u m_u (m_u - 1) / 2 (the "Pairs" KALPHA prints). This M
   reproduces KALPHA's published output for Krippendorff (2011) section C (CI .6035 to .8600, q(.7) = .294);
   the rule min(25 q, (m - 1) n.. / 2) of the 2011 algorithm note gives a slightly different interval.
4. The CI limits are order statistics of the sorted alpha*: lower = the trunc((1 - level)/2 X)-th, upper =
   the (trunc((1 + level)/2 X) + 1)-th (1-based), as in KALPHA; q(alpha_min) = share of alpha* < alpha_min,
   the probability of failing to reach a chosen minimum (e.g. .667, .800; Krippendorff 2004, ch. 11).

Other coefficients - a nonparametric unit bootstrap (Efron & Tibshirani 1993, ch. 6 and 13): the units (cases)
are drawn with replacement, each coefficient is recomputed on every replicate, and the percentile interval is
read with the same order statistics as above. Replicates where a coefficient is undefined (e.g. a resample with
one category) are left out and counted. Both bootstraps use numpy's ``Generator`` seeded from one
``SeedSequence``, so a seed gives the same intervals on every run and machine.

References
----------
.. [1] Krippendorff, K. (2006, revised 2011). *Algorithm for bootstrapping a distribution of alpha*.
       Annenberg School for Communication, University of Pennsylvania.
.. [2] Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure for coding
       data. *Communication Methods and Measures* 1(1), 77-89. doi:10.1080/19312450709336664
.. [3] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
       doi:10.1007/978-1-4899-4541-9
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from duocode.agreement.data import as_reliability_data
from duocode.agreement.krippendorff import alpha_parts
from duocode.errors import InputError

CHUNK_CELLS = 2_000_000  # replicates x units held in memory at once


def generators(seed: int | Sequence[int] | None) -> tuple[np.random.Generator, np.random.Generator, int]:
    """Two independent generators (alpha, units) from one seed, and the seed to report.

    Without a seed fresh entropy is drawn; it is returned so that the run can be repeated.
    """
    ss = np.random.SeedSequence(seed)
    a, b = ss.spawn(2)
    reported = seed if seed is not None else ss.entropy
    return np.random.default_rng(a), np.random.default_rng(b), reported


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float | None, float | None]:
    """KALPHA's order statistics: lower = trunc((1-L)/2 X)-th, upper = (trunc((1+L)/2 X) + 1)-th (1-based).

    Non-finite replicates are left out; (None, None) when none is left.
    """
    x = np.sort(replicates[np.isfinite(replicates)])
    n = len(x)
    if n == 0:
        return None, None
    lo = int(np.floor((1.0 - level) / 2.0 * n + 1e-9))
    hi = int(np.floor((1.0 + level) / 2.0 * n + 1e-9)) + 1
    return float(x[min(max(lo, 1), n) - 1]), float(x[min(max(hi, 1), n) - 1])


@dataclass
class AlphaBootstrap:
    """Krippendorff's bootstrap distribution of alpha, summarised."""

    n_boot: int
    pairs: int  # M, the pairs drawn per replicate
    ci_level: float
    ci_low: float | None
    ci_high: float | None
    q: dict[float, float] = field(default_factory=dict)  # alpha_min -> P(alpha* < alpha_min)
    replicates: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"method": "Krippendorff (2006/2011) coincidence bootstrap, as KALPHA (Hayes & Krippendorff 2007)",
                "n_boot": self.n_boot, "pairs_per_replicate": self.pairs, "ci_level": self.ci_level,
                "ci_low": self.ci_low, "ci_high": self.ci_high,
                "q_below_alpha_min": {_key(a): p for a, p in self.q.items()}}


def _key(x: float) -> str:
    return f"{x:g}"


def krippendorff_alpha_bootstrap(data, *, n_boot: int = 1000, level: str | None = None,
                                 rng: np.random.Generator | None = None, seed: int | None = None,
                                 alpha_min: Sequence[float] = (0.667, 0.800), ci_level: float = 0.95,
                                 pairs: int | None = None, keep_replicates: bool = False) -> AlphaBootstrap | None:
    """Bootstrap distribution of Krippendorff's alpha (Krippendorff 2006/2011; KALPHA).

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
    n_boot : int
        Number of replicates X.
    level : {'nominal', 'ordinal', 'interval'}, optional
        Default: the level of ``data``.
    rng, seed
        A numpy Generator, or a seed to make one; same seed, same result.
    alpha_min : sequence of float
        Minimum acceptable alphas; the result gives q = P(alpha* < alpha_min) for each.
    ci_level : float, default 0.95
    pairs : int, optional
        M, the pairs drawn per replicate; default the number of pairable judgment pairs sum m_u(m_u - 1)/2.

    Returns
    -------
    AlphaBootstrap, or None when alpha itself is undefined.

    Examples
    --------
    Krippendorff (2011) section C, nominal; KALPHA printed the 95% CI .6035 to .8600 from 5000 replicates.

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> boot = krippendorff_alpha_bootstrap(data, n_boot=5000, seed=7)
    >>> boot.pairs, round(boot.ci_low, 4)
    (55, 0.6035)
    """
    if n_boot < 1:
        raise InputError(f"the number of bootstrap replicates must be at least 1, got {n_boot}")
    rd = as_reliability_data(data, level or "nominal")
    rng = rng if rng is not None else np.random.default_rng(seed)
    o, delta = alpha_parts(rd, level)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return None
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1.0))
    if d_e <= 0:
        return None
    if pairs is None:
        m_u = rd.observed_counts.sum(axis=1)
        pairs = int((m_u * (m_u - 1) // 2)[m_u >= 2].sum())
    # Step 1: the c <= k pair types and their probabilities p_cc = o_cc/n.., p_ck = 2 o_ck/n..
    c, k = np.triu_indices(len(n_c))
    p = np.where(c == k, 1.0, 2.0) * o[c, k] / n
    keep = p > 0
    p, d = p[keep] / p[keep].sum(), delta[c, k][keep]
    # Step 2: M pairs per replicate; alpha* = 1 - sum(delta)/(M De), at least -1
    draws = rng.multinomial(pairs, p, size=n_boot)
    alphas = np.maximum(1.0 - (draws @ d) / (pairs * d_e), -1.0)
    lo, hi = percentile_interval(alphas, ci_level)
    q = {float(a): float(np.mean(alphas < a)) for a in alpha_min}
    return AlphaBootstrap(n_boot=n_boot, pairs=pairs, ci_level=ci_level, ci_low=lo, ci_high=hi, q=q,
                          replicates=alphas if keep_replicates else None)


@dataclass
class UnitBootstrap:
    """Percentile intervals from resampling units; ``undefined`` counts replicates left out per coefficient."""

    n_boot: int
    ci_level: float
    intervals: dict[str, tuple[float | None, float | None]]
    undefined: dict[str, int]

    def to_dict(self) -> dict:
        out = {"method": "unit (case) resampling with replacement, percentile interval (Efron & Tibshirani 1993)",
               "n_boot": self.n_boot, "ci_level": self.ci_level}
        undefined = {k: v for k, v in self.undefined.items() if v}
        if undefined:
            out["undefined_replicates"] = undefined
        return out


def unit_bootstrap(statistics: dict[str, Callable[[np.ndarray], np.ndarray]], n_units: int, *, n_boot: int,
                   rng: np.random.Generator, ci_level: float = 0.95) -> UnitBootstrap:
    """Resample units with replacement ``n_boot`` times and evaluate every statistic on each replicate.

    Parameters
    ----------
    statistics : dict name -> f(w)
        ``f`` takes unit multiplicities ``w`` of shape (n_replicates, n_units) and returns one value per
        replicate (nan where undefined); see :mod:`duocode.agreement._arrays`.
    n_units : int
    n_boot : int
    rng : numpy.random.Generator
    ci_level : float
    """
    if n_boot < 1:
        raise InputError(f"the number of bootstrap replicates must be at least 1, got {n_boot}")
    values: dict[str, list[np.ndarray]] = {name: [] for name in statistics}
    chunk = max(1, min(n_boot, CHUNK_CELLS // max(n_units, 1)))
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        idx = rng.integers(0, n_units, size=(size, n_units))
        flat = (np.arange(size)[:, None] * n_units + idx).ravel()
        w = np.bincount(flat, minlength=size * n_units).reshape(size, n_units).astype(float)
        for name, fn in statistics.items():
            values[name].append(np.asarray(fn(w), dtype=float).reshape(size))
        done += size
    intervals, undefined = {}, {}
    for name, parts in values.items():
        x = np.concatenate(parts)
        intervals[name] = percentile_interval(x, ci_level)
        undefined[name] = int((~np.isfinite(x)).sum())
    return UnitBootstrap(n_boot=n_boot, ci_level=ci_level, intervals=intervals, undefined=undefined)


__all__ = ["AlphaBootstrap", "UnitBootstrap", "generators", "krippendorff_alpha_bootstrap", "percentile_interval",
           "unit_bootstrap"]
