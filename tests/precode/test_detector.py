"""The detector trained on a project's own cases (``precode detect --method auto|trained``)."""
from __future__ import annotations

import pytest

from tests.precode.conftest import SHOP, add_case, add_document

# In this study the cases are about a kiosk printing coupons: no word of it is among the shop codebook's
# keywords, so only a detector that learns from the coded documents can find them all.
CASES = ["The kiosk printed a coupon for my usual {item} when I scanned my card. I was pleased, to be honest.",
         "At the till the screen offered a coupon for {item} again, because I buy it every week. Handy, that.",
         "The kiosk printed a coupon for {item} straight after I tapped my card. Made my morning.",
         "My receipt came with a coupon for {item}, which I always get. I felt a bit watched, honestly.",
         "When I scanned the card the kiosk gave me a coupon for {item}. Nice little saving."]
FILLER = ["We took the bus into town because the car was in the garage.",
          "The weather was awful that week, rain every single day.",
          "My sister came over on Sunday and we cooked a big lunch.",
          "I work shifts at the depot, so my days are all over the place.",
          "The queue at the post office went round the corner."]
ITEMS = ["oat milk", "rye bread", "cat food", "green tea", "rice", "apples", "coffee", "eggs"]


def _interview(doc: int) -> tuple[str, list[str]]:
    lines, quotes = ["Interviewer: Tell me about your week and the shops you use."], []
    for k in range(7):
        quote = CASES[(doc + k) % len(CASES)].format(item=ITEMS[(doc * 7 + k) % len(ITEMS)])
        quote = quote.replace("usual", "usual" if k % 2 else "regular")
        lines.append(f"Mara: {FILLER[(doc + k) % len(FILLER)]} {quote} {FILLER[(doc + k + 2) % len(FILLER)]}")
        quotes.append(quote)
        lines.append("Interviewer: And then?")
        lines.append(f"Mara: {FILLER[(doc + k + 1) % len(FILLER)]} {FILLER[(doc + k + 3) % len(FILLER)]}")
        lines.append("Interviewer: Go on.")
    return "\n\n".join(lines) + "\n", quotes


@pytest.fixture
def coupon_project(tmp_path):
    """Four interviews; coders have marked the 7 cases of each of D1-D3 (21 cases), D4 is not read yet."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "coupon", load_codebook(SHOP))
    quotes = {}
    for d in range(1, 5):
        text, quotes[f"D{d}"] = _interview(d)
        add_document(project, f"D{d}", text)
    n = 0
    for d in ("D1", "D2", "D3"):
        for q in quotes[d]:
            n += 1
            add_case(project, f"C{n:02d}", d, q)
    project.quotes = quotes
    yield project
    project.close()


def _matched(cands, quotes, text):
    """How many of ``quotes`` a candidate covers (more than half of the quote inside the candidate)."""
    hits = 0
    for q in quotes:
        a = text.index(q)
        b = a + len(q)
        hits += any(min(b, c.end) - max(a, c.start) > 0.5 * (b - a) for c in cands)
    return hits


def test_trained_detector_finds_the_studys_own_kind_of_case_that_the_rules_miss(coupon_project):
    from duocode.precode.detect import detect
    from duocode.store.documents import document_text

    text = document_text(coupon_project, "D4")
    rules = detect(coupon_project, documents=["D4"], method="rules", dry_run=True)
    learned = detect(coupon_project, documents=["D4"], dry_run=True)
    # the rules catch only the odd one through generic cues ("my usual", "every week")
    assert rules.method == "rules" and _matched(rules.candidates, coupon_project.quotes["D4"], text) <= 2
    assert learned.method == "trained" and "21 cases" in learned.model
    assert _matched(learned.candidates, coupon_project.quotes["D4"], text) == 7
    # and it does not propose the small talk: every candidate holds a coupon sentence
    assert learned.candidates and all("coupon" in c.text for c in learned.candidates)
    assert all(c.explanation.startswith("trained detector") and "'coupon" in c.explanation
               for c in learned.candidates)


def test_trained_spans_start_and_end_on_sentence_boundaries_inside_informant_turns(coupon_project):
    from duocode.precode.detect import detect
    from duocode.store.documents import get_document

    doc = get_document(coupon_project, "D4")
    turns = [(t.start, t.end, t.speaker) for t in doc.turns]
    for c in detect(coupon_project, documents=["D4"], dry_run=True).candidates:
        (speaker,) = [s for a, b, s in turns if a <= c.start and c.end <= b]
        assert speaker == "Mara"
        assert doc.text[c.start] .isupper() and doc.text[c.end - 1] in ".!?"
        assert 0.0 < c.confidence <= 1.0


def test_auto_keeps_the_rules_until_there_are_enough_cases(coupon_project):
    from duocode.precode.detect import detect
    from duocode.store.cases import list_cases

    with coupon_project.transaction():
        coupon_project.conn.execute("DELETE FROM cases WHERE document_id IN ('D2', 'D3')")
    assert len(list_cases(coupon_project)) == 7       # one document's cases: below 8 cases in 2 documents
    res = detect(coupon_project, documents=["D4"], dry_run=True)
    assert res.method == "rules" and res.model.startswith("rules")


def test_auto_learns_from_the_first_two_coded_interviews(coupon_project):
    from duocode.precode.detect import detect
    from duocode.store.documents import document_text
    from duocode.store.cases import list_cases

    with coupon_project.transaction():
        coupon_project.conn.execute("DELETE FROM cases WHERE document_id = 'D3'")
    assert len(list_cases(coupon_project)) == 14      # 14 cases in 2 documents: enough to learn from
    res = detect(coupon_project, documents=["D4"], dry_run=True)
    assert res.method == "trained"
    assert _matched(res.candidates, coupon_project.quotes["D4"], document_text(coupon_project, "D4")) >= 4


def test_trained_without_enough_cases_is_refused_saying_how_many_are_needed(coupon_project, tmp_path):
    from click.testing import CliRunner

    from duocode.cli import main

    with coupon_project.transaction():
        coupon_project.conn.execute("DELETE FROM cases WHERE document_id IN ('D2', 'D3')")
    before = coupon_project.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    res = CliRunner().invoke(main, ["precode", "detect", "--method", "trained", "--project",
                                    str(coupon_project.directory)])
    assert res.exit_code == 1, res.output
    assert "7 in 1 documents" in res.output and "at least 8 cases" in res.output and "--method rules" in res.output
    assert "Traceback" not in res.output
    assert coupon_project.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == before


def test_a_probability_threshold_above_one_is_refused_for_the_trained_detector(coupon_project):
    from duocode.errors import InputError
    from duocode.precode.detect import detect

    with pytest.raises(InputError, match="outside 0..1"):
        detect(coupon_project, threshold=1.25, method="trained")


def test_passages_the_consensus_settled_as_not_cases_train_as_negatives(coupon_project):
    from duocode.precode.detector import case_spans_for_training
    from duocode.store.codes import CodeRow, set_codes

    with coupon_project.transaction():
        set_codes(coupon_project, [CodeRow("C01", "is_case", "consensus", "no")])
    spans = case_spans_for_training(coupon_project)
    assert sum(len(v) for v in spans.values()) == 20
    assert len(spans["D1"]) == 6


def test_label_rows_marks_sentences_more_than_half_inside_a_case():
    from duocode.precode.detector import SentenceRow, label_rows

    rows = [SentenceRow("D", 0, i, a, b, "", "", []) for i, (a, b) in enumerate([(0, 10), (10, 20), (20, 30)])]
    assert label_rows(rows, {"D": [(4, 25)]}) == [True, True, False]   # 5 of 10 characters is not more than half
    assert label_rows(rows, {"E": [(0, 30)]}) == [False, False, False]


def test_trained_detection_is_deterministic(coupon_project):
    from duocode.precode.detect import detect

    first = detect(coupon_project, documents=["D4"], dry_run=True).candidates
    again = detect(coupon_project, documents=["D4"], dry_run=True).candidates
    assert [(c.start, c.end, c.confidence) for c in first] == [(c.start, c.end, c.confidence) for c in again]


def test_evaluation_cross_validates_the_trained_detector_leaving_documents_out(coupon_project, monkeypatch):
    from duocode.precode import detector
    from duocode.precode.evaluate import evaluate_detection

    monkeypatch.setenv("DUOCODE_WORKERS", "1")   # the spies record in this process
    seen: list[set[str]] = []
    fit = detector.TrainedDetector.fit

    def spy(self, rows, labels, **kw):
        seen.append({r.document for r in rows})
        return fit(self, rows, labels, **kw)

    monkeypatch.setattr(detector.TrainedDetector, "fit", spy)
    scanned: list[set[str]] = []
    cands = detector.trained_candidates

    def spy_cands(model, rows, texts, **kw):
        scanned.append({r.document for r in rows})
        return cands(model, rows, texts, **kw)

    monkeypatch.setattr(detector, "trained_candidates", spy_cands)
    det = evaluate_detection(coupon_project)
    assert det.method == "trained" and det.folds == 3 and det.n_human == 21
    fits = seen
    assert len(fits) == 3 and all(len(f) == 2 for f in fits)
    # each fold scans only documents its detector was not trained on
    per_fold = len(scanned) // len(fits)
    for k, trained_on in enumerate(fits):
        for docs in scanned[k * per_fold:(k + 1) * per_fold]:
            assert docs and docs.isdisjoint(trained_on)
    default = [r for r in det.rows_of("trained") if r["threshold"] == det.threshold]
    assert default[0]["recall"] == det.recall and det.recall == 1.0
    assert {r["method"] for r in det.by_threshold} == {"rules", "trained"}


@pytest.fixture
def wall_to_wall(tmp_path):
    """Three interviews in which coders marked every informant turn, whole, as a case (21 cases), and a fourth
    not read yet: the detector has no sentence outside a case to learn from."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "wall", load_codebook(SHOP))
    n = 0
    for d in range(1, 5):
        quotes = [CASES[(d + k) % len(CASES)].format(item=ITEMS[(d * 7 + k) % len(ITEMS)]) for k in range(7)]
        add_document(project, f"D{d}", "\n\n".join(f"Interviewer: What happened next?\n\nMara: {q}" for q in quotes)
                     + "\n")
        for q in quotes if d < 4 else ():
            n += 1
            add_case(project, f"C{n:02d}", f"D{d}", q)
    yield project
    project.close()


def test_auto_falls_back_to_the_rules_with_a_warning_when_no_sentence_lies_outside_a_case(wall_to_wall):
    from duocode.precode.detect import detect

    res = detect(wall_to_wall, documents=["D4"], dry_run=True)
    assert res.method == "rules" and res.model.startswith("rules")
    assert any("no sentence outside a case" in w and "rules were used instead" in w for w in res.warnings)


def test_trained_with_no_sentence_outside_a_case_is_refused_and_changes_nothing(wall_to_wall):
    from click.testing import CliRunner

    from duocode.cli import main

    before = wall_to_wall.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    res = CliRunner().invoke(main, ["precode", "detect", "--method", "trained", "--project",
                                    str(wall_to_wall.directory)])
    assert res.exit_code == 1, res.output
    assert "cannot train the detector" in res.output and "--method rules" in res.output
    assert "Traceback" not in res.output
    assert wall_to_wall.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == before
