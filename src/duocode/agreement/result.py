"""Result objects of the agreement engine: what :func:`duocode.agreement.agreement` returns.

``AgreementResult.to_dict()`` is the contract's JSON object (``level, n_units, n_coders, n_codes, categories,
coefficients{...}``) plus extra keys beside them (``coders``, ``weighted``, ``diagnostics``, ``benchmarks``,
``bootstrap``). Values are full floats; rounding is for the human table only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duocode.agreement.bootstrap import AlphaBootstrap, UnitBootstrap
from duocode.agreement.data import ReliabilityData
from duocode.agreement.diagnostics import Diagnostics, krippendorff_benchmark, landis_koch

COEFFICIENTS = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1",
                "brennan_prediger")

LABELS = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "scott_pi": "Scott's pi",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
    "gwet_ac2": "Gwet's AC2",
    "brennan_prediger": "Brennan-Prediger",
}

REFERENCES = {
    "percent_agreement": "Fleiss (1971); Gwet (2014)",
    "cohen_kappa": "Cohen (1960); weighted: Cohen (1968)",
    "scott_pi": "Scott (1955)",
    "fleiss_kappa": "Fleiss (1971); missing data: Gwet (2014)",
    "krippendorff_alpha": "Krippendorff (2011)",
    "gwet_ac1": "Gwet (2008, 2014)",
    "gwet_ac2": "Gwet (2014)",
    "brennan_prediger": "Brennan & Prediger (1981)",
}


def label(name: str) -> str:
    """Human name of a coefficient key, e.g. ``cohen_kappa_linear`` -> "Cohen's kappa (linear weights)"."""
    if name in LABELS:
        return LABELS[name]
    for base in sorted(LABELS, key=len, reverse=True):
        if name.startswith(base + "_"):
            kind = name[len(base) + 1:]
            kind = "Gwet's ordinal" if kind == "ordinal_weights" else kind
            return f"{LABELS[base]} ({kind} weights)" if base != "krippendorff_alpha" else f"{LABELS[base]} ({kind})"
    return name


@dataclass
class Coefficient:
    """One coefficient: a value with an optional bootstrap CI, or ``value=None`` and why it is undefined."""

    value: float | None
    reason: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.value is None:
            return {"value": None, "reason": self.reason}
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass
class AgreementResult:
    """Agreement of several coders on one variable (or one CSV file).

    Attributes
    ----------
    coefficients : dict name -> Coefficient
        The seven of the contract, in :data:`COEFFICIENTS` order.
    weighted : dict name -> Coefficient
        Weighted variants at ordinal / interval level (``cohen_kappa_linear``, ``gwet_ac2_quadratic``, ...).
    diagnostics : Diagnostics
        Per category, per coder pair (confusion matrices), sizes, notes.
    benchmarks : dict name -> {convention: label}
    alpha_bootstrap, unit_bootstrap : bootstrap summaries when ``bootstrap`` > 0.
    data : ReliabilityData
        The validated input (units x coders), e.g. to list disagreements.
    """

    level: str
    n_units: int
    n_coders: int
    n_codes: int
    categories: list[str]
    coders: list[str]
    coefficients: dict[str, Coefficient]
    weighted: dict[str, Coefficient] = field(default_factory=dict)
    diagnostics: Diagnostics | None = None
    benchmarks: dict[str, dict[str, str]] = field(default_factory=dict)
    alpha_bootstrap: AlphaBootstrap | None = None
    unit_bootstrap: UnitBootstrap | None = None
    seed: Any = None
    title: str | None = None
    data: ReliabilityData | None = field(default=None, repr=False)

    # -- access ------------------------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Coefficient:
        if name in self.coefficients:
            return self.coefficients[name]
        return self.weighted[name]

    def value(self, name: str) -> float | None:
        """The value of a coefficient (weighted ones included), None when undefined."""
        return self[name].value

    @property
    def per_category(self):
        return self.diagnostics.per_category if self.diagnostics else []

    @property
    def pairs(self):
        return self.diagnostics.pairs if self.diagnostics else []

    def confusion_matrix(self, first: str, second: str):
        """The confusion matrix of two coders as a pandas DataFrame (rows: ``first``, columns: ``second``)."""
        import pandas as pd

        for p in self.pairs:
            if p.coders == (first, second) or p.coders == (second, first):
                frame = pd.DataFrame(p.confusion, index=list(p.categories), columns=list(p.categories))
                frame.index.name, frame.columns.name = p.coders
                return frame if p.coders == (first, second) else frame.T
        raise KeyError(f"no coder pair {first!r}, {second!r}; coders: {', '.join(self.coders)}")

    def to_frame(self):
        """Coefficients (weighted ones included) as a pandas DataFrame: value, ci_low, ci_high, reason."""
        import pandas as pd

        rows = [{"coefficient": name, "value": c.value, "ci_low": c.ci_low, "ci_high": c.ci_high,
                 "reason": c.reason} for name, c in {**self.coefficients, **self.weighted}.items()]
        return pd.DataFrame(rows).set_index("coefficient")

    def disagreements(self) -> list[dict[str, Any]]:
        """Units whose codes differ: ``{"unit": id, "values": {coder: code}}`` (missing ratings left out)."""
        rd = self.data
        if rd is None or rd.n_units == 0:
            return []
        import numpy as np

        codes = rd.codes
        lo = np.where(codes >= 0, codes, np.iinfo(codes.dtype).max).min(axis=1)
        hi = codes.max(axis=1)
        out = []
        for i in np.nonzero((hi >= 0) & (lo != hi))[0]:
            values = {rd.coders[c]: rd.categories[codes[i, c]] for c in range(rd.n_coders) if codes[i, c] >= 0}
            out.append({"unit": rd.units[i], "values": values})
        return out

    # -- output ------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "level": self.level, "n_units": self.n_units, "n_coders": self.n_coders, "n_codes": self.n_codes,
            "categories": list(self.categories),
            "coefficients": {name: c.to_dict() for name, c in self.coefficients.items()},
            "coders": list(self.coders),
        }
        if self.weighted:
            out["weighted"] = {name: c.to_dict() for name, c in self.weighted.items()}
        if self.diagnostics is not None:
            out["diagnostics"] = self.diagnostics.to_dict()
        out["benchmarks"] = self.benchmarks
        if self.alpha_bootstrap is not None or self.unit_bootstrap is not None:
            boot: dict[str, Any] = {"seed": self.seed}
            if self.alpha_bootstrap is not None:
                boot["krippendorff_alpha"] = self.alpha_bootstrap.to_dict()
            if self.unit_bootstrap is not None:
                boot["other_coefficients"] = self.unit_bootstrap.to_dict()
            out["bootstrap"] = boot
        return out

    def write_xlsx(self, path) -> None:
        """One summary sheet and one sheet with this result's details (see :mod:`duocode.agreement.report`)."""
        from duocode.agreement.report import write_agreement_xlsx

        disagreements = [{"case_id": d["unit"], "values": d["values"]} for d in self.disagreements()]
        name = self.title or "data"
        write_agreement_xlsx({name: self}, path, disagreements={name: disagreements})


def benchmark_text(name: str, value: float | None) -> str:
    """The benchmark column of the human table.

    Each convention goes with the coefficients it was written for: Krippendorff's (2004) .667 / .800 with alpha,
    Landis & Koch's (1977) bands with kappa-type coefficients (kappa, pi, AC1/AC2, Brennan-Prediger), never with
    alpha. Percent agreement is not chance-corrected and gets none.
    """
    if value is None or name.startswith("percent_agreement"):
        return ""
    if name.startswith("krippendorff_alpha"):
        return f"Krippendorff: {krippendorff_benchmark(value)}"
    return f"Landis-Koch: {landis_koch(value)}"


def level_note(level: str) -> str | None:
    """Why unweighted and weighted coefficients of an ordinal / interval variable differ (None for nominal)."""
    if level == "nominal":
        return None
    return (f"{level} level: percent agreement, kappa, pi, AC1 and Brennan-Prediger unweighted treat the "
            f"categories as nominal (any difference is a full disagreement); Krippendorff's alpha is at {level} "
            f"level; the weighted variants credit near misses and are the ones to compare with alpha")
