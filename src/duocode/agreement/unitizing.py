r"""Krippendorff's |uα: the reliability of unitizing, i.e. of telling relevant from irrelevant stretches of text.

Each of m coders cuts a continuum of length L into units (the passages they marked) and gaps (the rest). Following
Krippendorff, Mathet, Bouvry & Widlöcher (2016), section 3, every coder's continuum is a sequence of segments with a
value, 1 for a unit and 0 for a gap, and:

* the observed coincidences (their eq. 1) pair the segments of different coders by the length of their
  intersection, l_ck = sum_{i != j} sum_g sum_h |g_i ∩ h_j| [value g = c][value h = k] / (m - 1). Position by
  position this is sum_p n_c(p) (n_k(p) - [c = k]) / (m - 1), with n_1(p) the number of coders who marked p,
  n_0(p) = m - n_1(p); the margins are l_1. = sum_p n_1(p) (marked length, all coders) and l.. = m L;
* the expected coincidences (eq. 4) pair any two of the l.. values except those inside one unit, which is
  indivisible (its l^2 ordered pairs are excluded), and each gap value with itself (gaps are divisible: l pairs):
  e_ck = l.. (l_c. l_k. - [c = k] W_c) / (l..^2 - W_1 - W_0), W_1 = sum over units of l^2, W_0 = sum over gaps
  of l = l_0.;
* |uα (eq. 6) = 1 - (l_0. - l_00) / (e_0. - e_00): disagreement is only a unit against a gap. With the sums above
  e_0. - e_00 = l.. l_0. l_1. / (l..^2 - W_1 - l_0.), so |uα = 1 - l_01 (l..^2 - W_1 - l_0.) / (l.. l_0. l_1.).

With one kind of unit (case finding) this is also the family's uα, and cuα and (k)uα, which compare the categories
of overlapping units, are undefined (one category): they are not computed here.

Every quantity is a sum over positions or over units, so a continuum cut inside gaps into *pieces* (each stretch
marked by some coder, with the gap before it) has |uα computed from per-piece sums: a corpus pools its documents'
pieces, and the bootstrap resamples pieces (a nonparametric bootstrap of stretches of text, Efron & Tibshirani 1993,
ch. 6; our choice of resampling unit, not an algorithm of the 2016 paper).

A coder's overlapping spans are merged into one unit first (a coder's continuum is a partition); touching spans
stay two units.

References
----------
.. [1] Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of unitizing textual
       continua: further developments. *Quality & Quantity* 50(6), 2347-2364 (erratum 50(6), 2365).
       doi:10.1007/s11135-015-0266-1
.. [2] Krippendorff, K. (1995). On the reliability of unitizing continuous data. *Sociological Methodology* 25,
       47-76. doi:10.2307/271061 (the first uα, whose multi-coder behaviour the 2016 paper corrects).
.. [3] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from duocode.agreement._arrays import Estimate

NO_UNITS = "no coder marked any passage: |uα = 1 - 0/0 is undefined"
ALL_UNITS = "every position is marked by every coder: there is no gap, so |uα = 1 - 0/0 is undefined"
FEW_CODERS = "defined for two or more coders"

# Columns of a pieces array: length, marked length (sum of n_1), sum of n_0 n_1, sum of squared unit lengths.
L, S1, S01, W1 = range(4)


def merge_spans(spans: np.ndarray) -> np.ndarray:
    """One coder's spans, shape (k, 2) half-open [start, end), with overlapping ones merged; sorted."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if len(spans) == 0:
        return spans
    spans = spans[np.lexsort((spans[:, 1], spans[:, 0]))]
    out = [list(spans[0])]
    for start, end in spans[1:]:
        if start < out[-1][1]:            # overlap (touching spans stay apart)
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return np.array(out, dtype=np.int64)


def unitizing_pieces(spans_by_coder: Sequence[np.ndarray], length: int) -> np.ndarray:
    """The per-piece sums of one continuum, shape (n_pieces, 4): length, sum n_1, sum n_0 n_1, sum unit l^2.

    Parameters
    ----------
    spans_by_coder : sequence of arrays of shape (k_i, 2)
        Each coder's units as half-open [start, end) offsets, 0 <= start < end <= length.
    length : int
        The continuum's length L.
    """
    m = len(spans_by_coder)
    merged = [merge_spans(s) for s in spans_by_coder]
    for s in merged:
        if len(s) and (s[:, 0].min() < 0 or s[:, 1].max() > length or (s[:, 1] <= s[:, 0]).any()):
            raise ValueError(f"spans must satisfy 0 <= start < end <= length ({length})")
    # n_1(p) is piecewise constant between the units' boundaries: +1 at every start, -1 at every end.
    starts = np.concatenate([s[:, 0] for s in merged]) if m else np.empty(0, np.int64)
    ends = np.concatenate([s[:, 1] for s in merged]) if m else np.empty(0, np.int64)
    points = np.unique(np.concatenate([[0, length], starts, ends]))
    delta = np.zeros(len(points), dtype=np.int64)
    np.add.at(delta, np.searchsorted(points, starts), 1)
    np.add.at(delta, np.searchsorted(points, ends), -1)
    n1 = np.cumsum(delta)[:-1]                     # coders marking each elementary interval
    width = np.diff(points)
    # A piece ends where a marked stretch ends (n_1 falls to 0); the trailing gap joins the last piece.
    closes = np.flatnonzero((n1 > 0) & (np.append(n1[1:], 0) == 0))
    if len(closes) == 0:
        cut = np.array([len(width)])
    else:
        cut = closes + 1
        cut[-1] = len(width)
    bounds = np.concatenate([[0], cut])
    piece_of = np.repeat(np.arange(len(cut)), np.diff(bounds))
    pieces = np.zeros((len(cut), 4))
    np.add.at(pieces[:, L], piece_of, width)
    np.add.at(pieces[:, S1], piece_of, width * n1)
    np.add.at(pieces[:, S01], piece_of, width * n1 * (m - n1))
    unit_starts = starts
    unit_len2 = (ends - starts).astype(float) ** 2
    interval = np.searchsorted(points, unit_starts, side="right") - 1
    np.add.at(pieces[:, W1], piece_of[interval], unit_len2)
    return pieces


def u_alpha_from_pieces(pieces: np.ndarray, m: int, weights: np.ndarray | None = None) -> np.ndarray | float:
    """|uα from per-piece sums; ``weights`` (n_pieces,) or (n_boot, n_pieces) gives bootstrap replicates."""
    sums = pieces.sum(axis=0) if weights is None else weights @ pieces
    total = m * sums[..., L]                       # l..
    marked = sums[..., S1]                         # l_1.
    gap = total - marked                           # l_0.
    l01 = sums[..., S01] / (m - 1)                 # eq. 1, observed unit-gap coincidences
    den = total * gap * marked                     # l.. l_0. l_1. (e_0. - e_00 times the eq. 4 denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - l01 * (total ** 2 - sums[..., W1] - gap) / den
    return np.where(den > 0, alpha, np.nan)


def binary_u_alpha(spans_by_coder: Sequence[np.ndarray], length: int) -> Estimate:
    """Krippendorff's |uα for m >= 2 coders' units on one continuum (Krippendorff et al. 2016, eq. 6).

    Parameters
    ----------
    spans_by_coder : sequence of m arrays of shape (k_i, 2)
        Each coder's marked spans, half-open [start, end) code-point offsets.
    length : int
        Length of the continuum (the document's text).

    Returns
    -------
    Estimate
        ``value`` <= 1 (1: the coders marked exactly the same stretches); None with a reason when no coder marked
        anything, or every coder marked everything.

    Examples
    --------
    Two coders who mark the same passage agree perfectly; one who marks nothing disagrees with the other:

    >>> binary_u_alpha([[(10, 20)], [(10, 20)]], 100).value
    1.0
    >>> round(binary_u_alpha([[(10, 20)], []], 100).value, 3)
    -0.045
    """
    m = len(spans_by_coder)
    if m < 2:
        return Estimate(None, FEW_CODERS)
    return estimate_from_pieces(unitizing_pieces(spans_by_coder, length), m)


def estimate_from_pieces(pieces: np.ndarray, m: int) -> Estimate:
    """|uα of pooled pieces as an :class:`Estimate`, with the reason when it is undefined."""
    if m < 2:
        return Estimate(None, FEW_CODERS)
    marked = pieces[:, S1].sum()
    if marked == 0:
        return Estimate(None, NO_UNITS)
    if marked >= m * pieces[:, L].sum():
        return Estimate(None, ALL_UNITS)
    return Estimate(float(u_alpha_from_pieces(pieces, m)))


def bootstrap_u_alpha(pieces: np.ndarray, m: int, n_boot: int, rng: np.random.Generator,
                      level: float = 0.95) -> tuple[float | None, float | None]:
    """Percentile interval of |uα over ``n_boot`` resamples of the pieces (with replacement).

    The limits are read with the order statistics of :func:`duocode.agreement.bootstrap.percentile_interval`;
    resamples where |uα is undefined (no marked piece drawn) are left out. One piece gives no interval.
    """
    from duocode.agreement.bootstrap import percentile_interval

    n = len(pieces)
    if n_boot <= 0 or n < 2:
        return None, None
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return percentile_interval(np.asarray(u_alpha_from_pieces(pieces, m, weights)), level)
