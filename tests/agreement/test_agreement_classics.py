"""Classic worked examples typed in from their publications, with exact fractions where they exist.

Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. https://repository.upenn.edu/asc_papers/43
  section A (Meg/Owen, binary, alpha = .095 = 2/21), B (Ben/Gerry, nominal, .692 = 155/224), C (4 observers,
  12 units, missing data: nominal .743 = 113/152, ordinal .815 = 108577/133160, interval .849 = 951/1120, and
  the coincidence matrix printed there).
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin 76, 378-382,
  doi:10.1037/h0031619 - Table 1, 30 patients x 6 psychiatrists x 5 diagnoses: kappa = .430 (.4302 in R irr).
Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters): P-bar = .378, P-bar_e = .213, kappa = .210;
  "Cohen's kappa", simple example (grant proposals): kappa = .4.
Gwet (2014), irrCAC cont3x3abstractors: kappa .7964094, pi .7962397, AC1 .8493305, alpha .7972585.
SAS PROC FREQ 3 x 3 example (statsmodels test_inter_rater.py): kappa .4842, linear-weighted kappa .4701.
Hayes, A. F., & Krippendorff, K. (2007), Communication Methods and Measures 1, 77-89,
  doi:10.1080/19312450709336664, Table 1: 40 news articles x 5 observers, ordinal alpha = .7598.
"""
from __future__ import annotations

import numpy as np
import pytest

from duocode.agreement import (ReliabilityData, agreement, brennan_prediger, coincidence_matrix, cohen_kappa,
                               fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement, scott_pi)

nan = np.nan

# Krippendorff (2011), section C: rows = observers A-D, columns = units 1-12
K2011_C = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
           [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
           [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
           [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]

# Krippendorff (2011), section A: Meg and Owen, 10 units, binary
K2011_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
           [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

# Krippendorff (2011), section B: Ben and Gerry, 12 units, nominal a-e
K2011_B = [list("aabbdcccedda"), list("babbbccceddd")]

# Fleiss (1971), Table 1: per patient, how many of 6 psychiatrists chose
# depression, personality disorder, schizophrenia, neurosis, other
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6]]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]

# Hayes & Krippendorff (2007), Table 1: 5 observers x 40 articles, tone 0-3, nan = not coded
HAYES_2007 = [
    [1, 1, 2, nan, 0, 0, 1, 1, 2, 2, nan, 0, 1, 3, 1, 1, 2, 1, 1, 0,
     0, 0, 2, 0, 1, 0, 0, 1, 1, 1, 1, 2, 2, 3, 2, 2, 2, 2, 2, 1],
    [1, 1, 3, 0, 0, 0, 0, nan, 2, 1, 1, 0, 2, 3, 1, 1, 1, 2, 1, 0,
     0, 0, 3, 0, 2, 1, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1, 1, 2, 3, 0, 0,
     1, nan, 3, 0, nan, 1, 0, 1, 2, 2, 0, 2, nan, 2, 2, 3, 2, nan, 2, 1],
    [nan, 1, 3, nan, nan, nan, nan, 0, nan, 1, 0, 0, 2, 2, nan, nan, nan, 3, 1, nan,
     1, 0, 3, 0, 2, 1, 1, 2, 2, nan, nan, 1, 2, 2, nan, nan, nan, 1, 2, nan],
    [2, nan, nan, 0, 0, 0, 1, nan, 2, nan, nan, nan, nan, 3, 1, 1, 2, nan, nan, 0,
     nan, 0, nan, nan, 2, nan, 0, nan, nan, 2, 0, nan, 2, nan, 2, 2, 2, 2, nan, 1]]


def test_krippendorff_2011_section_c_alpha_is_exact_at_every_level():
    assert krippendorff_alpha(K2011_C, level="nominal").value == pytest.approx(113 / 152, abs=1e-12)
    assert krippendorff_alpha(K2011_C, level="ordinal").value == pytest.approx(108577 / 133160, abs=1e-12)
    assert krippendorff_alpha(K2011_C, level="interval").value == pytest.approx(951 / 1120, abs=1e-12)


def test_krippendorff_2011_section_c_coincidence_matrix_matches_the_printed_one():
    categories, o = coincidence_matrix(K2011_C)
    third = 1 / 3
    printed = [[7, 4 * third, third, third, 0],
               [4 * third, 10, 4 * third, third, 0],
               [third, 4 * third, 8, third, 0],
               [third, third, third, 4, 0],
               [0, 0, 0, 0, 3]]
    assert categories == ("1", "2", "3", "4", "5")
    np.testing.assert_allclose(o, printed, atol=1e-12)
    assert o.sum(axis=1).tolist() == pytest.approx([9, 13, 10, 5, 3])  # n_c, n.. = 40


def test_krippendorff_2011_section_c_gwet_family_matches_irrcac():
    assert percent_agreement(K2011_C).value == pytest.approx(0.8181818, abs=1e-7)
    assert fleiss_kappa(K2011_C).value == pytest.approx(0.76117, abs=5e-6)
    assert gwet_ac1(K2011_C).value == pytest.approx(0.77544, abs=5e-6)
    assert brennan_prediger(K2011_C).value == pytest.approx(0.77273, abs=5e-6)


def test_krippendorff_2011_binary_and_nominal_two_coder_alphas_are_exact():
    assert krippendorff_alpha(K2011_A).value == pytest.approx(2 / 21, abs=1e-12)
    rd = ReliabilityData.from_matrix(K2011_B)
    assert krippendorff_alpha(rd).value == pytest.approx(155 / 224, abs=1e-12)


def test_krippendorff_2011_binary_percent_agreement_and_kappa_by_hand():
    # by hand: 6 of 10 units agree; Cohen's kappa = 1/11 (reference set notes)
    assert percent_agreement(K2011_A).value == pytest.approx(0.6)
    assert cohen_kappa(K2011_A).value == pytest.approx(1 / 11, abs=1e-12)


def test_fleiss_1971_table_1_kappa_is_430():
    rd = ReliabilityData.from_category_counts(FLEISS_1971)
    assert fleiss_kappa(rd).value == pytest.approx(0.430, abs=0.0005)
    assert fleiss_kappa(rd).value == pytest.approx(0.4302445, abs=1e-7)  # R irr kappam.fleiss


def test_wikipedia_fleiss_worked_example_gives_pbar_378_and_kappa_210():
    rd = ReliabilityData.from_category_counts(WIKIPEDIA_FLEISS)
    assert percent_agreement(rd).value == pytest.approx(0.378, abs=0.0005)
    assert fleiss_kappa(rd).value == pytest.approx(0.210, abs=0.0005)


def test_wikipedia_cohen_grant_example_gives_kappa_point_four():
    rd = ReliabilityData.from_contingency_table([[20, 5], [10, 15]], ["yes", "no"])
    assert cohen_kappa(rd).value == pytest.approx(0.4, abs=1e-12)
    assert percent_agreement(rd).value == pytest.approx(0.7, abs=1e-12)


def test_gwet_cont3x3abstractors_two_coder_coefficients_match_irrcac():
    rd = ReliabilityData.from_contingency_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], ["Ectopic", "AIU", "NIU"])
    assert cohen_kappa(rd).value == pytest.approx(0.7964094, abs=1e-7)
    assert scott_pi(rd).value == pytest.approx(0.7962397, abs=1e-7)
    assert gwet_ac1(rd).value == pytest.approx(0.8493305, abs=1e-7)
    assert krippendorff_alpha(rd).value == pytest.approx(0.7972585, abs=1e-7)
    assert brennan_prediger(rd).value == pytest.approx(0.835, abs=1e-12)


def test_sas_3x3_kappa_and_linear_weighted_kappa():
    # rows coder A (1, 2, 3), columns coder B; B never uses 1
    rd = ReliabilityData.from_contingency_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], ["1", "2", "3"],
                                                level="ordinal")
    assert cohen_kappa(rd).value == pytest.approx(0.4842, abs=0.00005)
    assert cohen_kappa(rd, weights="linear").value == pytest.approx(0.4701, abs=0.00005)


def test_hayes_krippendorff_2007_news_tone_ordinal_alpha_is_7598():
    assert krippendorff_alpha(HAYES_2007, level="ordinal").value == pytest.approx(0.7598, abs=0.00005)


def test_mailbag_kappa_paradox_is_flagged_in_the_diagnostics():
    # Freelon's ReCal mailbag: 97% agreement, Scott's pi -.015, Cohen's kappa exactly 0
    rd = ReliabilityData.from_contingency_table([[96, 3], [0, 0]], ["0", "1"])
    result = agreement(rd)
    assert result.value("percent_agreement") == pytest.approx(0.9697, abs=1e-4)
    assert result.value("scott_pi") == pytest.approx(-0.015, abs=0.0005)
    assert result.value("cohen_kappa") == pytest.approx(0.0, abs=1e-12)
    assert result.value("gwet_ac1") > 0.9
    assert any("kappa paradox" in note for note in result.diagnostics.notes)
    pair = result.pairs[0]
    assert pair.pabak == pytest.approx(2 * 96 / 99 - 1)
    assert pair.prevalence_index["0"] == pytest.approx(96 / 99)  # (a - d) / n, Byrt et al. (1993)
    assert pair.bias_index["0"] == pytest.approx(3 / 99)  # (b - c) / n


def test_single_coded_units_leave_alpha_alone_but_enter_gwets_chance_term():
    """Reference set edge case (analytic): alpha = 4/9 only if singletons are dropped before n_c is counted
    (0.5175 if not); under Gwet's (2014) conventions singletons do enter pi_k, giving irrCAC's AC1 0.50674."""
    rows = [(1, "c1", "a"), (1, "c2", "a"), (2, "c2", "b"), (2, "c3", "b"), (3, "c3", "a"), (3, "c4", "b"),
            (4, "c1", "a"), (5, "c2", "b"), (6, "c4", "c"), (7, "c1", "c"), (8, "c3", "a")]
    result = agreement(rows)
    assert result.value("krippendorff_alpha") == pytest.approx(4 / 9, abs=1e-12)
    assert result.value("percent_agreement") == pytest.approx(2 / 3, abs=1e-12)
    assert result.value("gwet_ac1") == pytest.approx(0.50674, abs=5e-6)
    assert result.diagnostics.n_pairable_units == 3 and result.diagnostics.n_pairable_values == 6
