"""Table II matrix and summary row, cell by cell, on the hand-made set (TMP codebook) and on a non-TMP codebook.

Hand derivation for the TMP set (tests/audit/handmade.py; PP PB PV NP NB NV = the six attributions coded yes):

interaction (I1 PB, I2 PB+PP, I3 NB, I4 PB+NB, I5 PP; X1 is not a case and is ignored)
  positive_performance  cases I2 (illusionary_benevolence), I5 (other)  -> found IB, other; not found privacy_halo
  positive_benevolence  cases I1 (IB), I2 (IB), I4 (privacy_halo)        -> found IB (2), PH (1); not found -
  positive_value        no case                                          -> Not found (IB, PH)
  negative_performance  no case                                          -> Not found
  negative_benevolence  cases I3 (PH), I4 (PH)                           -> found PH (2); not found IB
  negative_value        no case                                          -> Not found
  summary: positive I1 I2 I5 = 3, equilibrium I4 = 1, negative I3 = 1  -> "mostly positive surplus (3 of 5)"
transaction_outcome (T1 PV, T2 PV+NV, T3 NV, T4 PV+PP, T5 none)
  positive_performance  T4 (customized_value)                -> found CV; not found customization_cost
  positive_value        T1 (CV), T2 (CC), T4 (CV)            -> found CV (2), CC (1)
  negative_value        T2 (CC), T3 (CC)                     -> found CC (2); not found CV
  the other three rows: no case -> Not found; T5 has no attribution yes -> "no attribution" group
  summary: positive T1 T4 = 2, equilibrium T2 T5 = 2, negative T3 = 1
           -> tie for the most: "split between equilibrium and positive surplus (2 each of 5)"
continuity (K1 PP+PV, K2 NP+NV, K3 PB+PV, K4 NB+NP, K5 PP)
  positive_performance  K1 (accuracy), K5 (accuracy)         -> found accuracy (2); not found service_tendencies
  positive_benevolence  K3 (ST)                              -> found ST; not found accuracy
  positive_value        K1 (accuracy), K3 (ST)               -> found both
  negative_performance  K2 (accuracy), K4 (ST)               -> found both
  negative_benevolence  K4 (ST)                              -> found ST; not found accuracy
  negative_value        K2 (accuracy)                        -> found accuracy; not found ST
  summary: positive K1 K3 K5 = 3, negative K2 K4 = 2, equilibrium 0 -> "mostly positive surplus (3 of 5)"
"""
from __future__ import annotations

import pytest

import audit_fixtures as handmade  # the hand-made set
from audit_fixtures import DATA, GARDEN, build_project
from duocode.audit.matrix import AuditCase, build_matrix, synthesize

IB, PH, CV, CC, ACC, ST = ("illusionary_benevolence", "privacy_halo", "customized_value", "customization_cost",
                           "accuracy", "service_tendencies")
EXPECTED = {
    "interaction": {
        "positive_performance": ([IB, "other"], [PH], ["I2", "I5"]),
        "positive_benevolence": ([IB, PH], [], ["I1", "I2", "I4"]),
        "positive_value": ([], [IB, PH], []),
        "negative_performance": ([], [IB, PH], []),
        "negative_benevolence": ([PH], [IB], ["I3", "I4"]),
        "negative_value": ([], [IB, PH], []),
    },
    "transaction_outcome": {
        "positive_performance": ([CV], [CC], ["T4"]),
        "positive_benevolence": ([], [CV, CC], []),
        "positive_value": ([CV, CC], [], ["T1", "T2", "T4"]),
        "negative_performance": ([], [CV, CC], []),
        "negative_benevolence": ([], [CV, CC], []),
        "negative_value": ([CC], [CV], ["T2", "T3"]),
    },
    "continuity": {
        "positive_performance": ([ACC], [ST], ["K1", "K5"]),
        "positive_benevolence": ([ST], [ACC], ["K3"]),
        "positive_value": ([ACC, ST], [], ["K1", "K3"]),
        "negative_performance": ([ACC, ST], [], ["K2", "K4"]),
        "negative_benevolence": ([ST], [ACC], ["K4"]),
        "negative_value": ([ACC], [ST], ["K2"]),
    },
}
CELLS = [(t, r) for t, rows in EXPECTED.items() for r in rows]


@pytest.fixture
def handmade_audit(tmp_path, tmp_codebook_path):
    from duocode.audit.report import build_audit

    project = build_project(tmp_path / "p", tmp_codebook_path, handmade.texts(), {}, handmade.consensus())
    yield build_audit(project)
    project.close()


@pytest.mark.parametrize("type_, row", CELLS)
def test_handmade_matrix_cell_matches_hand_derivation(handmade_audit, type_, row):
    found, not_found, cases = EXPECTED[type_][row]
    assert handmade_audit.to_dict()["matrix"][type_][row] == {"found": found, "not_found": not_found,
                                                              "cases": cases}


def test_handmade_matrix_has_exactly_three_types_by_six_attributions(handmade_audit):
    matrix = handmade_audit.to_dict()["matrix"]
    assert list(matrix) == ["interaction", "transaction_outcome", "continuity"]
    assert all(list(rows) == list(EXPECTED["interaction"]) for rows in matrix.values())


def test_handmade_effect_counts_count_cases_per_found_effect(handmade_audit):
    counts = handmade_audit.to_dict()["effect_counts"]
    assert counts["interaction"]["positive_benevolence"] == {IB: 2, PH: 1}
    assert counts["transaction_outcome"]["positive_value"] == {CV: 2, CC: 1}
    assert counts["continuity"]["positive_performance"] == {ACC: 2}


def test_handmade_summary_counts_per_type(handmade_audit):
    assert handmade_audit.to_dict()["summary"] == {
        "interaction": {"negative": 1, "equilibrium": 1, "positive": 3},
        "transaction_outcome": {"negative": 1, "equilibrium": 2, "positive": 2},
        "continuity": {"negative": 2, "equilibrium": 0, "positive": 3}}


def test_handmade_synthesis_is_generated_from_the_counts(handmade_audit):
    assert handmade_audit.to_dict()["synthesis"] == {
        "interaction": "mostly positive surplus (3 of 5)",
        "transaction_outcome": "split between equilibrium and positive surplus (2 each of 5)",
        "continuity": "mostly positive surplus (3 of 5)"}


def test_handmade_case_without_attribution_lands_in_no_attribution_group(handmade_audit):
    assert handmade_audit.to_dict()["no_attribution"] == {"interaction": [], "transaction_outcome": ["T5"],
                                                          "continuity": []}


def test_consensus_not_a_case_is_left_out_of_the_matrix(handmade_audit):
    data = handmade_audit.to_dict()
    assert data["cases"]["not_a_case"] == ["X1"]
    assert data["cases"]["included"] == 15
    assert all("X1" not in cell["cases"] for rows in data["matrix"].values() for cell in rows.values())


def test_handmade_table_ii_cell_text_lists_found_counts_and_not_found(handmade_audit):
    m = handmade_audit.matrix
    assert handmade_audit.cell_lines(m.cells["interaction"]["positive_performance"]) == [
        "Illusionary benevolence (1 case)", "Other effect (1 case)", "Privacy halo: Not found"]
    assert handmade_audit.cell_lines(m.cells["interaction"]["positive_value"]) == ["Not found"]
    assert handmade_audit.cell_lines(m.cells["continuity"]["positive_performance"]) == [
        "Accuracy (2 cases)", "Service tendencies: Not found"]


@pytest.mark.parametrize("counts, expected", [
    ({"negative": 0, "equilibrium": 0, "positive": 3}, "all positive surplus (3 of 3)"),
    ({"negative": 1, "equilibrium": 1, "positive": 4}, "mostly positive surplus (4 of 6)"),
    ({"negative": 10, "equilibrium": 0, "positive": 11}, "slight majority positive surplus (11 of 21)"),
    ({"negative": 2, "equilibrium": 1, "positive": 2}, "split between negative increment and positive surplus "
                                                       "(2 each of 5)"),
    ({"negative": 3, "equilibrium": 2, "positive": 2}, "leaning negative increment (3 of 7)"),
    ({"negative": 1, "equilibrium": 1, "positive": 1}, "split between negative increment, equilibrium and "
                                                       "positive surplus (1 each of 3)"),
    ({"negative": 0, "equilibrium": 0, "positive": 0}, "no cases"),
])
def test_synthesis_reads_counts(counts, expected):
    labels = {"negative": "Negative increment", "equilibrium": "Equilibrium", "positive": "Positive surplus"}
    assert synthesize(counts, labels) == expected


def test_synthesis_keeps_acronym_labels_as_written():
    assert synthesize({"a": 2, "b": 0}, {"a": "CRM-driven", "b": "Other"}) == "all CRM-driven (2 of 2)"


# -- a codebook that is not TMP: the matrix follows its audit section ----------------------------------------------
def garden_cases() -> list[AuditCase]:
    return [AuditCase(cid, "G", None, f"text {cid}", codes) for cid, codes in GARDEN.items()]


def test_other_codebook_matrix_follows_its_own_audit_section():
    # advice x liked: A1 A2 (expertise) A4 (upsell); advice x disliked: A3 A4 (upsell), expertise not found;
    # delivery x liked: D1 (punctuality) D3 (other); delivery x disliked: D2 (punctuality).
    from duocode.codebook import load_codebook

    m = build_matrix(load_codebook(DATA / "garden.yaml"), garden_cases())
    assert m.to_dict() == {
        "advice": {"liked": {"found": ["expertise", "upsell"], "not_found": [], "cases": ["A1", "A2", "A4"]},
                   "disliked": {"found": ["upsell"], "not_found": ["expertise"], "cases": ["A3", "A4"]}},
        "delivery": {"liked": {"found": ["punctuality", "other"], "not_found": [], "cases": ["D1", "D3"]},
                     "disliked": {"found": ["punctuality"], "not_found": [], "cases": ["D2"]}}}
    assert m.no_attribution == {"advice": ["A5"], "delivery": []}
    assert m.untyped == ["U1"]
    # advice: bad A3, fine A4 A5, good A1 A2; delivery: bad D2, good D1 D3.
    assert m.summary == {"advice": {"bad": 1, "fine": 2, "good": 2}, "delivery": {"bad": 1, "fine": 0, "good": 2}}
    assert m.synthesis == {"advice": "split between fine and good (2 each of 5)",
                           "delivery": "mostly good (2 of 3)"}
    assert m.effect_counts()["advice"]["liked"] == {"expertise": 2, "upsell": 1}
    assert m.cells["advice"]["liked"].no_effect == 0


def test_case_without_effect_is_counted_in_its_cell_but_names_no_effect():
    from duocode.codebook import load_codebook

    cases = garden_cases() + [AuditCase("A6", "G", None, "t", {"service": "advice", "disliked": "yes"})]
    cell = build_matrix(load_codebook(DATA / "garden.yaml"), cases).cells["advice"]["disliked"]
    assert cell.cases == ["A3", "A4", "A6"] and cell.found == ["upsell"] and cell.no_effect == 1


def test_left_out_cases_do_not_enter_the_matrix():
    from duocode.codebook import load_codebook

    cases = [AuditCase(c.id, c.document, c.informant, c.text, c.codes,
                       "unresolved" if c.id == "A1" else c.status) for c in garden_cases()]
    m = build_matrix(load_codebook(DATA / "garden.yaml"), cases)
    assert m.cells["advice"]["liked"].cases == ["A2", "A4"]
