"""The text pipeline: stemming, matchers built after initialisation, negation and hypotheticals."""
import pytest

from duocode.precode.pipeline import CueMatcher, TextPipeline, blank_nlp, normalize_text, stem


@pytest.mark.parametrize("forms", [
    ("recommend", "recommended", "recommends", "recommendation", "recommendations", "recommending"),
    ("personalised", "personalized", "personalise", "personalisation"),
    ("customised", "customized", "customisation"),
    ("know", "knew", "known", "knows"),
    ("buy", "bought", "buys"),
    ("care", "cared", "caring"),
    ("colour", "color"),
])
def test_stem_folds_inflections_and_spellings_together(forms):
    assert len({stem(f) for f in forms}) == 1


def test_stem_keeps_function_words_apart():
    assert stem("here") != stem("her")
    assert stem("care") != stem("car")


def test_blank_pipeline_splits_sentences_without_any_model():
    nlp = blank_nlp()
    assert nlp.pipe_names == ["sentencizer"]
    assert [s.text for s in nlp("One thing. Another thing!").sents] == ["One thing.", "Another thing!"]


def test_phrase_matcher_built_after_initialize_fires_on_inflected_keyword():
    pipeline = TextPipeline()
    matcher = CueMatcher(pipeline, ["personalized recommendation"])
    hits = matcher(pipeline("They sent me personalised recommendations every week."))
    assert [(h.key, h.text) for h in hits if not h.key.startswith("rule:")] == [
        ("personaliz recommend", "personalised recommendations")]


def test_rule_matcher_fires_on_address_by_title_and_greeting():
    pipeline = TextPipeline()
    matcher = CueMatcher(pipeline, [])
    keys = {h.key for h in matcher(pipeline('She said, "Good morning Marta, and how is Mrs Albers?"'))}
    assert {"rule:address_greeting", "rule:address_title"} <= keys


@pytest.mark.parametrize("text, negated, hypothetical", [
    ("The shop recommended a book to me.", False, False),
    ("The shop never recommended anything.", True, False),
    ("The shop didn't really recommend it.", True, False),
    ("It would be nice if the shop recommended things.", False, True),
    ("I wish they recommended things.", False, True),
    ("If I log in, the shop recommended list appears.", False, False),
])
def test_hits_are_marked_negated_or_hypothetical(text, negated, hypothetical):
    pipeline = TextPipeline()
    matcher = CueMatcher(pipeline, ["recommend"])
    (hit,) = [h for h in matcher(pipeline(text)) if h.key == "recommend"]
    assert (hit.negated, hit.hypothetical) == (negated, hypothetical)


def test_offsets_index_the_original_text_with_curly_quotes():
    text = "I didn\u2019t expect it: \u201cWelcome back\u201d, they said."
    assert len(normalize_text(text)) == len(text)
    pipeline = TextPipeline()
    matcher = CueMatcher(pipeline, ["welcome back"])
    (hit,) = [h for h in matcher(pipeline(text)) if h.key == "welcom back"]
    assert text[hit.start_char:hit.end_char] == "Welcome back"
