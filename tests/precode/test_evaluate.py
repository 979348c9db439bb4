"""Evaluation: metrics against hand-computed values, refusal with too few cases, reports."""
import pytest

from duocode.errors import InputError
from duocode.precode.evaluate import evaluate, expected_calibration_error, span_scores

from tests.conftest import snapshot
from tests.precode.conftest import add_case
from duocode.render import tables


def test_ece_matches_a_hand_computed_example():
    # bins: [0.9, 0.9] all right -> |1 - 0.9| = 0.1, weight 1/2; [0.6, 0.6] half right -> |0.5 - 0.6| = 0.1.
    assert expected_calibration_error([0.9, 0.9, 0.6, 0.6], [True, True, True, False]) == pytest.approx(0.1)
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0


def test_a_case_is_found_by_half_of_it_and_a_candidate_is_right_when_half_of_it_is_on_cases():
    # worked by hand: human (0, 50) is half-covered by (0, 40)? 40 >= 25 yes, and by (0, 100) too;
    # human (60, 100) is covered 40 of 40 by (0, 100); human (300, 320) by nothing.
    cands = [("D", 0, 100), ("D", 0, 40), ("E", 0, 10), ("D", 290, 330)]
    humans = [("D", 0, 50), ("D", 60, 100), ("D", 300, 320)]
    found, correct = span_scores(cands, humans)
    assert found == [True, True, True]      # (290, 330) covers all 20 of (300, 320)
    # (0, 100): 50 + 40 = 90 of 100 on cases; (0, 40): all; (E...): other document; (290, 330): 20 of 40 = half
    assert correct == [True, True, False, True]
    # a candidate a third on a case is wrong, and finds a case only if it covers half of that case
    assert span_scores([("D", 0, 30)], [("D", 20, 30)]) == ([True], [False])
    assert span_scores([("D", 0, 10)], [("D", 6, 30)]) == ([False], [False])
    # overlapping human cases are counted once on a candidate
    assert span_scores([("D", 0, 100)], [("D", 0, 30), ("D", 10, 40)]) == ([True, True], [False])   # 40 of 100


def test_evaluate_with_too_few_coded_cases_says_how_many_are_needed(shop_project):
    add_case(shop_project, "C1", "D1", "I loved it, honestly.")
    with pytest.raises(InputError) as info:
        evaluate(shop_project, folds=5)
    assert "a variable needs at least 5 cases with consensus or agreed codes; the most any variable has is 0" in \
        str(info.value)


def test_evaluate_reports_accuracy_kappas_ece_and_learning_curve(coded_project):
    result = evaluate(coded_project, folds=4, seed=1)
    kind = result.variables["kind"]
    assert kind.n == 22 and kind.label_source == "22 agreed"
    assert kind.accuracy >= 0.9 and kind.kappa >= 0.8
    # the humans disagree on 2 of 24 balanced cases: kappa = (22/24 - 1/2) / (1 - 1/2)
    assert kind.human_kappa["value"] == pytest.approx((22 / 24 - 0.5) / 0.5, abs=1e-3)
    assert set(kind.per_class) == {"greeting", "advice"} and 0 <= kind.ece <= 1
    assert result.learning_curve[0]["n_train"] == 0 and result.learning_curve[1]["n_train"] == 10
    last = result.learning_curve[-1]
    assert last["n_train"] == "all" and last["mean_n_train"] == 17.5   # (16.5 + 18 + 18) / 3 training cases
    assert result.pooled["n"] == sum(v.n for v in result.variables.values())
    assert "mood" not in result.variables and result.skipped["mood"].startswith("0 coded cases")


def test_evaluate_measures_detection_against_human_cases_with_the_stated_rule(coded_project):
    det = evaluate(coded_project, folds=3, learning_curve=False).detection
    assert det.n_human == 24 and det.recall >= 0.9
    assert "covers at least half of it" in det.rule and "least half of it lies on human cases" in det.rule


def test_evaluate_changes_nothing_in_the_project(coded_project):
    before = snapshot(coded_project)
    evaluate(coded_project, folds=3, learning_curve=False)
    assert snapshot(coded_project) == before


def test_evaluate_writes_a_workbook_and_json(coded_project, tmp_path):
    from openpyxl import load_workbook

    result = evaluate(coded_project, folds=3, learning_curve=False)
    result.write_xlsx(tmp_path / "e.xlsx")
    wb = load_workbook(tmp_path / "e.xlsx")
    assert wb.sheetnames == ["Summary", "Per class", "Learning curve", "Detection", "About"]
    assert wb["Summary"]["A1"].value == "variable"
    data = result.to_dict()
    assert data["variables"]["kind"]["human_kappa"]["coders"] == ["ines", "jonas"]


def test_folds_below_two_are_refused(coded_project):
    with pytest.raises(InputError, match="--folds 1 is too small"):
        evaluate(coded_project, folds=1)


def test_folds_never_put_one_interview_on_both_sides():
    from duocode.precode.evaluate import _folds

    ids = [f"C{i:02d}" for i in range(30)]
    groups = [f"D{i % 6}" for i in range(30)]
    y = ["a", "b", "c"] * 10
    splits, _ = _folds(ids, y, 3, seed=1, groups=groups)
    for train, test in splits:
        assert {groups[i] for i in train}.isdisjoint({groups[i] for i in test})
    assert sorted(i for _, test in splits for i in test) == list(range(30))


def test_detection_leaves_out_passages_the_consensus_says_are_not_cases(coded_project):
    from duocode.precode.evaluate import evaluate_detection
    from duocode.store.cases import list_cases
    from duocode.store.codes import CodeRow, set_codes

    first = list_cases(coded_project, source="human")[0]
    with coded_project.transaction():
        set_codes(coded_project, [CodeRow(first.id, "is_case", "consensus", "no", reason="one coder only")])
    det = evaluate_detection(coded_project)
    assert det.n_human == 23


def test_human_baseline_with_three_coders_is_fleiss_kappa_and_labelled_so(coded_project, tmp_path):
    import openpyxl

    from duocode.agreement import agreement
    from duocode.store.codes import CodeRow, set_codes

    # a third coder agrees with ines everywhere except on C02's kind
    rows = []
    for i in range(24):
        cid = f"C{i + 1:02d}"
        kind = "greeting" if i % 2 == 0 else "advice"
        if cid == "C02":
            kind = "greeting"
        rows += [CodeRow(cid, "kind", "omar", kind), CodeRow(cid, "liked", "omar", "yes" if (i // 2) % 2 else "no"),
                 CodeRow(cid, "is_case", "omar", "yes")]
    with coded_project.transaction():
        set_codes(coded_project, rows)
    result = evaluate(coded_project, folds=4, seed=1)
    hk = result.variables["kind"].human_kappa
    assert hk["coders"] == ["ines", "jonas", "omar"] and hk["coefficient"] == "fleiss_kappa"
    records = [(f"C{i + 1:02d}", c, v) for i in range(24) for c, v in
               (("ines", "greeting" if i % 2 == 0 else "advice"),
                ("jonas", ("advice" if i % 2 == 0 else "greeting") if i in (3, 8) else
                 ("greeting" if i % 2 == 0 else "advice")),
                ("omar", "greeting" if i % 2 == 0 or i == 1 else "advice"))]
    expected = agreement(records).coefficients["fleiss_kappa"].value
    assert hk["value"] == pytest.approx(expected, abs=1e-4) and 0 < hk["value"] < 1
    assert "Fleiss' kappa for more" in tables(result)[0].caption
    out = tmp_path / "eval.xlsx"
    result.write_xlsx(out)
    about = [tuple(r) for r in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True)]
    assert ("kappa between humans, kind", "Fleiss' kappa") in about


def test_human_baseline_with_two_coders_is_cohens_kappa(coded_project):
    hk = evaluate(coded_project, folds=4, seed=1).variables["kind"].human_kappa
    assert hk["coefficient"] == "cohen_kappa" and hk["coders"] == ["ines", "jonas"]
