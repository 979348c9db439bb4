r"""Gwet's AC1 (nominal) and AC2 (weighted) agreement coefficients, for any number of coders.

AC1 corrects percent agreement with a chance term that stays small when one category dominates, so it does not
collapse in the "kappa paradox" (high agreement, low kappa) the way Fleiss' kappa and Krippendorff's alpha do:

.. math::

    \mathrm{AC}_2 = \frac{p_a - p_e}{1 - p_e}, \qquad
    p_e = \frac{T_w}{q (q - 1)} \sum_k \pi_k (1 - \pi_k), \qquad T_w = \sum_{kl} w_{kl}

With identity weights T_w = q and AC2 is AC1, p_e = sum_k pi_k (1 - pi_k) / (q - 1). Conventions (Gwet 2014,
irrCAC): p_a is the percent agreement over units with at least two codes, pi_k the mean over units with at least
one code of r_ik / r_i, and q the number of distinct codes observed.

References
----------
.. [1] Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high
       agreement. *British Journal of Mathematical and Statistical Psychology* 61(1), 29-48.
       doi:10.1348/000711006X126600
.. [2] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2 (AC1 with missing
       ratings) and ch. 3 (AC2).
"""
from __future__ import annotations

import numpy as np

from duocode.agreement._arrays import Estimate, chance_corrected, prepare
from duocode.agreement.kappa import category_shares
from duocode.agreement.percent import NO_PAIRS, _percent_agreement

ONE_CATEGORY = "only one category was observed (q = 1): the chance term divides by q - 1 = 0"


def _gwet_ac(counts: np.ndarray, W: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    q = counts.shape[1]
    p_a = _percent_agreement(counts, W, w)
    if q < 2:
        return np.full(np.shape(p_a), np.nan)
    pi = category_shares(counts, w)
    t_w = W.sum()
    p_e = t_w / (q * (q - 1.0)) * (pi * (1.0 - pi)).sum(axis=-1)  # Gwet (2014, ch. 3); T_w = q gives AC1
    return chance_corrected(p_a, p_e)


def gwet_ac1(data, *, weights: str | None = None) -> Estimate:
    """Gwet's AC1, or AC2 when ``weights`` are given, for any number of coders and missing ratings.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None
        None gives AC1; otherwise AC2 with Gwet's (2014, ch. 3) weights over the observed categories.

    Returns
    -------
    Estimate
        ``value`` <= 1; None with a reason when no unit has two codes or only one category was observed.

    Examples
    --------
    Krippendorff (2011) section C matrix; irrCAC's gwet.ac1.raw gives 0.77544 (AC2 quadratic: 0.914).

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(gwet_ac1(data).value, 5)
    0.77544
    """
    rd, counts, W = prepare(data, weights)
    if not (counts.sum(axis=1) >= 2).any():
        return Estimate(None, NO_PAIRS)
    if rd.q < 2:
        return Estimate(None, ONE_CATEGORY)
    value = float(_gwet_ac(counts, W))
    return Estimate(None, "chance agreement is 1: the coefficient is 0/0") if np.isnan(value) else Estimate(value)


def gwet_ac2(data, *, weights: str = "quadratic") -> Estimate:
    """Gwet's AC2: :func:`gwet_ac1` with agreement weights (default quadratic)."""
    return gwet_ac1(data, weights=weights)
