r"""Percent agreement: the share of agreeing coder pairs within a unit, averaged over units.

For more than two coders this is the mean pairwise agreement of Fleiss (1971) and Gwet (2014), not
Krippendorff's observed agreement ``1 - D_o`` (which weights units by their number of codes) and not the
"average over coder pairs" of ReCal3. For two coders it is the share of units coded by both that got the same
code.

.. math::

    p_a = \frac{1}{n'} \sum_{i:\, r_i \ge 2} \sum_k \frac{r_{ik} (r^*_{ik} - 1)}{r_i (r_i - 1)},
    \qquad r^*_{ik} = \sum_l w_{kl} r_{il}

with r_ik the number of coders who gave unit i category k, r_i their sum, n' the number of units with at least
two codes, and w the weights (identity when unweighted: then r* = r).

References
----------
.. [1] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological Bulletin*
       76(5), 378-382 (P-bar). doi:10.1037/h0031619
.. [2] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2 (missing ratings) and
       ch. 3 (weighted).
"""
from __future__ import annotations

import numpy as np

from duocode.agreement._arrays import Estimate, estimate, prepare, ratio, wsum

NO_PAIRS = "no unit was coded by two or more coders"


def unit_agreement(counts: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit agreement and the indicator r_i >= 2, both shape (n_units,)."""
    r = counts.sum(axis=1)
    has2 = r >= 2
    r_star = counts @ W.T  # r*_ik = sum_l w_kl r_il (Gwet 2014, ch. 3)
    num = (counts * (r_star - 1.0)).sum(axis=1)
    den = r * (r - 1.0)
    a = np.zeros(len(r))
    np.divide(num, den, out=a, where=has2)
    return a, has2.astype(float)


def _percent_agreement(counts: np.ndarray, W: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """p_a for unit multiplicities ``w`` (None: each unit once); nan when no unit has two codes."""
    a, has2 = unit_agreement(counts, W)
    return ratio(wsum(w, a), wsum(w, has2))


def percent_agreement(data, *, weights: str | None = None) -> Estimate:
    """Percent agreement (mean pairwise agreement per unit), optionally weighted.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
        A coders x units matrix uses ``nan`` for a missing rating.
    weights : {None, 'linear', 'quadratic', 'ordinal'}, default None
        Partial credit for near misses (Gwet 2014, ch. 3); None counts only identical codes.

    Returns
    -------
    Estimate
        ``value`` in [0, 1]; None (with a reason) when no unit has two codes.

    Examples
    --------
    Krippendorff (2011), section C: four observers, twelve units, missing ratings; Gwet's irrCAC gives
    0.8181818 for the same matrix.

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(percent_agreement(data).value, 7)
    0.8181818
    """
    rd, counts, W = prepare(data, weights)
    return estimate(_percent_agreement(counts, W), NO_PAIRS)
