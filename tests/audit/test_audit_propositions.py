"""Verdicts on propositions: the TMP codebook's P1-P3e on the hand-made set, and every rule form on a small
non-TMP codebook, each derived by hand.

Hand derivation, TMP set (tests/audit/audit_fixtures.py; X1 is not a case and bears on nothing; document order
I1 I2 T1 I3 T2 K1 I4 T3 K2 I5 T4 K3 T5 K4 K5):
- P1  interaction cases I1..I5. supports = a benevolence yes: I1 I2 I3 I4. contradicts = benevolence no on both
      sides but another attribution yes: I5 (PP only).                                -> mixed
- P1a telephone interaction: I1 I2 I4. supports PB: I1 I2 I4; contradicts NB: I4.    -> mixed
- P1b privacy-high interaction: I3 I4. supports NB: I3 I4; contradicts PB with NB no: none -> supported
- P2  transaction cases T1..T5. supports a value yes: T1..T4; contradicts: value no on both sides but another
      attribution yes: none (T5 has none at all).                                     -> supported
- P2a value_net, transaction (T1 +1, T2 0, T3 -1, T4 +1, T5 0: mean 0.2) vs interaction (all 0: mean 0)
      -> supported. Supporting: transaction cases above 0 (T1 T4) and interaction cases below 0.2 (I1..I5);
      contradicting: transaction cases below 0 (T3).
- P2b value_net, clear (T1 +1, T3 -1, T4 +1: mean 1/3) vs fuzzy (T2 0, T5 0: mean 0) -> supported;
      supporting T1 T4 (above 0) and T2 T5 (below 1/3); contradicting T3 (below 0).
- P2c value_net, low privacy (T1, T4: mean 1) vs high (T2 0, T3 -1: mean -0.5) -> supported; supporting all four.
- P3  continuity K1..K5: K1 (perf+value), K2 (perf+value), K3 (benev+value), K4 (benev+perf) span two
      dimensions -> support; K5 (performance only) -> contradicts.                    -> mixed
- P3a strength: continuity 2,2,2,2,1 (mean 1.8) vs interaction 1,2,1,2,1 (1.4) vs transaction 1,2,1,2,0 (1.2)
      -> supported. Supporting: K1..K4 (2 > 1.4) and the other types' cases below 1.8 (I1 I3 I5 T1 T3 T5);
      contradicting: K5 (1 < 1.2) and the other types' cases above 1.8 (I2 I4 T2 T4).
- P3b continuity accuracy/service tendencies cases with a performance AND a benevolence attribution: K4 -> supported
- P3c accuracy cases K1 K2 K5: all carry performance or value, none benevolence      -> supported
- P3d service-tendency cases K3 K4: both carry benevolence or value; K4 also performance -> mixed
- P3e positive accuracy cases K1 (past 1, net 2) vs K5 (past 6, net 1)                -> supported, K1 K5
"""
from __future__ import annotations

import pytest

import audit_fixtures as handmade  # the hand-made set
from audit_fixtures import DATA, GARDEN, build_project
from duocode.audit.matrix import AuditCase
from duocode.audit.propositions import evaluate_propositions, score_of
from duocode.errors import InputError

EXPECTED = {
    "P1": ("mixed", ["I1", "I2", "I3", "I4"], ["I5"]),
    "P1a": ("mixed", ["I1", "I2", "I4"], ["I4"]),
    "P1b": ("supported", ["I3", "I4"], []),
    "P2": ("supported", ["T1", "T2", "T3", "T4"], []),
    "P2a": ("supported", ["I1", "I2", "T1", "I3", "I4", "I5", "T4"], ["T3"]),
    "P2b": ("supported", ["T1", "T2", "T4", "T5"], ["T3"]),
    "P2c": ("supported", ["T1", "T2", "T3", "T4"], []),
    "P3": ("mixed", ["K1", "K2", "K3", "K4"], ["K5"]),
    "P3a": ("supported", ["I1", "T1", "I3", "K1", "T3", "K2", "I5", "K3", "T5", "K4"],
            ["I2", "T2", "I4", "T4", "K5"]),
    "P3b": ("supported", ["K4"], []),
    "P3c": ("supported", ["K1", "K2", "K5"], []),
    "P3d": ("mixed", ["K3", "K4"], ["K4"]),
    "P3e": ("supported", ["K1", "K5"], []),
}


@pytest.fixture(scope="module")
def handmade_audit(tmp_path_factory):
    from audit_fixtures import REPO
    from duocode.audit.report import build_audit

    path = REPO / "codebooks" / "tmp.yaml"
    if not path.is_file():
        pytest.skip("codebooks/tmp.yaml is not there yet")
    project = build_project(tmp_path_factory.mktemp("p") / "p", path, handmade.texts(), {}, handmade.consensus())
    yield build_audit(project)
    project.close()


@pytest.mark.parametrize("pid", list(EXPECTED))
def test_handmade_verdict_matches_hand_derivation(handmade_audit, pid):
    verdict, supporting, contradicting = EXPECTED[pid]
    assert handmade_audit.to_dict()["propositions"][pid] == {"verdict": verdict, "supporting": supporting,
                                                             "contradicting": contradicting}


def test_every_tmp_proposition_gets_a_verdict(handmade_audit):
    assert list(handmade_audit.to_dict()["propositions"]) == list(EXPECTED)


def test_compare_details_give_group_means_and_sizes(handmade_audit):
    p2b = handmade_audit.to_dict()["proposition_details"]["P2b"]
    assert p2b["higher"]["cases"] == ["T1", "T3", "T4"] and p2b["higher"]["mean"] == pytest.approx(1 / 3)
    assert [(g["cases"], g["mean"]) for g in p2b["lower"]] == [(["T2", "T5"], 0.0)]
    assert p2b["explanation"] == ("mean Value-provision net score: preference_clarity=clear 0.33 (n=3) vs "
                                  "preference_clarity=fuzzy 0.00 (n=2)")
    p3a = handmade_audit.to_dict()["proposition_details"]["P3a"]
    assert [g["mean"] for g in p3a["lower"]] == [pytest.approx(1.4), pytest.approx(1.2)]
    assert p3a["higher"]["mean"] == pytest.approx(1.8)


def test_rule_details_give_counts_of_bearing_supporting_contradicting(handmade_audit):
    p1a = handmade_audit.to_dict()["proposition_details"]["P1a"]
    assert (p1a["n_cases"], p1a["n_supporting"], p1a["n_contradicting"]) == (3, 3, 1)
    assert p1a["cases"] == ["I1", "I2", "I4"]


def test_moderator_breakdown_of_a_proposition_splits_its_bearing_cases(handmade_audit):
    # P1a names privacy_sensitivity: I4 high (supports and contradicts), I1 low, I2 unknown.
    rows = handmade_audit.propositions["P1a"].moderators["privacy_sensitivity"]
    assert [(r.value, r.cases, r.supporting, r.contradicting) for r in rows] == [
        ("high", ["I4"], 1, 1), ("low", ["I1"], 1, 0), ("unknown", ["I2"], 1, 0)]
    # P3e names past_accurate_recs: K1 (1 earlier hit, net 2), K5 (6, net 1).
    rows = handmade_audit.propositions["P3e"].moderators["past_accurate_recs"]
    assert [(r.value, r.cases, r.mean) for r in rows] == [("1", ["K1"], 2.0), ("6", ["K5"], 1.0)]


# -- every rule form, on a non-TMP codebook ----------------------------------------------------------------------
# garden.yaml; cases (service, liked/disliked, mechanism, visits):
#   A1 advice +  expertise 5 | A2 advice +  expertise 1 | A3 advice -  upsell 0 | A4 advice +- upsell 2
#   A5 advice (neither)      | D1 delivery + punct. 4   | D2 delivery - punct. 0 | D3 delivery + other 1
# G1a (threshold 0.6): supporting A1 A2 A4, contradicting A3 A4: 3/5 = 0.6 >= 0.6 -> supported
# G1b: supporting D1 D3, contradicting D2 -> mixed;  G1 from [G1a, G1b] -> mixed, unions of both
# G2 balance, visits >= 3 (D1: +1) vs < 3 (D2 -1, D3 +1: mean 0) -> supported; supporting D1 (above 0), D2 (below 1)
# G3 upsell advice A3 A4: liked no (A3) supports, liked yes (A4) contradicts -> mixed
def garden(extra: dict[str, dict] | None = None) -> list[AuditCase]:
    data = dict(GARDEN, **(extra or {}))
    return [AuditCase(cid, "G", None, "t", codes) for cid, codes in data.items()]


@pytest.fixture(scope="module")
def garden_codebook():
    from duocode.codebook import load_codebook

    return load_codebook(DATA / "garden.yaml")


def test_other_codebook_verdicts_for_every_rule_form(garden_codebook):
    results = evaluate_propositions(garden_codebook, garden())
    assert {pid: r.to_dict() for pid, r in results.items()} == {
        "G1a": {"verdict": "supported", "supporting": ["A1", "A2", "A4"], "contradicting": ["A3", "A4"]},
        "G1b": {"verdict": "mixed", "supporting": ["D1", "D3"], "contradicting": ["D2"]},
        "G1": {"verdict": "mixed", "supporting": ["A1", "A2", "A4", "D1", "D3"], "contradicting": ["A3", "A4", "D2"]},
        "G2": {"verdict": "supported", "supporting": ["D1", "D2"], "contradicting": []},
        "G3": {"verdict": "mixed", "supporting": ["A3"], "contradicting": ["A4"]},
    }
    assert results["G1"].children == ["G1a", "G1b"]
    assert results["G1"].cases == ["A1", "A2", "A3", "A4", "A5", "D1", "D2", "D3"]


def test_threshold_turns_a_mix_into_contradicted_when_support_is_rare(garden_codebook):
    # Two more advice cases with only a bad word: supporting A1 A2 A4 (3), contradicting A3 A4 A6 A7 (4):
    # 3/7 = 0.43 is above 1 - 0.6 = 0.4, so still mixed; a third one (A8) gives 3/8 = 0.375 <= 0.4: contradicted.
    bad = {"service": "advice", "liked": "no", "disliked": "yes"}
    assert evaluate_propositions(garden_codebook, garden({"A6": bad, "A7": bad}))["G1a"].verdict == "mixed"
    assert evaluate_propositions(garden_codebook,
                                 garden({"A6": bad, "A7": bad, "A8": bad}))["G1a"].verdict == "contradicted"


def test_from_is_supported_only_when_every_child_is(garden_codebook):
    # Drop D2 (the only delivery case with a bad word): G1b becomes supported, so G1 is supported.
    cases = [c for c in garden() if c.id != "D2"]
    results = evaluate_propositions(garden_codebook, cases)
    assert (results["G1b"].verdict, results["G1"].verdict) == ("supported", "supported")


def test_compare_with_an_empty_group_has_no_evidence(garden_codebook):
    # Without D1 no delivery case has visits >= 3.
    results = evaluate_propositions(garden_codebook, [c for c in garden() if c.id != "D1"])
    assert results["G2"].to_dict() == {"verdict": "no_evidence", "supporting": [], "contradicting": []}


def test_compare_lower_mean_above_higher_is_contradicted(garden_codebook):
    # D1 turned into a complaint: visits >= 3 mean -1 vs < 3 mean 0 -> contradicted; D1 pulls the wrong way.
    d1 = {"service": "delivery", "liked": "no", "disliked": "yes", "mechanism": "punctuality", "visits": "4"}
    result = evaluate_propositions(garden_codebook, garden({"D1": d1}))["G2"]
    assert (result.verdict, result.contradicting) == ("contradicted", ["D1", "D3"])


def test_no_bearing_case_means_no_evidence(garden_codebook):
    results = evaluate_propositions(garden_codebook, [c for c in garden() if c.id.startswith("A")])
    assert results["G1b"].verdict == "no_evidence" and results["G1"].verdict == "mixed"


def test_interval_moderator_groups_by_number_then_not_coded(garden_codebook):
    rows = evaluate_propositions(garden_codebook, garden())["G1a"].moderators["visits"]
    assert [(r.value, r.cases, r.supporting, r.contradicting) for r in rows] == [
        ("0", ["A3"], 0, 1), ("1", ["A2"], 1, 0), ("2", ["A4"], 1, 1), ("5", ["A1"], 1, 0),
        ("(not coded)", ["A5"], 0, 0)]
    g2 = evaluate_propositions(garden_codebook, garden())["G2"].moderators["visits"]
    assert [(r.value, r.mean) for r in g2] == [("0", -1.0), ("1", 1.0), ("4", 1.0)]


def test_score_counts_plus_items_minus_minus_items(garden_codebook):
    assert score_of(garden_codebook, "balance", {"liked": "yes", "disliked": "yes"}) == 0
    assert score_of(garden_codebook, "balance", {"liked": "yes"}) == 1
    assert score_of(garden_codebook, "balance", {"disliked": "yes"}) == -1


def test_score_items_may_be_conditions():
    from duocode.codebook import codebook_from_text

    text = (DATA / "garden.yaml").read_text(encoding="utf-8").replace(
        "    plus: [liked]\n", "    plus: [liked, {overall: {gte: fine}}]\n")
    cb = codebook_from_text(text, "garden-variant.yaml")
    assert score_of(cb, "balance", {"liked": "yes", "overall": "good"}) == 2
    assert score_of(cb, "balance", {"liked": "yes", "overall": "bad"}) == 1


def test_propositions_referring_to_each_other_in_a_circle_are_refused():
    from duocode.codebook import codebook_from_text

    text = (DATA / "garden.yaml").read_text(encoding="utf-8").replace(
        "    from: [G1a, G1b]\n", "    from: [G1a, G4]\n") + (
        "  - id: G4\n    statement: Loops.\n    from: [G1]\n")
    cb = codebook_from_text(text, "loop.yaml")
    with pytest.raises(InputError) as info:
        evaluate_propositions(cb, garden())
    assert "circle: G1 -> G4 -> G1" in str(info.value)
