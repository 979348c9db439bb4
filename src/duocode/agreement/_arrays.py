"""Array helpers shared by the coefficient modules (private).

Every coefficient is computed from sums over units. Passing ``w`` - unit multiplicities of shape (n_units,) or
(n_resamples, n_units) - turns each sum into a weighted one, so the same code gives the point estimate
(``w=None``) and all unit-resampling bootstrap replicates at once (:mod:`duocode.agreement.bootstrap`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from duocode.agreement.data import ReliabilityData, as_reliability_data
from duocode.agreement.weights import weight_matrix

EPS = 1e-12  # 1 - p_e below this is 0/0: the coefficient is undefined, not a number


class Estimate(NamedTuple):
    """A coefficient's value, or ``value=None`` and the ``reason`` it is undefined."""

    value: float | None
    reason: str | None = None

    def __repr__(self) -> str:
        if self.value is None:
            return f"Estimate(value=None, reason={self.reason!r})"
        return f"Estimate(value={self.value!r})"


def wsum(w: np.ndarray | None, x: np.ndarray) -> np.ndarray:
    """Sum over units (axis 0 of ``x``), weighted by ``w`` when given."""
    return x.sum(axis=0) if w is None else w @ x


def ratio(num, den) -> np.ndarray:
    """num / den, nan where den is 0."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def chance_corrected(p_a, p_e) -> np.ndarray:
    """(p_a - p_e) / (1 - p_e), nan where 1 - p_e is 0 (the 0/0 of a single category)."""
    p_a, p_e = np.asarray(p_a, dtype=float), np.asarray(p_e, dtype=float)
    den = 1.0 - p_e
    out = np.full(np.broadcast(p_a, den).shape, np.nan)
    np.divide(p_a - p_e, den, out=out, where=np.abs(den) > EPS)
    return out


def category_scores(rd: ReliabilityData) -> np.ndarray:
    """Scores of the observed categories for weights: values at interval level, ranks otherwise."""
    if rd.level == "interval":
        return rd.observed_values.astype(float)
    return np.arange(rd.q, dtype=float)


def prepare(data, weights: str | None, level: str = "nominal") -> tuple[ReliabilityData, np.ndarray, np.ndarray]:
    """(reliability data, counts over observed categories (n_units, q), weight matrix (q, q))."""
    rd = as_reliability_data(data, level)
    return rd, rd.observed_counts.astype(float), weight_matrix(weights, category_scores(rd))


def estimate(value: np.ndarray | float, reason: str) -> Estimate:
    """Wrap a scalar: NaN becomes ``Estimate(None, reason)``."""
    v = float(value)
    return Estimate(None, reason) if np.isnan(v) else Estimate(v)
