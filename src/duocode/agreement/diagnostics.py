"""Diagnostics a methodologist asks for beside the coefficients.

* **Per category, one against the rest**: each category's share of the codes, its specific agreement (of the
  coder pairs in which at least one coder used it, the share in which both did), and kappa and alpha after
  recoding to "this category / any other". The category that drives disagreement stands out.
* **Per coder pair**: the confusion matrix over the units both coded, percent agreement, Cohen's kappa, the
  largest kappa the two coders' marginals allow (kappa_max), PABAK, and per category the prevalence and bias
  indices of Byrt, Bishop & Carlin (1993), which explain the "kappa paradox" (high agreement, low kappa).
* **Sizes**: units, coders, codes, pairable units and pairable values (Krippendorff's n..), the coincidence
  matrix behind alpha.
* **Benchmarks**, shown *next to* a value, never instead of it: Krippendorff's .800 / .667 for alpha and the
  Landis & Koch (1977) labels for kappa-type coefficients. Both are conventions, not tests.

References
----------
.. [1] Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. *Journal of Clinical
       Epidemiology* 46(5), 423-429. doi:10.1016/0895-4356(93)90018-V
.. [2] Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I. The problems of two
       paradoxes. *Journal of Clinical Epidemiology* 43(6), 543-549. doi:10.1016/0895-4356(90)90158-L
.. [3] Cicchetti, D. V., & Feinstein, A. R. (1990). High agreement but low kappa: II. Resolving the paradoxes.
       *Journal of Clinical Epidemiology* 43(6), 551-558. doi:10.1016/0895-4356(90)90159-M
.. [4] Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
       Measurement* 20(1), 37-46 (kappa_max). doi:10.1177/001316446002000104
.. [5] Light, R. J. (1971). Measures of response agreement for qualitative data. *Psychological Bulletin*
       76(5), 365-377 (mean pairwise kappa). doi:10.1037/h0031643
.. [6] Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for categorical data.
       *Biometrics* 33(1), 159-174 (p. 165). doi:10.2307/2529310
.. [7] Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd ed.), p. 241.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from duocode.agreement.data import ReliabilityData
from duocode.agreement.kappa import _cohen_kappa, _fleiss_kappa, category_shares
from duocode.agreement.krippendorff import _alpha, coincidences, distances

PARADOX_AGREEMENT = 0.80  # "high agreement" ...
PARADOX_KAPPA = 0.60  # ... "but low kappa" (Feinstein & Cicchetti 1990); a flag for the reader, nothing more


def _num(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


# -- benchmarks ------------------------------------------------------------------------------------------------
def landis_koch(value: float | None) -> str | None:
    """Landis & Koch's (1977, p. 165) label for a kappa-type value."""
    if value is None:
        return None
    if value < 0:
        return "poor"
    for upper, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if value <= upper:
            return label
    return "almost perfect"


def krippendorff_benchmark(value: float | None) -> str | None:
    """Krippendorff's (2004, p. 241) reading of alpha: rely on data with alpha >= .800; .667 <= alpha < .800
    only for tentative conclusions; below .667 discard."""
    if value is None:
        return None
    if value >= 0.800:
        return "reliable (>= .800)"
    if value >= 0.667:
        return "tentative conclusions only (.667 to .800)"
    return "unreliable (< .667)"


def benchmarks(values: dict[str, float | None]) -> dict[str, dict[str, str]]:
    """Benchmark labels per coefficient (percent agreement has none: it is not chance-corrected)."""
    out: dict[str, dict[str, str]] = {}
    for name, value in values.items():
        if value is None or name.startswith("percent_agreement"):
            continue
        # Krippendorff's .667 / .800 belong to alpha; Landis & Koch's bands to kappa-type coefficients only.
        if name.startswith("krippendorff_alpha"):
            out[name] = {"krippendorff_2004": krippendorff_benchmark(value)}
        else:
            out[name] = {"landis_koch_1977": landis_koch(value)}
    return out


# -- per category ----------------------------------------------------------------------------------------------
@dataclass
class CategoryDiagnostic:
    """One category against all others."""

    category: str
    n_codes: int
    share: float | None  # pi_k: mean over coded units of r_ik / r_i
    specific_agreement: float | None
    kappa: float | None  # Fleiss' kappa, category vs rest
    alpha: float | None  # Krippendorff's nominal alpha, category vs rest

    def to_dict(self) -> dict:
        return {"n_codes": self.n_codes, "share": self.share, "specific_agreement": self.specific_agreement,
                "kappa": self.kappa, "alpha": self.alpha}


def per_category(rd: ReliabilityData) -> list[CategoryDiagnostic]:
    """One-vs-rest diagnostics for every declared category (unused ones get zeros and None)."""
    counts = rd.counts.astype(float)
    r = counts.sum(axis=1)
    shares = category_shares(counts) if rd.n_units else np.full(len(rd.categories), np.nan)
    out = []
    for k, label in enumerate(rd.categories):
        r_k = counts[:, k]
        n_codes = int(r_k.sum())
        if n_codes == 0:
            out.append(CategoryDiagnostic(label, 0, 0.0 if rd.n_units else None, None, None, None))
            continue
        pairable = r >= 2
        # of the ordered coder pairs in a unit with at least one k, the share where both said k
        den = (r_k * (r - 1.0))[pairable].sum()
        specific = (r_k * (r_k - 1.0))[pairable].sum() / den if den > 0 else np.nan
        binary = np.column_stack([r_k, r - r_k])
        binary = binary[:, binary.sum(axis=0) > 0]
        kappa = _fleiss_kappa(binary, np.eye(binary.shape[1]))
        o = coincidences(binary)
        alpha = _alpha(o, distances("nominal", o.sum(axis=1), np.arange(binary.shape[1])))
        out.append(CategoryDiagnostic(label, n_codes, _num(shares[k]), _num(specific), _num(kappa), _num(alpha)))
    return out


# -- per coder pair --------------------------------------------------------------------------------------------
@dataclass
class PairDiagnostic:
    """Two coders over the units both coded. ``confusion[i][j]``: first coder i, second coder j."""

    coders: tuple[str, str]
    n_units: int
    categories: tuple
    confusion: list[list[int]]
    percent_agreement: float | None
    cohen_kappa: float | None
    kappa_max: float | None
    pabak: float | None
    prevalence_index: dict[str, float] = field(default_factory=dict)
    bias_index: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"coders": list(self.coders), "n_units": self.n_units, "categories": list(self.categories),
                "confusion_matrix": self.confusion, "percent_agreement": self.percent_agreement,
                "cohen_kappa": self.cohen_kappa, "kappa_max": self.kappa_max, "pabak": self.pabak,
                "prevalence_index": self.prevalence_index, "bias_index": self.bias_index}


def pair_diagnostic(rd: ReliabilityData, a: int, b: int) -> PairDiagnostic:
    """Confusion matrix and two-coder indices for coders ``a`` and ``b``."""
    K = len(rd.categories)
    both = rd.pair_units(a, b)
    table = np.bincount(rd.codes[both, a] * K + rd.codes[both, b], minlength=K * K).reshape(K, K)
    n = int(table.sum())
    labels = rd.categories
    result = PairDiagnostic((rd.coders[a], rd.coders[b]), n, labels, table.tolist(), None, None, None, None)
    if n == 0:
        return result
    p = table / n
    p_o = float(np.trace(p))
    row, col = p.sum(axis=1), p.sum(axis=0)
    p_e = float(row @ col)
    result.percent_agreement = p_o
    result.cohen_kappa = _num(_cohen_kappa(table.astype(float), np.eye(K)))
    if 1.0 - p_e > 1e-12:
        # the largest p_o the marginals allow is sum_k min(p_k., p_.k) (Cohen 1960)
        result.kappa_max = (float(np.minimum(row, col).sum()) - p_e) / (1.0 - p_e)
    q = rd.q
    if q >= 2:
        result.pabak = (q * p_o - 1.0) / (q - 1.0)  # 2 p_o - 1 for two categories (Byrt et al. 1993)
    for k, label in enumerate(labels):
        if row[k] == 0 and col[k] == 0:
            continue
        both_k = p[k, k]
        neither = p.sum() - row[k] - col[k] + p[k, k]
        result.prevalence_index[label] = float(both_k - neither)  # (a - d)/n, Byrt et al. (1993)
        result.bias_index[label] = float(row[k] - col[k])  # (b - c)/n: > 0, the first coder uses k more
    return result


# -- all together ----------------------------------------------------------------------------------------------
@dataclass
class Diagnostics:
    n_units: int
    n_coders: int
    n_codes: int
    n_pairable_units: int
    n_pairable_values: int  # Krippendorff's n..
    coincidence_categories: tuple
    coincidence_matrix: list[list[float]]
    per_category: list[CategoryDiagnostic]
    pairs: list[PairDiagnostic]
    mean_pairwise_cohen_kappa: float | None  # Light (1971)
    dominant_category: str | None
    dominant_share: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"n_units": self.n_units, "n_coders": self.n_coders, "n_codes": self.n_codes,
                "n_pairable_units": self.n_pairable_units, "n_pairable_values": self.n_pairable_values,
                "coincidence_matrix": {"categories": list(self.coincidence_categories),
                                       "matrix": self.coincidence_matrix},
                "per_category": {c.category: c.to_dict() for c in self.per_category},
                "pairs": [p.to_dict() for p in self.pairs],
                "mean_pairwise_cohen_kappa": self.mean_pairwise_cohen_kappa,
                "dominant_category": self.dominant_category, "dominant_share": self.dominant_share,
                "notes": self.notes}


def diagnose(rd: ReliabilityData, values: dict[str, float | None] | None = None,
             max_pairs: int = 190) -> Diagnostics:
    """All diagnostics of ``rd``; ``values`` (coefficient -> value) lets it add the kappa-paradox note.

    Confusion matrices are built for at most ``max_pairs`` coder pairs (20 coders); larger teams get the
    first ones only, and a note says so.
    """
    values = values or {}
    m_u = rd.counts.sum(axis=1)
    o = coincidences(rd.observed_counts)
    cats = per_category(rd)
    pair_ids = list(combinations(range(rd.n_coders), 2))
    notes = []
    if len(pair_ids) > max_pairs:
        notes.append(f"confusion matrices for the first {max_pairs} of {len(pair_ids)} coder pairs only")
        pair_ids = pair_ids[:max_pairs]
    pairs = [pair_diagnostic(rd, a, b) for a, b in pair_ids]
    kappas = [p.cohen_kappa for p in pairs if p.cohen_kappa is not None]
    dominant = max((c for c in cats if c.share is not None), key=lambda c: c.share, default=None)

    pa = values.get("percent_agreement")
    chance = [values.get(k) for k in ("fleiss_kappa", "krippendorff_alpha", "cohen_kappa", "scott_pi")]
    low = [v for v in chance if v is not None and v < PARADOX_KAPPA]
    if pa is not None and pa >= PARADOX_AGREEMENT and low and dominant is not None:
        notes.append(f"high agreement ({pa:.0%}) but low chance-corrected agreement ({min(low):.3f}): "
                     f"category {dominant.category!r} holds {dominant.share:.0%} of the codes, so chance "
                     "agreement is high (prevalence effect, the 'kappa paradox'; Feinstein & Cicchetti 1990). "
                     "See PABAK, Gwet's AC1 and the per-category agreement.")
    return Diagnostics(
        n_units=rd.n_units, n_coders=rd.n_coders, n_codes=rd.n_codes, n_pairable_units=int((m_u >= 2).sum()),
        n_pairable_values=int(m_u[m_u >= 2].sum()), coincidence_categories=rd.observed_categories,
        coincidence_matrix=o.tolist(), per_category=cats, pairs=pairs,
        mean_pairwise_cohen_kappa=float(np.mean(kappas)) if kappas else None,
        dominant_category=dominant.category if dominant else None,
        dominant_share=dominant.share if dominant else None, notes=notes)
