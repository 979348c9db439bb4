r"""Brennan and Prediger's coefficient: chance agreement from a uniform use of the q categories.

.. math::

    \kappa_{BP} = \frac{p_a - p_e}{1 - p_e}, \qquad p_e = \frac{T_w}{q^2}, \qquad T_w = \sum_{kl} w_{kl}

With identity weights p_e = 1/q. Also known as Bennett, Alpert and Goldstein's S or (for two categories) the
prevalence-adjusted bias-adjusted kappa, PABAK. q is the number of distinct codes observed (Gwet 2014, irrCAC).

References
----------
.. [1] Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and alternatives.
       *Educational and Psychological Measurement* 41(3), 687-699. doi:10.1177/001316448104100307
.. [2] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2 (missing ratings) and
       ch. 3 (weighted).
"""
from __future__ import annotations

import numpy as np

from duocode.agreement._arrays import Estimate, chance_corrected, prepare
from duocode.agreement.percent import NO_PAIRS, _percent_agreement

ONE_CATEGORY = "only one category was observed (q = 1): chance agreement 1/q is 1 and the coefficient is 0/0"


def _brennan_prediger(counts: np.ndarray, W: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    q = counts.shape[1]
    p_a = _percent_agreement(counts, W, w)
    if q < 2:
        return np.full(np.shape(p_a), np.nan)
    p_e = W.sum() / q**2  # T_w / q^2 (Gwet 2014, ch. 3); 1/q unweighted
    return chance_corrected(p_a, p_e)


def brennan_prediger(data, *, weights: str | None = None) -> Estimate:
    """Brennan-Prediger coefficient for any number of coders and missing ratings, optionally weighted.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None

    Returns
    -------
    Estimate
        ``value`` in [-1/(q-1), 1]; None with a reason when no unit has two codes or q = 1.

    Examples
    --------
    Gwet's cont3x3abstractors table (100 units, 89% agreement, q = 3): (0.89 - 1/3) / (2/3) = 0.835.

    >>> from duocode.agreement.data import ReliabilityData
    >>> rd = ReliabilityData.from_contingency_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]],
    ...                                             ["Ectopic", "AIU", "NIU"])
    >>> round(brennan_prediger(rd).value, 3)
    0.835
    """
    rd, counts, W = prepare(data, weights)
    if not (counts.sum(axis=1) >= 2).any():
        return Estimate(None, NO_PAIRS)
    if rd.q < 2:
        return Estimate(None, ONE_CATEGORY)
    return Estimate(float(_brennan_prediger(counts, W)))
