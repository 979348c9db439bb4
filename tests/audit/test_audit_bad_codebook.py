"""A codebook whose propositions name unknown variables, values, scores, types, moderators or propositions is
refused on load, every mistake listed with its YAML line, and no project is created."""
from __future__ import annotations

import pytest

from audit_fixtures import DATA
from duocode.cli import main

BAD = DATA / "bad_propositions.yaml"
EXPECTED = [
    "line 74: proposition 'B1': unknown variable 'mood' in a condition (expected one of is_case, service, liked, "
    "disliked, mechanism, overall, visits)",
    "line 79: proposition 'B2': unknown value 'advise' of 'service' (expected one of advice, delivery)",
    "line 77: proposition 'B2' names unknown type 'shop' (expected one of advice, delivery)",
    "line 84: proposition 'B3' uses unknown score 'happiness' (expected one of balance)",
    "line 85: proposition 'B3': 'gte' needs a number for 'visits', found 'many'",
    "line 90: proposition 'B4' names unknown moderator 'weather'",
    "line 89: proposition 'B4' refers to unknown proposition 'B9'",
]


@pytest.mark.parametrize("args", [["codebook", "validate", str(BAD)], ["init", "{dir}", "--codebook", str(BAD)]],
                         ids=["codebook validate", "init"])
def test_codebook_with_bad_propositions_is_refused_listing_every_problem(runner, tmp_path, args):
    args = [a.replace("{dir}", str(tmp_path / "study")) for a in args]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: {BAD}:{line}" for line in EXPECTED]
    assert not (tmp_path / "study").exists()


def test_good_codebook_with_every_rule_form_loads(runner):
    result = runner.invoke(main, ["codebook", "validate", str(DATA / "garden.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
