"""Valence and its dimensions: negation, the firm's quoted words, contrast and concession, and how the cold
start turns them (with the codebook's effects) into attribution suggestions."""
from pathlib import Path

import pytest

from duocode.precode.corpus import parse_turns

TMP = Path(__file__).resolve().parents[2] / "codebooks" / "tmp.yaml"


@pytest.fixture(scope="module")
def lexicon():
    from duocode.codebook import load_codebook
    from duocode.precode.lexicon import build_lexicon

    return build_lexicon(load_codebook(TMP))


def features(lexicon, answer: str):
    from duocode.precode.features import analyze_document, case_features
    from duocode.store.cases import Case
    from duocode.store.documents import Document

    text = f"Interviewer: Tell me more.\n\nAnna: {answer}\n"
    doc = Document("D1", text, "txt", turns=parse_turns(text))
    start = text.index(answer)
    return case_features(lexicon, analyze_document(lexicon, doc), Case("C1", "D1", start, start + len(answer),
                                                                       answer))


def test_negated_praise_is_not_read_as_positive(lexicon):
    f = features(lexicon, "The birthday card from the shop wasn't nice at all.")
    assert f.positive == 0.0
    assert 0.0 < f.negative < 1.0          # a shift toward negative, weaker than an outright complaint
    assert any("negated" in p for p in f.valence_evidence)


def test_praise_in_the_firms_quoted_words_is_not_the_informants(lexicon):
    f = features(lexicon, 'The letter said "We hope you enjoyed your lovely stay" and I felt watched.')
    assert f.positive == 0.0 and f.negative >= 1.0


def test_the_clause_after_but_outweighs_the_one_before(lexicon):
    f = features(lexicon, "The suggestions used to be good, but now they are useless.")
    assert f.negative > f.positive > 0.0
    assert any("before a 'but'" in p for p in f.valence_evidence)


def test_a_conceded_praise_counts_half(lexicon):
    f = features(lexicon, "They had no business putting it on a postcard, however friendly they meant it.")
    assert f.positive == pytest.approx(0.5)
    assert any("conceded" in p for p in f.valence_evidence)


def test_valence_is_paired_with_the_dimension_it_is_worded_about(lexicon):
    f = features(lexicon, "The form saved me an hour. But then they kept pushing their own brand, which is "
                          "pushy.")
    assert f.aspects.get(("value", "positive"), 0.0) > 0.0
    assert f.aspects.get(("benevolence", "negative"), 0.0) > 0.0
    assert f.aspects.get(("benevolence", "positive"), 0.0) == 0.0


def test_recognition_read_as_intrusion_suggests_negative_not_positive_benevolence(lexicon):
    from duocode.precode.model import ColdStart

    f = features(lexicon, "When I phoned, the agent knew my name and my address before I said a word. It felt "
                          "creepy, like being watched.")
    pred = ColdStart(lexicon).predict(f)
    assert pred["negative_benevolence"].value == "yes"
    assert pred["positive_benevolence"].value == "no"


def test_recognition_read_as_care_suggests_positive_benevolence(lexicon):
    from duocode.precode.model import ColdStart

    f = features(lexicon, "When I phoned, the agent knew my name and asked how my husband was. I felt really "
                          "looked after, like they care about us.")
    pred = ColdStart(lexicon).predict(f)
    assert pred["positive_benevolence"].value == "yes"
    assert pred["negative_benevolence"].value == "no"
    assert "benevolence" in pred["positive_benevolence"].explanation
