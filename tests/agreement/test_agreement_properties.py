"""Invariants of the coefficients (hypothesis) and agreement with independent implementations.

* the same values whatever the order of coders and of units, and (nominal) whatever the category labels;
* perfect agreement gives 1 for every coefficient;
* two coders are interchangeable (the confusion matrix transposes, the bias index changes sign);
* Krippendorff's alpha equals the ``krippendorff`` package (test-only dependency) to 1e-9 on random data with
  missing values, at nominal, ordinal and interval level;
* Cohen's kappa, unweighted and weighted, equals scikit-learn's ``cohen_kappa_score``.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from duocode.agreement import ReliabilityData, agreement, cohen_kappa, krippendorff_alpha

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def reliability_matrices(draw, min_coders=2, max_coders=5, max_units=25, max_categories=5, missing=True):
    """(coders x units) integer codes, -1 = missing."""
    n_coders = draw(st.integers(min_coders, max_coders))
    n_units = draw(st.integers(2, max_units))
    k = draw(st.integers(2, max_categories))
    low = -1 if missing else 0
    cells = draw(st.lists(st.integers(low, k - 1), min_size=n_coders * n_units, max_size=n_coders * n_units))
    m = np.array(cells).reshape(n_coders, n_units)
    m[:, 0] = np.arange(n_coders) % k  # every coder codes at least one unit
    return m


def records(m: np.ndarray, coder_names=None, unit_names=None, labels=None):
    out = []
    for c in range(m.shape[0]):
        for u in range(m.shape[1]):
            if m[c, u] >= 0:
                code = labels[m[c, u]] if labels is not None else str(m[c, u])
                out.append((unit_names[u] if unit_names else f"u{u}", coder_names[c] if coder_names else f"c{c}",
                            code))
    return out


def values(result) -> dict:
    return {name: c.value for name, c in {**result.coefficients, **result.weighted}.items()}


def assert_same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for name in a:
        if a[name] is None or b[name] is None:
            assert a[name] is None and b[name] is None, name
        else:
            assert a[name] == pytest.approx(b[name], abs=1e-9), name


@SETTINGS
@given(m=reliability_matrices(), level=st.sampled_from(["nominal", "ordinal", "interval"]), data=st.data())
def test_values_do_not_depend_on_coder_order(m, level, data):
    perm = data.draw(st.permutations(range(m.shape[0])))
    names = [f"coder{i}" for i in range(m.shape[0])]
    a = agreement(records(m, names), level=level)
    b = agreement(records(m[list(perm)], [names[i] for i in perm]), level=level)
    assert_same(values(a), values(b))


@SETTINGS
@given(m=reliability_matrices(), level=st.sampled_from(["nominal", "ordinal", "interval"]), data=st.data())
def test_values_do_not_depend_on_unit_order(m, level, data):
    perm = data.draw(st.permutations(range(m.shape[1])))
    a = agreement(records(m), level=level)
    b = agreement(records(m[:, list(perm)], unit_names=[f"u{i}" for i in perm]), level=level)
    assert_same(values(a), values(b))


@SETTINGS
@given(m=reliability_matrices(), data=st.data())
def test_nominal_values_do_not_depend_on_category_labels(m, data):
    k = int(m.max()) + 1
    words = data.draw(st.lists(st.text("abcdefghij", min_size=1, max_size=6), min_size=k, max_size=k,
                               unique=True))
    a = agreement(records(m), level="nominal")
    b = agreement(records(m, labels=words), level="nominal")
    assert_same(values(a), values(b))


@SETTINGS
@given(n_coders=st.integers(2, 6), codes=st.lists(st.integers(0, 4), min_size=2, max_size=30),
       level=st.sampled_from(["nominal", "ordinal", "interval"]))
def test_perfect_agreement_gives_one_for_every_coefficient(n_coders, codes, level):
    assume(len(set(codes)) >= 2)
    m = np.array([codes] * n_coders)
    result = agreement(records(m), level=level)
    for name, value in values(result).items():
        if result.n_coders != 2 and name.startswith(("cohen_kappa", "scott_pi")):
            assert value is None
        else:
            assert value == pytest.approx(1.0, abs=1e-12), name


@SETTINGS
@given(m=reliability_matrices(min_coders=2, max_coders=2), level=st.sampled_from(["nominal", "ordinal"]))
def test_two_coders_are_interchangeable(m, level):
    original = agreement(records(m, ["a", "b"]), level=level)
    swapped = agreement(records(m, ["b", "a"]), level=level)  # the same two columns, roles exchanged
    assert_same(values(original), values(swapped))
    p, s = original.pairs[0], swapped.pairs[0]
    assert p.coders == s.coders == ("a", "b")
    assert np.array_equal(np.array(s.confusion), np.array(p.confusion).T)
    for cat, bias in p.bias_index.items():
        assert s.bias_index[cat] == pytest.approx(-bias, abs=1e-12)
        assert s.prevalence_index[cat] == pytest.approx(p.prevalence_index[cat], abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(m=reliability_matrices(max_coders=6, max_units=40, max_categories=6),
       level=st.sampled_from(["nominal", "ordinal", "interval"]))
def test_alpha_equals_the_krippendorff_package_on_random_data_with_missing_values(m, level):
    krippendorff = pytest.importorskip("krippendorff")
    x = np.where(m >= 0, m, np.nan).astype(float)
    pairable = (~np.isnan(x)).sum(axis=0) >= 2
    assume(len(np.unique(x[:, pairable][~np.isnan(x[:, pairable])])) >= 2)
    theirs = krippendorff.alpha(reliability_data=x, level_of_measurement=level)
    ours = krippendorff_alpha(x, level=level).value
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(m=reliability_matrices(min_coders=2, max_coders=2, max_units=40, missing=False),
       weights=st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_equals_scikit_learn(m, weights):
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    assume(len(np.unique(m)) >= 2)
    rd = ReliabilityData.from_matrix(m, level="ordinal")
    with np.errstate(all="ignore"):
        theirs = sklearn_metrics.cohen_kappa_score(m[0], m[1], weights=weights)
    ours = cohen_kappa(rd, weights=weights).value
    if np.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_undefined_coefficients_are_none_with_a_reason_never_a_number():
    result = agreement([(1, "a", "x"), (1, "b", "x"), (2, "a", "x"), (2, "b", "x")])
    for name in ("cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "brennan_prediger"):
        c = result.coefficients[name]
        assert c.value is None and c.reason, name
        assert result.to_dict()["coefficients"][name] == {"value": None, "reason": c.reason}
    assert result.value("percent_agreement") == 1.0


def test_single_coder_gives_all_coefficients_none_with_a_reason():
    result = agreement([(1, "a", "x"), (2, "a", "y")])
    assert all(c.value is None and "one coder" in c.reason for c in result.coefficients.values())


def test_bootstrap_is_deterministic_for_a_seed():
    rng = np.random.default_rng(5)
    m = rng.integers(0, 3, size=(3, 40))
    m[1] = np.where(rng.random(40) < 0.7, m[0], m[1])
    a = agreement(records(m), bootstrap=300, seed=11).to_dict()
    b = agreement(records(m), bootstrap=300, seed=11).to_dict()
    c = agreement(records(m), bootstrap=300, seed=12).to_dict()
    assert a == b
    assert a["coefficients"] != c["coefficients"]
    assert a["bootstrap"]["seed"] == 11


def test_bootstrap_without_seed_reports_the_entropy_that_reproduces_it():
    m = np.array([[0, 1, 2, 1, 0, 2, 1, 1], [0, 1, 2, 2, 0, 2, 1, 0]])
    first = agreement(records(m), bootstrap=200)
    again = agreement(records(m), bootstrap=200, seed=first.seed)
    assert first.to_dict()["coefficients"] == again.to_dict()["coefficients"]


def test_unit_bootstrap_interval_brackets_a_typical_value():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 4, size=300)
    m = np.array([np.where(rng.random(300) < 0.8, truth, rng.integers(0, 4, 300)) for _ in range(3)])
    result = agreement(records(m), bootstrap=500, seed=3)
    for name in ("percent_agreement", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "krippendorff_alpha"):
        c = result.coefficients[name]
        assert c.ci_low < c.value < c.ci_high, name
        assert c.ci_high - c.ci_low < 0.2, name
