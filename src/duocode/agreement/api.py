"""The one-call API: every coefficient, weighted variants, diagnostics and bootstrap CIs for long data.

>>> import pandas as pd
>>> from duocode.agreement import agreement
>>> df = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4], "coder": list("ABABABAB"),
...                    "code": ["x", "x", "y", "y", "x", "y", "y", "y"]})
>>> result = agreement(df)
>>> result.coefficients["percent_agreement"].value
0.75
>>> result.to_dict()["coefficients"]["fleiss_kappa"]["value"] == result.value("fleiss_kappa")
True
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from duocode.agreement._arrays import category_scores
from duocode.agreement.bootstrap import generators, krippendorff_alpha_bootstrap, unit_bootstrap
from duocode.agreement.brennan_prediger import _brennan_prediger, brennan_prediger
from duocode.agreement.data import ReliabilityData, check_level
from duocode.agreement.diagnostics import benchmarks, diagnose
from duocode.agreement.gwet import _gwet_ac, gwet_ac1
from duocode.agreement.kappa import (_cohen_kappa, _fleiss_kappa, _scott_pi, cohen_kappa, fleiss_kappa, pair_index,
                                     pair_tables, scott_pi)
from duocode.agreement.krippendorff import krippendorff_alpha
from duocode.agreement.percent import _percent_agreement, percent_agreement
from duocode.agreement.result import COEFFICIENTS, AgreementResult, Coefficient
from duocode.agreement.weights import weight_matrix
from duocode.errors import InputError

# Weighted variants reported per level: Cohen (1968) / Gwet (2014) weights over the observed categories.
WEIGHTS_BY_LEVEL = {"nominal": (), "ordinal": ("linear", "quadratic", "ordinal"), "interval": ("linear", "quadratic")}
WEIGHTED_BASES = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "gwet_ac2", "brennan_prediger")


def weighted_name(base: str, kind: str) -> str:
    return f"{base}_{'ordinal_weights' if kind == 'ordinal' else kind}"


def agreement(data: Any, *, level: str = "nominal", categories: Sequence[Any] | None = None, bootstrap: int = 0,
              seed: int | Sequence[int] | None = None, alpha_min: Sequence[float] = (0.667, 0.800),
              ci_level: float = 0.95, title: str | None = None) -> AgreementResult:
    """Agreement among coders: the seven coefficients, weighted variants, diagnostics and bootstrap CIs.

    Parameters
    ----------
    data : pandas.DataFrame, iterable of (unit, coder, code), or ReliabilityData
        Long records, one per rating; a missing rating is an absent record (or an empty / NaN code).
    level : {'nominal', 'ordinal', 'interval'}, default 'nominal'
        Level of measurement. Ordinal and interval add weighted variants; Krippendorff's alpha uses the
        level's metric.
    categories : sequence, optional
        Category order (ordinal: lowest first, e.g. the codebook's negative < equilibrium < positive). Codes
        outside it are errors. Needed for ordinal text codes.
    bootstrap : int, default 0
        Number of bootstrap replicates; 0 gives no confidence intervals. Alpha uses Krippendorff's bootstrap,
        the other coefficients a unit-resampling bootstrap (:mod:`duocode.agreement.bootstrap`).
    seed : int or sequence of int, optional
        Seed of the bootstrap; the same seed gives the same intervals. Without one, the entropy drawn is
        reported as ``result.seed``.
    alpha_min : sequence of float, default (0.667, 0.800)
        Minimum acceptable alphas for the probability q that alpha falls below them (Krippendorff 2004).
    ci_level : float, default 0.95
    title : str, optional
        A name for reports (file name, variable id).

    Returns
    -------
    AgreementResult
        Undefined coefficients have ``value=None`` and a ``reason``, never a number.

    Raises
    ------
    InputError
        Unknown level, missing columns, a unit coded twice by one coder, codes outside ``categories``,
        non-numeric interval codes, ordinal text codes without ``categories``, bad ``bootstrap`` / ``ci_level``.
    """
    if isinstance(data, ReliabilityData):
        rd = data
    else:
        check_level(level)
        rd = ReliabilityData.from_long(data, level=level, categories=categories)
    if not isinstance(bootstrap, (int, np.integer)) or bootstrap < 0:
        raise InputError(f"bootstrap must be a whole number >= 0, got {bootstrap!r}")
    if not 0 < ci_level < 1:
        raise InputError(f"ci_level must lie between 0 and 1, got {ci_level!r}")
    return analyse(rd, bootstrap=int(bootstrap), seed=seed, alpha_min=tuple(alpha_min), ci_level=ci_level,
                   title=title)


def _all_undefined(rd: ReliabilityData, reason: str, title: str | None) -> AgreementResult:
    weighted = {weighted_name(b, k): Coefficient(None, reason) for k in WEIGHTS_BY_LEVEL[rd.level]
                for b in WEIGHTED_BASES}
    return AgreementResult(level=rd.level, n_units=rd.n_units, n_coders=rd.n_coders, n_codes=rd.n_codes,
                           categories=list(rd.categories), coders=list(rd.coders),
                           coefficients={name: Coefficient(None, reason) for name in COEFFICIENTS},
                           weighted=weighted, title=title, data=rd)


def analyse(rd: ReliabilityData, *, bootstrap: int = 0, seed: Any = None, alpha_min: tuple = (0.667, 0.800),
            ci_level: float = 0.95, title: str | None = None) -> AgreementResult:
    """:func:`agreement` for already validated :class:`ReliabilityData`."""
    if rd.n_codes == 0:
        return _all_undefined(rd, "no codes", title)
    if rd.n_coders < 2:
        return _all_undefined(rd, f"only one coder ({rd.coders[0]}): agreement needs at least two", title)

    estimates = {
        "percent_agreement": percent_agreement(rd),
        "cohen_kappa": cohen_kappa(rd),
        "scott_pi": scott_pi(rd),
        "fleiss_kappa": fleiss_kappa(rd),
        "krippendorff_alpha": krippendorff_alpha(rd),
        "gwet_ac1": gwet_ac1(rd),
        "brennan_prediger": brennan_prediger(rd),
    }
    coefficients = {name: Coefficient(e.value, e.reason) for name, e in estimates.items()}
    functions = {"percent_agreement": percent_agreement, "cohen_kappa": cohen_kappa, "scott_pi": scott_pi,
                 "fleiss_kappa": fleiss_kappa, "gwet_ac2": gwet_ac1, "brennan_prediger": brennan_prediger}
    weighted = {}
    for name, (base, kind) in _specs(rd).items():
        if kind is not None:
            e = functions[base](rd, weights=kind)
            weighted[name] = Coefficient(e.value, e.reason)

    result = AgreementResult(level=rd.level, n_units=rd.n_units, n_coders=rd.n_coders, n_codes=rd.n_codes,
                             categories=list(rd.categories), coders=list(rd.coders), coefficients=coefficients,
                             weighted=weighted, title=title, data=rd)
    values = {name: c.value for name, c in {**coefficients, **weighted}.items()}
    result.diagnostics = diagnose(rd, values)
    result.benchmarks = benchmarks(values)
    if bootstrap:
        _bootstrap(result, rd, bootstrap, seed, alpha_min, ci_level)
    return result


def _specs(rd: ReliabilityData) -> dict[str, tuple[str, str | None]]:
    """Every coefficient key -> (statistic, weights)."""
    specs = {name: (name, None) for name in COEFFICIENTS}
    for kind in WEIGHTS_BY_LEVEL[rd.level]:
        for base in WEIGHTED_BASES:
            specs[weighted_name(base, kind)] = (base, kind)
    return specs


def _replicate_functions(rd: ReliabilityData, names: list[str]) -> dict:
    """f(w) for each named coefficient (not alpha): the point estimate's sums, weighted by unit multiplicities."""
    counts = rd.observed_counts.astype(float)
    q = rd.q
    idx = pair_index(rd) if rd.n_coders == 2 else None
    scores = category_scores(rd)
    specs = _specs(rd)

    def make(base: str, W: np.ndarray):
        if base == "percent_agreement":
            return lambda w: _percent_agreement(counts, W, w)
        if base == "fleiss_kappa":
            return lambda w: _fleiss_kappa(counts, W, w)
        if base in ("gwet_ac1", "gwet_ac2"):
            return lambda w: _gwet_ac(counts, W, w)
        if base == "brennan_prediger":
            return lambda w: _brennan_prediger(counts, W, w)
        if base == "cohen_kappa":
            return lambda w: _cohen_kappa(pair_tables(idx, q, w), W)
        if base == "scott_pi":
            return lambda w: _scott_pi(pair_tables(idx, q, w), W)
        raise ValueError(f"no bootstrap for {base}")

    return {name: make(specs[name][0], weight_matrix(specs[name][1], scores)) for name in names}


def _bootstrap(result: AgreementResult, rd: ReliabilityData, n_boot: int, seed: Any, alpha_min: tuple,
               ci_level: float) -> None:
    alpha_rng, unit_rng, reported = generators(seed)
    result.seed = reported
    alpha = result.coefficients["krippendorff_alpha"]
    if alpha.value is not None:
        boot = krippendorff_alpha_bootstrap(rd, n_boot=n_boot, rng=alpha_rng, alpha_min=alpha_min,
                                            ci_level=ci_level)
        if boot is not None:
            alpha.ci_low, alpha.ci_high = boot.ci_low, boot.ci_high
            result.alpha_bootstrap = boot
    targets = {name: c for name, c in {**result.coefficients, **result.weighted}.items()
               if c.value is not None and name != "krippendorff_alpha"}
    if not targets:
        return
    ub = unit_bootstrap(_replicate_functions(rd, list(targets)), rd.n_units, n_boot=n_boot, rng=unit_rng,
                        ci_level=ci_level)
    for name, c in targets.items():
        c.ci_low, c.ci_high = ub.intervals[name]
    result.unit_bootstrap = ub
