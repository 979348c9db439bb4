"""The proposition rule vocabulary is interpreted by a small evaluator (never as code)."""
from pathlib import Path

import pytest

from duocode.codebook import load_codebook
from duocode.codebook.conditions import check_condition, matches

CB = load_codebook(Path(__file__).parent.parent / "data" / "mini_codebook.yaml")
CASE = {"kind": "alpha", "good": "yes", "mood": "mid", "count": "3"}


@pytest.mark.parametrize("cond, expected", [
    ({"kind": "alpha"}, True),
    ({"kind": "beta"}, False),
    ({"kind": ["beta", "alpha"]}, True),
    ({"kind": "alpha", "good": "no"}, False),
    ({"any": [{"kind": "beta"}, {"good": "yes"}]}, True),
    ({"all": [{"kind": "alpha"}, {"good": "yes"}]}, True),
    ({"not": {"kind": "alpha"}}, False),
    ({"count": {"lte": 3}}, True),
    ({"count": {"lt": 3}}, False),
    ({"mood": {"gte": "mid"}}, True),
    ({"mood": {"gt": "mid"}}, False),
    ({"is_case": "yes"}, False),            # not coded: never matches
    ({"not": {"is_case": "yes"}}, True),
])
def test_condition_matches(cond, expected):
    assert matches(cond, CASE, CB) is expected


def test_check_condition_reports_unknown_operator_and_nominal_ordering():
    problems = check_condition({"kind": {"lt": "alpha"}, "count": {"near": 2}}, CB, ("p",))
    texts = [m for _, m, _ in problems]
    assert "'lt' needs an ordinal or interval variable; 'kind' is nominal" in texts
    assert "unknown comparison 'near'" in texts
