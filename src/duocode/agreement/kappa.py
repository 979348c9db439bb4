r"""Kappa-type coefficients: Cohen's kappa, Scott's pi (two coders) and Fleiss' kappa (any number of coders).

All three correct an observed agreement p_a for the agreement p_e expected by chance:

.. math:: \kappa = \frac{p_a - p_e}{1 - p_e}

and differ in p_e. With weights w_kl (Cohen 1968), observed and chance agreement give partial credit to near
misses; the identity matrix gives the unweighted coefficients.

* **Cohen's kappa**: each coder's own marginal distribution, p_e = sum_kl w_kl p_k. p_.l (Cohen 1960).
* **Scott's pi**: one pooled distribution for both coders, p_e = sum_kl w_kl m_k m_l with
  m_k = (p_k. + p_.k) / 2 (Scott 1955).
* **Fleiss' kappa**: the multi-coder generalisation of Scott's pi (Fleiss 1971). With missing
  ratings it follows Gwet (2014): p_a averages over units with at least two codes; the category shares
  pi_k = mean over units with at least one code of r_ik / r_i (single-coded units included).

Cohen's kappa and Scott's pi are defined for exactly two coders and use the units both coded (their contingency
table). For more coders they are undefined here, not silently replaced by one of their generalisations.

References
----------
.. [1] Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
       Measurement* 20(1), 37-46. doi:10.1177/001316446002000104
.. [2] Cohen, J. (1968). Weighted kappa. *Psychological Bulletin* 70(4), 213-220. doi:10.1037/h0026256
.. [3] Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding. *Public Opinion
       Quarterly* 19(3), 321-325. doi:10.1086/266577
.. [4] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological Bulletin*
       76(5), 378-382. doi:10.1037/h0031619
.. [5] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2 (missing ratings),
       ch. 3 (weights).
.. [6] Artstein, R., & Poesio, M. (2008). Inter-coder agreement for computational linguistics.
       *Computational Linguistics* 34(4), 555-596. doi:10.1162/coli.07-034-R2
"""
from __future__ import annotations

import numpy as np

from duocode.agreement._arrays import Estimate, chance_corrected, estimate, prepare, ratio, wsum
from duocode.agreement.data import ReliabilityData
from duocode.agreement.percent import NO_PAIRS, _percent_agreement

SINGLE_CATEGORY = "only one category was used: chance agreement p_e is 1 and the coefficient is 0/0"


def two_coders_reason(n_coders: int) -> str:
    return (f"defined for exactly two coders (here {n_coders}); see Fleiss' kappa, Krippendorff's alpha and "
            "the pairwise kappas in the diagnostics")


# -- two coders ------------------------------------------------------------------------------------------------
def pair_index(rd: ReliabilityData, a: int = 0, b: int = 1) -> np.ndarray:
    """Per unit, the cell k * q + l of the (observed-category) contingency table of coders a and b; -1 if
    either rating is missing. Shape (n_units,)."""
    obs = np.cumsum(rd.used) - 1  # full category index -> observed index
    q = rd.q
    ca, cb = rd.codes[:, a], rd.codes[:, b]
    both = (ca >= 0) & (cb >= 0)
    return np.where(both, obs[np.where(both, ca, 0)] * q + obs[np.where(both, cb, 0)], -1)


def pair_tables(idx: np.ndarray, q: int, w: np.ndarray | None = None) -> np.ndarray:
    """Contingency table(s) from :func:`pair_index`, shape (q, q), or (n_resamples, q, q) for 2-d ``w``."""
    both = idx >= 0
    cells = idx[both]
    if w is None:
        return np.bincount(cells, minlength=q * q).reshape(q, q).astype(float)
    w = np.atleast_2d(w)[:, both]
    offsets = (np.arange(len(w))[:, None] * (q * q) + cells[None, :]).ravel()
    return np.bincount(offsets, weights=w.ravel(), minlength=len(w) * q * q).reshape(len(w), q, q)


def _observed_and_margins(table: np.ndarray, W: np.ndarray):
    n = table.sum(axis=(-2, -1))
    p = table / np.where(n > 0, n, np.nan)[..., None, None]
    p_o = (p * W).sum(axis=(-2, -1))  # sum_kl w_kl p_kl
    return p_o, p.sum(axis=-1), p.sum(axis=-2)


def _cohen_kappa(table: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Cohen's (weighted) kappa of contingency table(s) (..., q, q) (Cohen 1960; weighted: Cohen 1968)."""
    p_o, row, col = _observed_and_margins(table, W)
    p_e = np.einsum("...k,kl,...l->...", row, W, col)  # each coder's own marginals
    return chance_corrected(p_o, p_e)


def _scott_pi(table: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Scott's (weighted) pi of contingency table(s) (..., q, q) (Scott 1955)."""
    p_o, row, col = _observed_and_margins(table, W)
    m = (row + col) / 2.0  # pooled marginals
    p_e = np.einsum("...k,kl,...l->...", m, W, m)
    return chance_corrected(p_o, p_e)


def _two_coder(data, weights, fn) -> Estimate:
    rd, _, W = prepare(data, weights)
    if rd.n_coders != 2:
        return Estimate(None, two_coders_reason(rd.n_coders))
    table = pair_tables(pair_index(rd), rd.q)
    if table.sum() == 0:
        return Estimate(None, "no unit was coded by both coders")
    return estimate(fn(table, W), SINGLE_CATEGORY)


def cohen_kappa(data, *, weights: str | None = None) -> Estimate:
    r"""Cohen's kappa for two coders, optionally weighted (linear or quadratic).

    .. math:: \kappa = \frac{p_o - p_e}{1 - p_e}, \quad p_o = \sum_{kl} w_{kl} p_{kl},
              \quad p_e = \sum_{kl} w_{kl} p_{k\cdot} p_{\cdot l}

    p_kl is the share of units the first coder put in k and the second in l, over the units both coded.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (2, n_units)
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None

    Returns
    -------
    Estimate
        ``value`` in [-1, 1]; None with a reason for other than two coders, no commonly coded unit, or a single
        category (p_e = 1).

    Examples
    --------
    Wikipedia's grant-proposal example (rows reader A, columns reader B: 20, 5 / 10, 15): kappa = 0.4.

    >>> from duocode.agreement.data import ReliabilityData
    >>> rd = ReliabilityData.from_contingency_table([[20, 5], [10, 15]], ["yes", "no"])
    >>> round(cohen_kappa(rd).value, 6)
    0.4
    """
    return _two_coder(data, weights, _cohen_kappa)


def scott_pi(data, *, weights: str | None = None) -> Estimate:
    r"""Scott's pi for two coders: kappa with chance agreement from the pooled marginals.

    .. math:: \pi = \frac{p_o - p_e}{1 - p_e}, \quad p_e = \sum_{kl} w_{kl} m_k m_l,
              \quad m_k = (p_{k\cdot} + p_{\cdot k}) / 2

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (2, n_units)
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None

    Returns
    -------
    Estimate
        ``value`` in [-1, 1], or None with a reason (as for :func:`cohen_kappa`).

    Examples
    --------
    Freelon's ReCal "mailbag" case: 97% agreement, yet pi = -0.015 because one category holds almost every
    code (99 units; coder 1 always 0, coder 2 three times 1).

    >>> from duocode.agreement.data import ReliabilityData
    >>> rd = ReliabilityData.from_contingency_table([[96, 3], [0, 0]], ["0", "1"])
    >>> round(scott_pi(rd).value, 3)
    -0.015
    """
    return _two_coder(data, weights, _scott_pi)


# -- any number of coders --------------------------------------------------------------------------------------
def category_shares(counts: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """pi_k = mean over units with >= 1 code of r_ik / r_i (Gwet 2014, ch. 2), shape (..., q)."""
    r = counts.sum(axis=1)
    coded = r >= 1
    share = np.zeros_like(counts, dtype=float)
    np.divide(counts, r[:, None], out=share, where=coded[:, None])
    return ratio(wsum(w, share), wsum(w, coded.astype(float))[..., None])


def _fleiss_kappa(counts: np.ndarray, W: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    p_a = _percent_agreement(counts, W, w)  # Fleiss (1971) P-bar, over units with >= 2 codes (Gwet 2014)
    pi = category_shares(counts, w)
    p_e = np.einsum("...k,kl,...l->...", pi, W, pi)  # Fleiss (1971) P-bar_e = sum p_j^2; weighted: Gwet (2014, ch. 3)
    return chance_corrected(p_a, p_e)


def fleiss_kappa(data, *, weights: str | None = None) -> Estimate:
    r"""Fleiss' kappa for any number of coders, with missing ratings (Gwet 2014), optionally weighted.

    .. math:: \kappa_F = \frac{p_a - p_e}{1 - p_e}, \quad p_e = \sum_{kl} w_{kl} \pi_k \pi_l

    with p_a the percent agreement (:func:`~duocode.agreement.percent.percent_agreement`) and pi_k the mean
    over units with at least one code of r_ik / r_i.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None

    Returns
    -------
    Estimate
        ``value`` <= 1; None with a reason when no unit has two codes or only one category was used.

    Examples
    --------
    Krippendorff (2011) section C matrix; irrCAC's fleiss.kappa.raw gives 0.76117.

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(fleiss_kappa(data).value, 5)
    0.76117
    """
    rd, counts, W = prepare(data, weights)
    value = _fleiss_kappa(counts, W)
    if np.isnan(value):
        return Estimate(None, NO_PAIRS if not (counts.sum(axis=1) >= 2).any() else SINGLE_CATEGORY)
    return Estimate(float(value))
