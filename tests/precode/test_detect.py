"""Case detection: scoring informant turns, spans on sentence boundaries, storing, accepting, rejecting."""
import pytest

from duocode.errors import InputError, RefusedError
from duocode.precode.detect import ACCEPT_ACTION, accept, detect, find_candidates, reject
from duocode.precode.features import analyze_document
from duocode.precode.lexicon import build_lexicon
from duocode.store.cases import list_cases
from duocode.store.documents import get_document

from tests.conftest import snapshot
from tests.precode.conftest import INTERVIEW, add_case, add_document


def _candidates(project, doc="D1", **kw):
    lexicon = build_lexicon(project.codebook)
    return find_candidates(lexicon, analyze_document(lexicon, get_document(project, doc)), **kw)


def test_detect_finds_the_personalization_answers_and_not_the_hypothetical_one(shop_project):
    texts = [c.text for c in _candidates(shop_project)]
    assert any("recommended a novel based on what I bought" in t for t in texts)
    assert any("knew my name" in t and "Welcome back" in t for t in texts)
    assert not any("bakery" in t for t in texts)


def test_candidate_spans_start_and_end_on_sentence_boundaries_inside_one_turn(shop_project):
    for c in _candidates(shop_project):
        assert c.text == INTERVIEW[c.start:c.end]
        assert c.text[0].isupper() and c.text.rstrip('"')[-1] in ".!?"
        assert "\n" not in c.text


def test_interviewer_turns_are_context_never_candidates(shop_project):
    doc = "Interviewer: The shop recommended a book based on what you bought, and knew your name?\n\n" \
          "Anna: Not that I remember.\n"
    add_document(shop_project, "D2", doc)
    assert _candidates(shop_project, "D2") == []


def test_adjacent_hit_sentences_merge_into_one_span(shop_project):
    doc = ("Anna: The shop recommended a novel to me. They also suggested a cookbook based on what I bought. "
           "I loved both.\n")
    add_document(shop_project, "D3", doc)
    (cand,) = _candidates(shop_project, "D3")
    assert cand.text == doc[len("Anna: "):].strip()


def test_detect_stores_candidates_with_source_confidence_and_explanation(shop_project):
    result = detect(shop_project)
    stored = list_cases(shop_project, status="candidate")
    assert [c.id for c in stored] == [c.id for c in result.candidates] and stored
    for c in stored:
        assert c.source == "precoder" and 0 < c.confidence < 1 and "practice cues" in c.explanation
    assert list_cases(shop_project, status="case") == []


def test_detect_twice_adds_nothing(shop_project):
    first = detect(shop_project)
    second = detect(shop_project)
    assert first.candidates and second.candidates == []
    assert second.skipped_existing == len(first.candidates)


def test_detect_dry_run_and_min_confidence_store_nothing_they_leave_out(shop_project):
    before = snapshot(shop_project)
    assert detect(shop_project, dry_run=True).candidates
    assert detect(shop_project, min_confidence=1.0).below_confidence > 0
    assert snapshot(shop_project) == before


def test_detect_refuses_unknown_document_unchanged(shop_project):
    before = snapshot(shop_project)
    with pytest.raises(InputError, match="unknown document 'NOPE'"):
        detect(shop_project, documents=["NOPE"])
    assert snapshot(shop_project) == before


def test_accept_one_candidate_makes_it_a_case_logged_as_accepted_from_precoder(shop_project):
    first = detect(shop_project).candidates[0]
    result = accept(shop_project, [first.id])
    assert result.changed == [first.id]
    (case,) = list_cases(shop_project, status="case")
    assert (case.id, case.source) == (first.id, "precoder")
    (event,) = shop_project.events(action=ACCEPT_ACTION)
    assert (event["entity_id"], event["old_value"], event["new_value"]) == (first.id, "candidate", "case")


def test_accept_all_above_confidence_leaves_the_rest_pending(shop_project):
    cands = detect(shop_project).candidates
    cut = sorted(c.confidence for c in cands)[-1]
    result = accept(shop_project, all_=True, min_confidence=cut)
    assert result.changed == [c.id for c in cands if c.confidence >= cut]
    assert len(list_cases(shop_project, status="candidate")) == len(cands) - len(result.changed)


def test_accept_refuses_a_candidate_overlapping_a_case_unchanged(shop_project):
    cand = detect(shop_project).candidates[0]
    add_case(shop_project, "H1", "D1", cand.text.split(". ")[0])
    before = snapshot(shop_project)
    with pytest.raises(RefusedError, match=f"candidate {cand.id} overlaps case H1"):
        accept(shop_project, [cand.id])
    assert snapshot(shop_project) == before


def test_accept_unknown_id_is_refused_naming_it(shop_project):
    detect(shop_project)
    with pytest.raises(InputError, match="case pc-D1-999: no such candidate"):
        accept(shop_project, ["pc-D1-999"])


def test_reject_keeps_candidates_as_rejected_and_detect_does_not_propose_them_again(shop_project):
    cands = detect(shop_project).candidates
    assert reject(shop_project, all_=True).changed == [c.id for c in cands]
    assert len(list_cases(shop_project, status="rejected")) == len(cands)
    assert detect(shop_project).candidates == []


def test_accept_or_reject_without_a_selection_is_an_error(shop_project):
    with pytest.raises(InputError, match="give case ids, --all, or a confidence bound"):
        reject(shop_project)


def test_a_document_without_speaker_turns_is_scanned_as_one_informant_text(shop_project):
    from duocode.store.documents import Document, insert_document

    text = "The shop recommended a novel based on what I bought. I loved it.\n"
    with shop_project.transaction():
        insert_document(shop_project, Document("D4", text, "txt"))
    (cand,) = _candidates(shop_project, "D4")
    assert cand.text == text.strip()


def test_the_speaker_asking_the_questions_is_taken_as_interviewer_when_unnamed(shop_project):
    from duocode.precode.features import segments_of

    doc = ("Maria: Did the shop recommend anything based on what you bought?\n\n"
           "Tom: Yes, it recommended a novel based on what I bought. I loved it.\n\n"
           "Maria: Did they know your name?\n\nTom: No.\n")
    add_document(shop_project, "D5", doc)
    segments = segments_of(get_document(shop_project, "D5"))
    assert [(s.speaker, s.interviewer) for s in segments] == [("Maria", True), ("Tom", False)] * 2
    (cand,) = _candidates(shop_project, "D5")
    assert cand.text.startswith("Yes, it recommended") and "answers the interviewer's question" in cand.explanation


def test_detect_on_a_project_without_documents_is_refused(mini_project):
    with pytest.raises(InputError, match="the project has no documents to scan"):
        detect(mini_project)


def test_a_rejected_candidate_named_explicitly_is_accepted_and_logged_from_rejected(shop_project):
    cands = detect(shop_project).candidates
    reject(shop_project, all_=True)
    result = accept(shop_project, [cands[0].id])
    assert result.changed == [cands[0].id]
    assert [c.id for c in list_cases(shop_project, status="case")] == [cands[0].id]
    (event,) = shop_project.events(action=ACCEPT_ACTION)
    assert (event["entity_id"], event["old_value"], event["new_value"]) == (cands[0].id, "rejected", "case")


def test_accept_all_never_picks_rejected_candidates(shop_project):
    cands = detect(shop_project).candidates
    assert len(cands) >= 2
    reject(shop_project, [cands[0].id])
    result = accept(shop_project, all_=True)
    assert cands[0].id not in result.changed
    assert [c.id for c in list_cases(shop_project, status="rejected")] == [cands[0].id]


def test_rejecting_an_already_rejected_candidate_names_the_id_once(shop_project):
    cand = detect(shop_project).candidates[0]
    reject(shop_project, [cand.id])
    with pytest.raises(InputError) as err:
        reject(shop_project, [cand.id])
    assert str(err.value).count(cand.id) == 1
    assert f"case {cand.id}: not a pending pre-coder candidate (already rejected)" in str(err.value)


def test_explanation_names_the_interviewers_question_by_the_codebook_title(tmp_path):
    import yaml

    from duocode.codebook import load_codebook
    from duocode.store import Project
    from tests.precode.conftest import SHOP

    data = yaml.safe_load(SHOP.read_text(encoding="utf-8"))
    data["title"] = "Bookshop service study"
    path = tmp_path / "bookshop.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    project = Project.create(tmp_path / "p", load_codebook(path))
    try:
        add_document(project, "D1", "Maria: Did the shop recommend anything based on what you bought?\n\n"
                                    "Tom: Yes, it recommended a novel based on what I bought. I loved it.\n")
        explanations = [c.explanation for c in _candidates(project)]
    finally:
        project.close()
    assert len(explanations) == 1
    assert "answers the interviewer's question about bookshop service study" in explanations[0]
    assert not any("personalization" in e for e in explanations)
