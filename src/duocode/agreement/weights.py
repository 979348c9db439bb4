"""Agreement weights w_kl for the weighted coefficients (Cohen 1968; Gwet 2014, ch. 3).

A weight says how much credit two different codes earn: 1 on the diagonal, 0 for complete disagreement. The
unweighted coefficients use the identity matrix. Weights are built over the categories *observed* in the data,
scored by their value (interval) or their rank (ordinal), as irrCAC does (Gwet 2014, ch. 3).

References
----------
.. [1] Cohen, J. (1968). Weighted kappa: Nominal scale agreement with provision for scaled disagreement or
       partial credit. *Psychological Bulletin* 70(4), 213-220. doi:10.1037/h0026256
.. [2] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced Analytics. Chapter 3
       (identity, linear, quadratic and ordinal weights).
"""
from __future__ import annotations

import numpy as np

WEIGHTS = ("identity", "linear", "quadratic", "ordinal")


def weight_matrix(kind: str | None, scores: np.ndarray) -> np.ndarray:
    """The q x q weight matrix for categories with the given scores.

    Parameters
    ----------
    kind : {'identity', 'linear', 'quadratic', 'ordinal'} or None
        None means identity. With x_k the score of category k and R = max(x) - min(x) [2]_:
        linear ``1 - |x_k - x_l| / R``; quadratic ``1 - (x_k - x_l)**2 / R**2``; Gwet's ordinal weights
        ``1 - M_kl / max(M)`` with ``M_kl = C(|k - l| + 1, 2)`` over ranks k, l (they ignore the scores).
    scores : ndarray, shape (q,)
        Category values (interval) or ranks (ordinal), increasing.

    Returns
    -------
    ndarray, shape (q, q)
        Symmetric, ones on the diagonal, values in [0, 1].

    Examples
    --------
    >>> weight_matrix("linear", np.array([1.0, 2.0, 3.0]))[0]
    array([1. , 0.5, 0. ])
    """
    q = len(scores)
    if kind in (None, "identity") or q < 2:
        return np.eye(q)
    if kind == "ordinal":
        rank = np.arange(q)
        d = np.abs(rank[:, None] - rank[None, :])
        m = (d + 1) * d / 2.0  # C(|k-l|+1, 2)
        return 1.0 - m / m.max()
    x = np.asarray(scores, dtype=float)
    span = x.max() - x.min()
    diff = np.abs(x[:, None] - x[None, :]) / span
    if kind == "linear":
        return 1.0 - diff
    if kind == "quadratic":
        return 1.0 - diff**2
    raise ValueError(f"unknown weights {kind!r}; expected one of {', '.join(WEIGHTS)}")
