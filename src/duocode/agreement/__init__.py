"""Agreement engine: every coefficient a reviewer asks for, right on published examples, with bootstrap CIs.

Public API
----------
:func:`agreement`
    Long data (DataFrame or ``(unit, coder, code)`` records) -> :class:`AgreementResult` with percent
    agreement, Cohen's kappa, Scott's pi, Fleiss' kappa, Krippendorff's alpha, Gwet's AC1, Brennan-Prediger,
    weighted variants, diagnostics and (``bootstrap=N, seed=S``) confidence intervals.
:func:`read_long_csv` / :func:`read_long_table`
    A checked ``unit,coder,code`` CSV file -> DataFrame / a column table without pandas.
:func:`analyse`
    :class:`ReliabilityData` -> :class:`AgreementResult` (what :func:`agreement` runs after reading its input).

Agreement per variable over a project's coded cases (``duocode agree``) is :func:`duocode.audit.agree`: this
engine never opens a project.
One function per statistic
    :func:`percent_agreement`, :func:`cohen_kappa`, :func:`scott_pi`, :func:`fleiss_kappa`,
    :func:`krippendorff_alpha`, :func:`gwet_ac1` / :func:`gwet_ac2`, :func:`brennan_prediger`; each takes a
    coders x units matrix (``nan`` = missing) or :class:`ReliabilityData` and returns an :class:`Estimate`
    (``value`` or ``None`` with a ``reason``). :func:`krippendorff_alpha_bootstrap` gives Krippendorff's bootstrap.

Conventions follow ``../shared/agreement-reference/README.md``: percent agreement = mean pairwise agreement per
unit; Fleiss / AC1 / Brennan-Prediger with Gwet's (2014) missing-data rules and q = distinct codes observed;
alpha drops units with fewer than two codes and uses Krippendorff's own ordinal metric; Cohen / Scott only for
two coders (over the units both coded); undefined is ``None`` with a reason, never a number.
"""
from duocode.agreement._arrays import Estimate
from duocode.agreement.api import agreement, analyse
from duocode.agreement.bootstrap import krippendorff_alpha_bootstrap
from duocode.agreement.brennan_prediger import brennan_prediger
from duocode.agreement.diagnostics import krippendorff_benchmark
from duocode.agreement.data import LEVELS, ReliabilityData, read_long_csv, read_long_table
from duocode.agreement.gamma import Continuum, gamma, pooled_gamma
from duocode.agreement.gwet import gwet_ac1, gwet_ac2
from duocode.agreement.kappa import cohen_kappa, fleiss_kappa, scott_pi
from duocode.agreement.krippendorff import coincidence_matrix, krippendorff_alpha
from duocode.agreement.percent import percent_agreement
from duocode.agreement.report import write_agreement_xlsx
from duocode.agreement.unitizing import (binary_u_alpha, bootstrap_u_alpha, estimate_from_pieces,
                                        unitizing_pieces)
from duocode.agreement.result import COEFFICIENTS, AgreementResult, Coefficient, benchmark_text, label, level_note

__all__ = ["Continuum", "binary_u_alpha", "bootstrap_u_alpha", "estimate_from_pieces", "gamma", "pooled_gamma",
           "unitizing_pieces", 
    "COEFFICIENTS", "LEVELS", "AgreementResult", "Coefficient", "Estimate", "ReliabilityData", "agreement", "analyse",
    "benchmark_text", "krippendorff_benchmark", "label", "level_note",
    "brennan_prediger", "cohen_kappa", "coincidence_matrix", "fleiss_kappa", "gwet_ac1", "gwet_ac2",
    "krippendorff_alpha", "krippendorff_alpha_bootstrap", "percent_agreement", "read_long_csv",
    "read_long_table", "scott_pi",
    "write_agreement_xlsx",
]
