"""Valence and its dimensions: negation, the firm's quoted words, contrast and concession, and how the cold
start turns them (with the codebook's effects) into attribution suggestions."""
import pytest
from precode_helpers import answer_features as features


def test_negated_praise_is_not_read_as_positive(tmp_lexicon):
    f = features(tmp_lexicon, "The birthday card from the shop wasn't nice at all.")
    assert f.positive == 0.0
    assert 0.0 < f.negative < 1.0          # a shift toward negative, weaker than an outright complaint
    assert any("negated" in p for p in f.valence_evidence)


def test_praise_in_the_firms_quoted_words_is_not_the_informants(tmp_lexicon):
    f = features(tmp_lexicon, 'The letter said "We hope you enjoyed your lovely stay" and I felt watched.')
    assert f.positive == 0.0 and f.negative >= 1.0


def test_the_clause_after_but_outweighs_the_one_before(tmp_lexicon):
    f = features(tmp_lexicon, "The suggestions used to be good, but now they are useless.")
    assert f.negative > f.positive > 0.0
    assert any("before a 'but'" in p for p in f.valence_evidence)


def test_a_conceded_praise_counts_half(tmp_lexicon):
    f = features(tmp_lexicon, "They had no business putting it on a postcard, however friendly they meant it.")
    assert f.positive == pytest.approx(0.5)
    assert any("conceded" in p for p in f.valence_evidence)


def test_valence_is_paired_with_the_dimension_it_is_worded_about(tmp_lexicon):
    f = features(tmp_lexicon, "The form saved me an hour. But then they kept pushing their own brand, which is "
                              "pushy.")
    assert f.aspects.get(("value", "positive"), 0.0) > 0.0
    assert f.aspects.get(("benevolence", "negative"), 0.0) > 0.0
    assert f.aspects.get(("benevolence", "positive"), 0.0) == 0.0


def test_recognition_read_as_intrusion_suggests_negative_not_positive_benevolence(tmp_lexicon):
    from duocode.precode.model import ColdStart

    f = features(tmp_lexicon, "When I phoned, the agent knew my name and my address before I said a word. It felt "
                              "creepy, like being watched.")
    pred = ColdStart(tmp_lexicon).predict(f)
    assert pred["negative_benevolence"].value == "yes"
    assert pred["positive_benevolence"].value == "no"


def test_recognition_read_as_care_suggests_positive_benevolence(tmp_lexicon):
    from duocode.precode.model import ColdStart

    f = features(tmp_lexicon, "When I phoned, the agent knew my name and asked how my husband was. I felt really "
                              "looked after, like they care about us.")
    pred = ColdStart(tmp_lexicon).predict(f)
    assert pred["positive_benevolence"].value == "yes"
    assert pred["negative_benevolence"].value == "no"
    assert "benevolence" in pred["positive_benevolence"].explanation


def test_discourse_markers_and_other_senses_are_not_valence(tmp_lexicon):
    f = features(tmp_lexicon, "To be honest, we moved to a flat near the park last year and the bank app sent a "
                              "form.")
    assert f.positive == 0.0 and f.negative == 0.0
    # the same words meant as a verdict still count
    g = features(tmp_lexicon, "The clerk was honest with me about the fee, and I was moved by it.")
    assert g.positive > 0.0


def test_praise_in_single_quotes_is_the_firms_words_but_apostrophes_do_not_open_a_quote(tmp_lexicon):
    f = features(tmp_lexicon, "The banner said 'You'll love our new range, Anna!' and I thought it was pushy.")
    assert f.positive == 0.0 and f.negative >= 1.0
    g = features(tmp_lexicon, "The grocer's app didn't help much, but Anna's lovely assistant did.")
    assert g.positive >= 1.0


def test_a_shrug_lowers_every_attribution_row(tmp_lexicon):
    from duocode.precode.model import ColdStart

    text = "The gym sent a birthday email with my name on it. {}"
    plain = features(tmp_lexicon, text.format("I thought it was nice of them."))
    shrug = features(tmp_lexicon, text.format("I thought it was nice of them, but they say that to everyone, it "
                                              "didn't make any difference to me."))
    assert shrug.indifferent >= 1.0 and plain.indifferent == 0.0
    cold = ColdStart(tmp_lexicon)
    p, s = cold.predict(plain), cold.predict(shrug)
    assert s["positive_benevolence"].probabilities["yes"] < p["positive_benevolence"].probabilities["yes"]
    assert "shrugs it off" in s["positive_benevolence"].explanation


def test_a_profile_that_never_caught_up_reads_as_negative_performance(tmp_lexicon):
    from duocode.precode.model import ColdStart

    f = features(tmp_lexicon, "I stopped eating meat three years ago and told them so, and the shop still sends me "
                              "offers for sausages every week. It never noticed anything.")
    assert f.negative > f.positive
    assert f.aspects.get(("performance", "negative"), 0.0) > 0.0
    pred = ColdStart(tmp_lexicon).predict(f)
    assert pred["negative_performance"].value == "yes"
    assert pred["positive_performance"].value == "no"


@pytest.mark.parametrize("answer", [
    "I bought a woolly hat from them and they keep sending me hat offers.",           # "hate"
    "The dentist's form asked about every treatment I'd had and the app showed them.",  # "treat"
    "I work with spreadsheets all day, so the app showing my last order is just there.",  # "worked"
    "It was sold to me as a personalised plan based on my account.",                    # "selling"
])
def test_a_word_the_stemmer_folds_into_a_valence_cue_is_not_valence(tmp_lexicon, answer):
    f = features(tmp_lexicon, answer)
    assert f.positive == 0.0 and f.negative == 0.0, f.valence_evidence


def test_an_inflection_of_a_one_word_valence_cue_still_counts(tmp_lexicon):
    f = features(tmp_lexicon, "The size guide saved me a return, and it saves me time every order.")
    assert f.positive >= 2.0
    assert sum("'saved" in p or "'saves" in p for p in f.valence_evidence) == 2


def test_inflection_bases_follow_english_spelling():
    from duocode.precode.features import _bases

    assert "sell" in _bases("selling") and "stop" in _bases("stopped") and "save" in _bases("saved")
    assert "hat" not in _bases("hated") and "treat" not in _bases("treatment")
    assert _bases("worries") & _bases("worried")


def test_a_firm_doing_more_than_it_had_to_is_positive_benevolence(tmp_lexicon):
    from duocode.precode.model import ColdStart

    f = features(tmp_lexicon, "The bike shop rang to say my chain was due and I could come in whenever. She didn't "
                              "have to do that, honestly.")
    assert f.positive >= 1.0 and f.negative == 0.0      # the "n't" is part of the praise, not a negation of it
    assert f.aspects.get(("benevolence", "positive"), 0.0) > 0.0
    assert ColdStart(tmp_lexicon).predict(f)["positive_benevolence"].value == "yes"


def test_working_something_out_is_not_praise_but_it_working_out_is(tmp_lexicon):
    f = features(tmp_lexicon, "They'd worked out when my daughter's birthday was from an old order.")
    assert f.positive == 0.0, f.valence_evidence
    g = features(tmp_lexicon, "I was doubtful about the fitting, but in the end it worked out.")
    assert g.positive >= 1.0


def test_following_a_link_is_not_being_followed(tmp_lexicon):
    f = features(tmp_lexicon, "I followed the link in the e-mail and it showed my last three orders.")
    assert f.positive == 0.0 and f.negative == 0.0, f.valence_evidence
    g = features(tmp_lexicon, "The app knew which aisle I was in. It was like being followed round the shop.")
    assert g.negative >= 1.0
