r"""Krippendorff's alpha at nominal, ordinal and interval level, via the coincidence matrix.

.. math::

    \alpha = 1 - \frac{D_o}{D_e} = 1 - (n_{\cdot\cdot} - 1)
             \frac{\sum_{c,k} o_{ck}\, \delta^2_{ck}}{\sum_{c,k} n_c\, n_k\, \delta^2_{ck}}

* o_ck, the coincidence matrix: over pairable units u (those with m_u >= 2 codes),
  o_ck = sum_u (number of ordered pairs of codes c, k in u) / (m_u - 1). Units with a single code are dropped
  before anything is counted - also from n_c (Krippendorff 2011, section C).
* n_c = sum_k o_ck, the pairable values of category c; n.. = sum_c n_c.
* delta^2_ck, the difference function: nominal 1 for c != k; interval (c - k)^2; ordinal
  (sum_{g=c..k} n_g - (n_c + n_k)/2)^2, Krippendorff's rank/frequency metric (not Gwet's "ordinal weights").
  It equals the squared difference of the categories' mid-ranks cumsum(n) - n/2, which is how it is computed.

Everything is array arithmetic over units (no Python loop), so 10,000 units take milliseconds.

References
----------
.. [1] Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
       Communication, University of Pennsylvania, Departmental Papers 43 (sections A-C: coincidences;
       the difference functions).
       https://repository.upenn.edu/asc_papers/43
.. [2] Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd ed.), ch. 11.
       Sage.
.. [3] Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure for coding
       data. *Communication Methods and Measures* 1(1), 77-89. doi:10.1080/19312450709336664
"""
from __future__ import annotations

import numpy as np

from duocode.agreement._arrays import Estimate
from duocode.agreement.data import LEVELS, ReliabilityData, as_reliability_data
from duocode.errors import InputError

NO_PAIRABLE = "no unit has two or more codes: there are no pairable values"
NO_VARIATION = ("no variation: every pairable value is the same, so alpha = 1 - 0/0 is undefined "
                "(Krippendorff 2011)")


def coincidences(counts: np.ndarray) -> np.ndarray:
    """The coincidence matrix o_ck, shape (q, q), from unit-by-category counts (n_units, q).

    Krippendorff (2011), section C: o_ck = sum_u sum_{i != j} [code i = c][code j = k] / (m_u - 1) over units
    with m_u >= 2 codes. With r_uk the counts this is sum_u (r_uc r_uk - [c = k] r_uc) / (m_u - 1).
    """
    m_u = counts.sum(axis=1)
    q = counts.shape[1]
    o = np.zeros((q, q))
    # Units are grouped by their number of codes m (at most n_coders groups), so every sum is over whole
    # numbers and only divided once: o is exact where its entries are (7.0, not 6.999999999999999).
    for m in np.unique(m_u[m_u >= 2]):
        n_uc = counts[m_u == m].astype(float)
        o += (n_uc.T @ n_uc - np.diag(n_uc.sum(axis=0))) / (m - 1.0)
    return o


def distances(level: str, n_c: np.ndarray, values: np.ndarray) -> np.ndarray:
    """delta^2_ck, shape (q, q), for categories with pairable frequencies ``n_c`` and numeric ``values``."""
    q = len(n_c)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        # (sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2 == (mid_k - mid_c)^2 with mid = cumsum(n) - n/2
        mid = np.cumsum(n_c) - n_c / 2.0
        return (mid[:, None] - mid[None, :]) ** 2
    if level == "interval":
        v = np.asarray(values, dtype=float)
        return (v[:, None] - v[None, :]) ** 2
    raise InputError(f"unknown level {level!r}", expected="nominal, ordinal or interval")


def alpha_parts(rd: ReliabilityData, level: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(o, delta^2) over the observed categories, for :func:`krippendorff_alpha` and the bootstrap."""
    level = level or rd.level
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}", expected="nominal, ordinal or interval")
    values = rd.observed_values
    if level == "interval" and rd.level != "interval":
        try:
            values = np.array([float(c) for c in rd.observed_categories])
        except ValueError:
            raise InputError("interval alpha needs numeric codes", expected="numbers at interval level") from None
    o = coincidences(rd.observed_counts)
    return o, distances(level, o.sum(axis=1), values)


def _alpha(o: np.ndarray, delta: np.ndarray) -> float:
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n == 0:
        return np.nan
    d_o = (o * delta).sum() / n  # observed disagreement
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1.0))  # expected disagreement
    if d_e <= 0:
        return np.nan
    return 1.0 - d_o / d_e


def krippendorff_alpha(data, *, level: str | None = None) -> Estimate:
    """Krippendorff's alpha for any number of coders and missing ratings.

    Parameters
    ----------
    data : ReliabilityData or array-like of shape (n_coders, n_units)
        A coders x units matrix uses ``nan`` for a missing rating (the layout of Krippendorff 2011).
    level : {'nominal', 'ordinal', 'interval'}, optional
        Default: the level of ``data`` (nominal for a plain matrix).

    Returns
    -------
    Estimate
        ``value`` <= 1 (1 perfect reliability, 0 no better than chance); None with a reason when there are no
        pairable values or no variation among them (alpha = 1 - 0/0).

    Examples
    --------
    Krippendorff (2011), section C: nominal .743 (exactly 113/152), ordinal .815, interval .849.

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> [round(krippendorff_alpha(data, level=lv).value, 3) for lv in ("nominal", "ordinal", "interval")]
    [0.743, 0.815, 0.849]
    """
    rd = as_reliability_data(data, level or "nominal")
    o, delta = alpha_parts(rd, level)
    if o.sum() == 0:
        return Estimate(None, NO_PAIRABLE)
    value = _alpha(o, delta)
    return Estimate(None, NO_VARIATION) if np.isnan(value) else Estimate(float(value))


def coincidence_matrix(data, *, level: str | None = None) -> tuple[tuple, np.ndarray]:
    """(observed category labels, coincidence matrix o_ck) - the table Krippendorff (2011) prints."""
    rd = as_reliability_data(data, level or "nominal")
    return rd.observed_categories, coincidences(rd.observed_counts)
