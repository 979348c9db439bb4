"""The tests behind the verdicts (duocode.audit.verdicts), checked against scipy called here and against small
cases worked by hand, and the codebook's `verdicts:` section as the schema checks it."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import binomtest, mannwhitneyu, permutation_test

from audit_fixtures import DATA
from duocode.audit.verdicts import (DEFAULTS, binomial_cases_to_decide, binomial_outcome, compare_outcome,
                                    holm, settings_for)
from duocode.errors import InputError

BINOMIAL = settings_for(None, {}, "supports/contradicts")
COMPARE = settings_for(None, {}, "compare")


def test_nine_of_ten_is_supported_with_the_hand_computed_exact_p():
    # Two-sided exact p of 9 of 10 at 0.5: 2 * (C(10,9) + C(10,10)) / 2^10 = 22/1024 = 0.021484375.
    out = binomial_outcome(9, 1, BINOMIAL)
    assert out.p_value == 22 / 1024 == 0.021484375
    assert out.p_value == pytest.approx(binomtest(9, 10, 0.5).pvalue, rel=1e-12)
    assert out.verdict == "supported" and out.share == 0.9
    ci = binomtest(9, 10).proportion_ci(0.95, "exact")
    assert out.ci == (pytest.approx(ci.low), pytest.approx(ci.high)) and out.ci[0] > 0.5
    # Cohen's h of 0.9 against 0.5.
    assert out.cohens_h == pytest.approx(2 * math.asin(math.sqrt(0.9)) - 2 * math.asin(math.sqrt(0.5)))


@pytest.mark.parametrize("s,k", [(30, 28), (3, 12), (40, 2), (7, 7), (0, 9), (12, 5)])
def test_binomial_p_value_is_scipys_two_sided_test(s, k):
    assert binomial_outcome(s, k, BINOMIAL).p_value == pytest.approx(binomtest(s, s + k, 0.5).pvalue, rel=1e-12)


def test_thirty_for_twenty_eight_against_is_not_supported():
    # 30 of 58: p = 0.896; the 95% interval 0.38-0.65 lies inside the default band 0.25-0.75, so the evidence is
    # settled as balanced (mixed); with a narrower band (0.6) it is inconclusive, as any band it does not fit.
    out = binomial_outcome(30, 28, BINOMIAL)
    ci = binomtest(30, 58).proportion_ci(0.95, "exact")
    assert out.p_value == pytest.approx(binomtest(30, 58).pvalue) and out.p_value > 0.8
    assert 0.25 < ci.low < ci.high < 0.75 and out.verdict == "mixed"
    narrow = settings_for({"supports_contradicts": {"mixed_band": 0.6}}, {}, "supports/contradicts")
    assert binomial_outcome(30, 28, narrow).verdict == "inconclusive"


def test_a_clear_majority_is_supported_and_a_clear_minority_contradicted():
    assert binomial_outcome(40, 5, BINOMIAL).verdict == "supported"
    assert binomial_outcome(5, 40, BINOMIAL).verdict == "contradicted"


def test_cases_to_decide_at_the_observed_share():
    # 3 of 3 with at least 5 cases needed: 5 of 5 gives p = 2/32 = 0.0625, 6 of 6 gives 2/64 = 0.03125 < 0.05.
    assert binomial_outcome(3, 0, BINOMIAL).verdict == "inconclusive"
    assert binomial_cases_to_decide(3, 0, BINOMIAL) == (3, "supported")
    # 30 vs 28 under a band of 0.6: the smallest total at 30/58 whose interval fits inside 0.4-0.6.
    narrow = settings_for({"supports_contradicts": {"mixed_band": 0.6}}, {}, "supports/contradicts")
    extra, verdict = binomial_cases_to_decide(30, 28, narrow)
    assert verdict == "mixed"

    def fits(total):
        s = round(30 / 58 * total)
        ci = binomtest(s, total).proportion_ci(0.95, "exact")
        return ci.low >= 0.4 and ci.high <= 0.6

    assert fits(58 + extra) and not fits(58 + extra - 1)


def test_an_even_split_is_never_supported_at_any_size():
    extra, verdict = binomial_cases_to_decide(1, 1, BINOMIAL)
    assert verdict == "mixed" and extra > 0


def _scipy_permutation_p(x, y):
    return permutation_test((np.array(x, float), np.array(y, float)),
                            lambda a, b, axis: a.mean(axis=axis) - b.mean(axis=axis), vectorized=True,
                            n_resamples=9999, rng=np.random.default_rng(1)).pvalue


def test_permutation_p_and_rank_biserial_match_scipy_and_a_hand_example():
    # Five 1s against five 0s: of the C(10,5) = 252 arrangements two reach |difference| 1: p = 2/252.
    verdict, p, comps = compare_outcome([1.0] * 5, [[0.0] * 5], COMPARE)
    assert verdict == "supported" and p == pytest.approx(2 / 252, rel=1e-12) and comps[0].rank_biserial == 1.0
    # Small groups (C(11, 5) = 462 arrangements): scipy's exact test, the same number.
    rng = np.random.default_rng(7)
    higher, lower = list(rng.integers(-2, 3, 6).astype(float)), list(rng.integers(-3, 2, 5).astype(float))
    _, p, comps = compare_outcome(higher, [lower], COMPARE)
    assert p == _scipy_permutation_p(higher, lower)
    u = mannwhitneyu(higher, lower).statistic
    assert comps[0].rank_biserial == pytest.approx(2 * u / (len(higher) * len(lower)) - 1)


@pytest.mark.parametrize("n_h,n_l,shift", [(40, 35, 0.3), (60, 50, 0.0), (300, 280, 0.15), (25, 30, 0.6)])
def test_large_groups_get_the_same_p_as_scipys_random_permutations_within_monte_carlo_error(n_h, n_l, shift):
    # Too many arrangements for an exact test: the relabellings are drawn as multivariate hypergeometric counts
    # per distinct score; scipy shuffles every case. Both estimate the same p, each with Monte Carlo error
    # sd <= 2 * sqrt(tail (1 - tail) / 9999) (two-sided = twice a tail); the two may differ by 4 combined sd.
    rng = np.random.default_rng(n_h)
    higher = list(rng.integers(0, 4, n_h) + (rng.random(n_h) < shift))
    lower = list(rng.integers(0, 4, n_l).astype(float))
    higher = [float(x) for x in higher]
    _, p, comps = compare_outcome(higher, [lower], COMPARE)
    reference = _scipy_permutation_p(higher, lower)
    tail = min(max(reference / 2, 1 / 10000), 0.5)
    sd = 2 * math.sqrt(tail * (1 - tail) / 9999)
    assert abs(p - reference) <= 4 * math.sqrt(2) * sd + 2 / 10000
    u = mannwhitneyu(higher, lower).statistic
    assert comps[0].rank_biserial == pytest.approx(2 * u / (n_h * n_l) - 1)
    assert compare_outcome(higher, [lower], COMPARE)[1] == p            # the fixed seed: the same p again


def test_close_means_are_inconclusive_with_a_number_of_cases_to_decide():
    from duocode.audit.verdicts import compare_cases_to_decide

    higher, lower = [1.0, 0.0] * 15, [1.0, 0.0] * 14 + [0.0, 0.0]    # means 0.5 vs 0.467
    verdict, p, _ = compare_outcome(higher, [lower], COMPARE)
    assert verdict == "inconclusive" and p > 0.5
    extra = compare_cases_to_decide(higher, [lower], COMPARE)
    # normal approximation: n grows until |difference| / SE reaches 1.96
    se = math.sqrt(np.var(higher, ddof=1) / 30 + np.var(lower, ddof=1) / 30)
    factor = (1.959963984540054 * se / (0.5 - 14 / 30)) ** 2
    assert extra == math.ceil(60 * factor) - 60


def test_several_lower_groups_must_all_differ_or_pass_holm():
    higher = [2.0] * 6
    lowers = [[0.0] * 6, [2.0, 2.0, 2.0, 1.0, 2.0, 2.0]]
    verdict, p, comps = compare_outcome(higher, lowers, COMPARE)
    raw = [_scipy_permutation_p(higher, low) for low in lowers]
    assert p == pytest.approx(max(raw)) and verdict == "inconclusive"
    holm_st = settings_for({"compare": {"combine": "holm"}}, {}, "compare")
    _, p_holm, comps_holm = compare_outcome(higher, lowers, holm_st)
    assert [c.p_adjusted for c in comps_holm] == pytest.approx(holm(raw)) and p_holm >= p
    # Holm by hand: 0.01, 0.04, 0.03 -> sorted 0.01*3, 0.03*2, 0.04*1 -> 0.03, 0.06, 0.06 (monotone).
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_the_same_codebook_and_cases_give_the_same_json_twice():
    from duocode.audit.propositions import evaluate_propositions
    from duocode.codebook import load_codebook
    from test_audit_propositions import garden

    cb = load_codebook(DATA / "garden.yaml")
    extra = {f"N{i}": {"service": "delivery", "liked": "yes", "disliked": "no", "visits": str(i % 6)}
             for i in range(30)}
    runs = [json.dumps({pid: r.to_dict() for pid, r in evaluate_propositions(cb, garden(extra)).items()})
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert json.loads(runs[0])["G2"]["p_value"] is not None


def test_settings_come_from_the_codebook_then_the_proposition():
    cb = {"alpha": 0.01, "compare": {"permutations": 999}}
    st = settings_for(cb, {"verdicts": {"seed": 5}}, "compare")
    assert (st.alpha, st.permutations, st.seed, st.combine) == (0.01, 999, 5, DEFAULTS["compare"]["combine"])
    legacy = settings_for(None, {"threshold": 0.8}, "supports/contradicts")
    assert (legacy.threshold, legacy.mixed_band) == (0.8, 0.8)


def test_bundled_codebooks_write_the_defaults_out():
    from duocode.codebook import load_codebook

    for name in ("tmp", "telecare"):
        cb = load_codebook(name)
        assert cb.verdicts == DEFAULTS


GARDEN_TEXT = (DATA / "garden.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("section,message", [
    ("verdicts:\n  alfa: 0.05\n", "unknown key 'alfa' in verdicts"),
    ("verdicts:\n  alpha: 2\n", "verdicts.alpha"),
    ("verdicts:\n  compare: {combine: bonferroni}\n", "verdicts.compare.combine"),
    ("verdicts:\n  supports_contradicts: {mixed_band: 0.3}\n", "verdicts.supports_contradicts.mixed_band"),
    ("verdicts:\n  min_cases: 0\n", "verdicts.min_cases"),
])
def test_bad_verdicts_keys_are_refused_with_the_file_line_and_key(section, message):
    from duocode.codebook import codebook_from_text

    text = GARDEN_TEXT + section
    line = text.count("\n", 0, text.index("verdicts:")) + 1
    with pytest.raises(InputError) as err:
        codebook_from_text(text, "garden-bad.yaml")
    shown = str(err.value)
    assert message in shown and "garden-bad.yaml" in shown
    assert f"line {line}" in shown or f"line {line + 1}" in shown


def test_a_proposition_override_that_its_rule_does_not_use_is_refused():
    from duocode.codebook import codebook_from_text

    text = GARDEN_TEXT.replace("    threshold: 0.6\n", "    threshold: 0.6\n    verdicts: {permutations: 999}\n")
    with pytest.raises(InputError) as err:
        codebook_from_text(text, "garden-bad.yaml")
    assert "verdicts.permutations does not apply to a supports/contradicts rule" in str(err.value)
    assert "garden-bad.yaml" in str(err.value)
