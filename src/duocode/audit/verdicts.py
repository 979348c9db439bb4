"""The tests behind the proposition verdicts, and the settings the codebook gives them.

What each verdict means under its test is written out in :mod:`duocode.audit.propositions` and in
docs/CODEBOOK_FORMAT.md ("Verdicts"). This module holds the arithmetic: the exact binomial test and its
Clopper-Pearson interval for the supports/contradicts rule, the permutation test of group means with a
rank-biserial correlation for the ``compare`` rule, and the "how many more cases would decide it" estimates.
The settings (significance level, the share a side must exceed, the mixed band, the minimum number of cases,
the permutation count and seed, how comparisons combine) come from the codebook's ``verdicts:`` section and a
proposition's own ``verdicts:`` overrides; :data:`DEFAULTS` applies where both are silent.

scipy and numpy are imported inside the functions that use them, so that the CLI starts fast.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

# The defaults, documented in docs/CODEBOOK_FORMAT.md and written out in the bundled codebooks.
DEFAULTS: dict[str, Any] = {
    "alpha": 0.05,
    "min_cases": 5,
    "supports_contradicts": {"test": "binomial", "threshold": 0.5, "mixed_band": 0.75},
    "compare": {"test": "permutation", "permutations": 9999, "seed": 1, "combine": "largest_p"},
    "from": {"test": "combination"},
}
RULE_SECTIONS = {"supports/contradicts": "supports_contradicts", "compare": "compare", "from": "from"}
# The search for "cases to decide" stops here: beyond it a proposition is called undecidable at its share.
MAX_DECIDING_CASES = 1_000_000


@dataclass(frozen=True)
class VerdictSettings:
    """The settings one proposition is judged with (the codebook's, overridden by the proposition's)."""

    test: str
    alpha: float
    min_cases: int
    threshold: float | None = None
    mixed_band: float | None = None
    permutations: int | None = None
    seed: int | None = None
    combine: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def settings_for(codebook_verdicts: dict | None, prop: dict, rule: str) -> VerdictSettings:
    """The settings of ``prop`` under ``rule``: defaults <- codebook ``verdicts:`` <- the proposition's own.

    A proposition's legacy ``threshold`` key keeps its old meaning, a share one side must reach, and sets the
    mixed band to the same value, as the count rule did (mixed between 1 - t and t); its ``verdicts:`` keys
    still win over it.
    """
    section = RULE_SECTIONS[rule]
    cb = codebook_verdicts or {}
    merged: dict[str, Any] = {"alpha": cb.get("alpha", DEFAULTS["alpha"]),
                              "min_cases": cb.get("min_cases", DEFAULTS["min_cases"])}
    merged.update(DEFAULTS[section])
    merged.update(cb.get(section) or {})
    if section == "supports_contradicts" and prop.get("threshold") is not None:
        merged["threshold"] = merged["mixed_band"] = float(prop["threshold"])
    merged.update(prop.get("verdicts") or {})
    return VerdictSettings(**merged)


# -- supports/contradicts: the exact binomial test ---------------------------------------------------------------
@dataclass
class BinomialOutcome:
    verdict: str
    test: str
    p_value: float | None
    reason: str | None
    share: float | None
    ci: tuple[float, float] | None
    cohens_h: float | None


def binomial_test_name(st: VerdictSettings) -> str:
    return (f"exact binomial test, two-sided, of the supporting share against {st.threshold:g}"
            + ("" if st.threshold == 0.5 else f" (majority side vs {st.threshold:g})"))


def binomial_outcome(s: int, k: int, st: VerdictSettings) -> BinomialOutcome:
    """Judge ``s`` supporting-only against ``k`` contradicting-only cases (the cases on both sides excluded).

    The p-value is twice the upper tail of the majority side's count under a share of ``threshold`` t (for
    t = 0.5 exactly scipy's two-sided ``binomtest``; in general the central two-sided test, the one the
    Clopper-Pearson interval inverts), so ``p < alpha`` holds exactly when the (1 - alpha) interval of the
    supporting share lies above t (supported) or below 1 - t (contradicted). Otherwise ``mixed`` when both sides
    are present and the interval lies within the band [1 - m, m]: even at the interval's edge neither side holds
    more than m of the evidence. Else ``inconclusive``; also when fewer than ``min_cases`` cases carry evidence.
    References: Clopper & Pearson (1934), Biometrika 26:404-413; Cohen (1988), Statistical Power Analysis, ch. 6
    (h = 2 asin sqrt(p) - 2 asin sqrt(0.5)).
    """
    from scipy.stats import binomtest

    n = s + k
    name = binomial_test_name(st)
    if n == 0:
        return BinomialOutcome("inconclusive", name, None, "every case with evidence is on both sides, so the "
                               "test has no case to count", None, None, None)
    t = st.threshold
    major = max(s, k)
    p = min(1.0, 2.0 * float(binomtest(major, n, t, alternative="greater").pvalue))
    ci = binomtest(s, n).proportion_ci(confidence_level=1 - st.alpha, method="exact")
    lo, hi = float(ci.low), float(ci.high)
    share = s / n
    h = 2 * math.asin(math.sqrt(share)) - 2 * math.asin(math.sqrt(0.5))
    m = st.mixed_band
    if n < st.min_cases:
        verdict = "inconclusive"
    elif p < st.alpha and s > k and lo > t:
        verdict = "supported"
    elif p < st.alpha and k > s and hi < 1 - t:
        verdict = "contradicted"
    elif s and k and lo >= 1 - m and hi <= m:
        verdict = "mixed"
    else:
        verdict = "inconclusive"
    return BinomialOutcome(verdict, name, p, None, share, (lo, hi), h)


def binomial_cases_to_decide(s: int, k: int, st: VerdictSettings) -> tuple[int | None, str | None]:
    """How many more cases at the observed supporting share would give a verdict other than inconclusive, and
    which verdict; ``(None, None)`` when no number up to :data:`MAX_DECIDING_CASES` would."""
    n = s + k
    if n == 0:
        return None, None
    share = s / n

    def verdict_at(total: int) -> str:
        s2 = round(share * total)
        return binomial_outcome(s2, total - s2, st).verdict

    return _first_deciding(n, verdict_at)


def _first_deciding(n: int, verdict_at) -> tuple[int | None, str | None]:
    """The smallest total above ``n`` whose verdict is decided (doubling, then halving the gap), as extra cases."""
    lo, hi = n, max(n * 2, n + 1, 2)
    while verdict_at(hi) == "inconclusive":
        lo, hi = hi, hi * 2
        if hi > MAX_DECIDING_CASES:
            return None, None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if verdict_at(mid) == "inconclusive":
            lo = mid
        else:
            hi = mid
    return hi - n, verdict_at(hi)


# -- compare: permutation tests of the group means ---------------------------------------------------------------
@dataclass
class Comparison:
    """The higher group against one lower group."""

    lower: int                  # index of the lower group
    difference: float           # higher mean - lower mean
    p_value: float              # permutation test, two-sided
    p_adjusted: float           # after combining (Holm), or the same as p_value
    rank_biserial: float        # (#pairs higher > lower - #pairs higher < lower) / (n_h n_l)
    n_higher: int
    n_lower: int

    def to_dict(self) -> dict:
        return {"difference": self.difference, "p_value": self.p_value, "p_adjusted": self.p_adjusted,
                "rank_biserial": self.rank_biserial, "n_higher": self.n_higher, "n_lower": self.n_lower}


def permutation_test_name(st: VerdictSettings, n_lower: int) -> str:
    name = f"permutation test of the difference in mean score, two-sided ({st.permutations} random " \
           f"relabellings, seed {st.seed}; exact when there are no more arrangements than that)"
    if n_lower > 1:
        name += (", Holm-adjusted over the lower groups" if st.combine == "holm"
                 else ", every lower group must differ (largest p)")
    return name


def mean_difference_p(higher: list[float], lower: list[float], st: VerdictSettings) -> float:
    """Two-sided permutation p-value of mean(higher) - mean(lower).

    When the distinct arrangements of the cases into the two groups are no more than ``permutations``, the exact
    test by scipy's ``permutation_test`` (independent samples, every arrangement). Otherwise a Monte Carlo
    permutation test with ``permutations`` random relabellings and the fixed ``seed``. The statistic depends on a
    relabelling only through how many cases of each distinct score land in the higher group, and for a uniformly
    random relabelling those counts follow the multivariate hypergeometric distribution; so each relabelling is
    drawn as those counts (numpy's ``multivariate_hypergeometric``), in time independent of the group sizes,
    instead of shuffling every case (which takes seconds on a project of thousands of cases). The p-value is then
    computed as ``permutation_test`` computes a randomized one: twice the smaller tail, each tail counting the
    observed statistic once among the resamples ((b + 1) / (R + 1); Phipson & Smyth 2010, Stat. Appl. Genet. Mol.
    Biol. 9:39), capped at 1.
    """
    import numpy as np

    n_h, n_l = len(higher), len(lower)
    if math.comb(n_h + n_l, n_h) <= st.permutations:
        from scipy.stats import permutation_test

        def statistic(x, y, axis):
            return np.mean(x, axis=axis) - np.mean(y, axis=axis)

        res = permutation_test((np.asarray(higher, dtype=float), np.asarray(lower, dtype=float)), statistic,
                               permutation_type="independent", vectorized=True, n_resamples=st.permutations,
                               alternative="two-sided", rng=np.random.default_rng(st.seed))
        return min(1.0, float(res.pvalue))
    values, counts = np.unique(np.asarray(higher + lower, dtype=float), return_counts=True)
    total = float(values @ counts)
    rng = np.random.default_rng(st.seed)
    drawn = rng.multivariate_hypergeometric(counts, n_h, size=st.permutations)   # (R, distinct scores)
    sum_h = drawn @ values
    null = sum_h / n_h - (total - sum_h) / n_l
    observed = sum(higher) / n_h - sum(lower) / n_l
    tol = 1e-12 * max(1.0, abs(observed))
    less = (np.count_nonzero(null <= observed + tol) + 1) / (st.permutations + 1)
    greater = (np.count_nonzero(null >= observed - tol) + 1) / (st.permutations + 1)
    return min(1.0, 2.0 * min(less, greater))


def rank_biserial(higher: list[float], lower: list[float]) -> float:
    """Rank-biserial correlation (= Cliff's delta): the share of (higher, lower) pairs in which the higher-group
    case scores more, minus the share in which it scores less (Kerby 2014, Comprehensive Psychology 3:11.IT.3.1)."""
    import numpy as np

    h = np.asarray(higher, dtype=float)[:, None]
    low = np.asarray(lower, dtype=float)[None, :]
    return float(((h > low).sum() - (h < low).sum()) / (h.size * low.size))


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979, Scand. J. Statist. 6:65-70), in the input order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    m = len(p_values)
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def compare_outcome(higher: list[float], lowers: list[list[float]], st: VerdictSettings
                    ) -> tuple[str, float, list[Comparison]]:
    """Verdict, combined p-value and the comparisons of a non-empty higher group with non-empty lower groups.

    Each comparison is significant when its p-value (Holm-adjusted with ``combine: holm``) is below alpha.
    ``supported`` when every comparison is significant with the higher mean above; ``contradicted`` when every one
    is significant with it below; ``mixed`` when every one is significant but they point different ways (only
    with several lower groups); else ``inconclusive``, also when a group has fewer than ``min_cases`` cases. With
    ``largest_p`` the combined p-value is the largest one: requiring every comparison to reject at alpha is an
    intersection-union test of level alpha (Berger 1982, Technometrics 24:295-300), so no correction is needed.
    """
    raw = [mean_difference_p(higher, low, st) for low in lowers]
    adjusted = holm(raw) if st.combine == "holm" else list(raw)
    comps = [Comparison(i, _mean(higher) - _mean(low), raw[i], adjusted[i], rank_biserial(higher, low),
                        len(higher), len(low)) for i, low in enumerate(lowers)]
    combined = max(adjusted)
    small = len(higher) < st.min_cases or any(len(low) < st.min_cases for low in lowers)
    significant = all(c.p_adjusted < st.alpha for c in comps)
    if small or not significant or any(c.difference == 0 for c in comps):
        verdict = "inconclusive"
    elif all(c.difference > 0 for c in comps):
        verdict = "supported"
    elif all(c.difference < 0 for c in comps):
        verdict = "contradicted"
    else:
        verdict = "mixed"
    return verdict, combined, comps


def compare_cases_to_decide(higher: list[float], lowers: list[list[float]], st: VerdictSettings
                            ) -> int | None:
    """About how many more cases, spread over the groups as now and at the observed means and spreads, would make
    every comparison significant: by the normal approximation z = |difference| / SE, which grows with the square
    root of the sample size. None when a difference is zero (no number of cases decides it at the observed
    means)."""
    from scipy.stats import norm

    total = len(higher) + sum(len(low) for low in lowers)
    level = st.alpha / len(lowers) if st.combine == "holm" else st.alpha
    z_needed = float(norm.ppf(1 - level / 2))
    factor = max(st.min_cases / min([len(higher)] + [len(low) for low in lowers]), 1.0)
    for low in lowers:
        diff = abs(_mean(higher) - _mean(low))
        if diff == 0:
            return None
        se = math.sqrt(_var(higher) / len(higher) + _var(low) / len(low))
        if se > 0:
            factor = max(factor, (z_needed * se / diff) ** 2)
    return max(1, math.ceil(total * factor) - total)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _var(xs: list[float]) -> float:
    if len(xs) < 2:
        return 0.0
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


# -- from: combining the children's verdicts ----------------------------------------------------------------------
def combine_verdicts(verdicts: list[str]) -> str:
    """A parent's verdict from its children's. All decided: all supported -> supported, all contradicted ->
    contradicted, all no_evidence -> no_evidence, else mixed. With an inconclusive child the parent is
    ``mixed`` only when the decided children already disagree or include a mixed one (whatever the open child
    turns out to be, the children cannot all agree); otherwise it is ``inconclusive``."""
    decided = [v for v in verdicts if v != "inconclusive"]
    if len(decided) == len(verdicts):
        for v in ("supported", "contradicted", "no_evidence"):
            if all(x == v for x in verdicts):
                return v
        return "mixed"
    if len(set(decided)) > 1 or "mixed" in decided:
        return "mixed"
    return "inconclusive"
