"""Every published value in ../shared/agreement-reference/ reproduced within its tolerance.

The reference set (see its README) holds 25 published worked examples - Krippendorff (2011), Gwet's irrCAC,
Fleiss (1971), Hayes & Krippendorff (2007), Wikipedia, ReCal, SAS/statsmodels - plus five analytic edge cases.
Each JSON names its coefficients, the published value (null = undefined) and the tolerance. The files are read,
never copied; the tests skip when ../shared is absent.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from duocode.agreement import agreement, cohen_kappa, krippendorff_alpha, read_long_csv

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "agreement-reference"


def _cases() -> list[tuple[str, str]]:
    if not REFERENCE.is_dir():
        return []
    out = []
    for path in sorted(REFERENCE.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        out += [(path.stem, key) for key in case["expected"]]
    return out


CASES = _cases()
_results: dict[str, tuple] = {}


def _computed(stem: str):
    if stem not in _results:
        case = json.loads((REFERENCE / f"{stem}.json").read_text(encoding="utf-8"))
        data = read_long_csv(REFERENCE / case["data_file"], level=case["level"])
        _results[stem] = (case, agreement(data, level=case["level"]))
    return _results[stem]


def value_of(result, key: str) -> float | None:
    """A reference key -> our value: the seven coefficients, weighted variants, level-specific alpha."""
    if key in result.coefficients:
        return result.coefficients[key].value
    if key in result.weighted:
        return result.weighted[key].value
    if key.startswith("krippendorff_alpha_"):
        return krippendorff_alpha(result.data, level=key.removeprefix("krippendorff_alpha_")).value
    if key == "cohen_kappa_linear":  # nominal-level case: weighted kappa on request
        return cohen_kappa(result.data, weights="linear").value
    raise KeyError(key)


@pytest.mark.shared
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/agreement-reference is not present")
@pytest.mark.parametrize("stem,key", CASES, ids=[f"{s}:{k}" for s, k in CASES])
def test_published_value_is_reproduced_within_its_tolerance(stem, key):
    case, result = _computed(stem)
    expected = case["expected"][key]
    tolerance = case.get("tolerance_overrides", {}).get(key, case["tolerance"])
    got = value_of(result, key)
    if expected is None:
        assert got is None, f"{stem}: {key} must be undefined, got {got}"
        reason = (result.coefficients.get(key) or result.weighted.get(key)).reason
        assert reason, "an undefined coefficient carries a reason"
    else:
        assert got is not None, f"{stem}: {key} undefined: {result.coefficients.get(key)}"
        assert got == pytest.approx(expected, abs=tolerance)


@pytest.mark.shared
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/agreement-reference is not present")
def test_reference_set_has_all_25_cases_and_81_expected_values():
    assert len({s for s, _ in CASES}) == 25
    assert len(CASES) == 81


@pytest.mark.shared
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/agreement-reference is not present")
def test_krippendorff_bootstrap_reproduces_kalpha_ci_and_q_table():
    """Hayes' KALPHA output for Krippendorff (2011) section C: CI .6035-.8600 (5000 replicates), q table;
    reproduced with M = 55 pairable pairs (README of the reference set)."""
    case = json.loads((REFERENCE / "k2011_C_bootstrap_nominal.json").read_text(encoding="utf-8"))
    boot = case["bootstrap"]
    alpha_min = tuple(float(a) for a in boot["q_fail_to_reach_alphamin"])
    data = read_long_csv(REFERENCE / case["data_file"], level="nominal")
    result = agreement(data, level="nominal", bootstrap=boot["n_boot"], seed=20240605, alpha_min=alpha_min)

    b = result.alpha_bootstrap
    assert b.pairs == boot["M_used_by_published_output"] == boot["reported_pairs"]
    assert result.diagnostics.n_pairable_units == boot["reported_units"]
    assert result.n_coders == boot["reported_observers"]
    alpha = result.coefficients["krippendorff_alpha"]
    assert alpha.value == pytest.approx(case["expected"]["krippendorff_alpha"], abs=case["tolerance"])
    assert alpha.ci_low == pytest.approx(boot["expected"]["ci95_lower"], abs=boot["tolerance"])
    assert alpha.ci_high == pytest.approx(boot["expected"]["ci95_upper"], abs=boot["tolerance"])
    for a, published in boot["q_fail_to_reach_alphamin"].items():
        assert b.q[float(a)] == pytest.approx(published, abs=boot["q_tolerance"]), f"q({a})"
