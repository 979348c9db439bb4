"""Which kind of personalization a passage describes (``tmp_type`` from the codebook alone): what was adapted
and from what, not which words the firm's message happened to contain."""
from precode_helpers import answer_features


def suggested_type(lexicon, answer: str):
    from duocode.precode.model import ColdStart

    return ColdStart(lexicon).predict(answer_features(lexicon, answer), {"tmp_type"})["tmp_type"]


def test_the_informants_name_heading_a_stream_of_offers_is_continuity(tmp_lexicon):
    s = suggested_type(tmp_lexicon, "I bought one pair of walking boots from them, years ago. Ever since, every few "
                                    "months, an e-mail comes: 'Anna, time for new boots, we've noticed you love the "
                                    "hills.' I just delete them now.")
    assert s.value == "continuity"
    assert s.probabilities["continuity"] > s.probabilities["interaction"]


def test_a_member_of_staff_who_knows_before_being_told_is_interaction(tmp_lexicon):
    s = suggested_type(tmp_lexicon, "The woman on the phone had my booking up on the screen before I'd said a word, "
                                    "and she asked how my father was doing. That was kind of her.")
    assert s.value == "interaction"


def test_a_sign_up_that_asks_everything_is_transaction_outcome(tmp_lexicon):
    s = suggested_type(tmp_lexicon, "The sign-up went on forever. It asked everything: height, whether you smoke, "
                                    "dogs or cats. It was a slog, but the matches were better afterwards.")
    assert s.value == "transaction_outcome"


def test_again_is_not_history(tmp_lexicon):
    # "I rang again" says nothing about what the firm learned (on the development interviews it went with
    # continuity in 1 of 14 passages)
    stems = " ".join(tmp_lexicon.pipeline.stems("again"))
    assert all(c.family != "theme" for c in tmp_lexicon.cues.get(stems, []))


def test_a_yearly_reminder_of_what_was_sent_before_is_continuity(tmp_lexicon):
    # the informant's name and a birthday head the message, but what it carries is what the firm kept track of
    s = suggested_type(tmp_lexicon, "Every year, a week before my sister's birthday, a text comes: 'Anna, Jo's "
                                    "birthday is on Friday. Same lilies as you sent before?' They keep track of it "
                                    "for me, which is handy.")
    assert s.value == "continuity"
    assert "keep track" in s.explanation


def test_a_mixed_verdict_is_not_history(tmp_lexicon):
    # "So, mixed." is how the informant sums up, not a playlist "mix" learned from their history
    stems = " ".join(tmp_lexicon.pipeline.stems("mixed"))
    assert all(c.family != "theme" for c in tmp_lexicon.cues.get(stems, []))
