"""Plain-text and Markdown transcripts: speaker turns and their offsets."""
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from duocode.ingest import parse_file
from duocode.ingest.text import find_turns

DATA = Path(__file__).parent / "data"


def _spans(doc):
    return [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]


def test_rev_style_padded_names_become_turns_with_wrapped_text():
    doc = parse_file(DATA / "rev_style.txt")
    assert doc.id == "rev_style" and doc.format == "txt" and doc.encoding == "utf-8"
    assert [t.speaker for t in doc.turns] == ["Recording", "Interviewer", "Lena Fischer", "Interviewer",
                                             "Lena Fischer", "Lena Fischer", "Interviewer"]
    lena = _spans(doc)[2][1]
    assert lena.startswith("Lena Fischer:       Sure. Mostly the bookshop")
    assert lena.endswith('on the front page.')


def test_colon_inside_a_wrapped_paragraph_is_not_a_speaker():
    doc = parse_file(DATA / "rev_style.txt")
    assert "I think. There was one thing" not in {t.speaker for t in doc.turns}


def test_stored_text_is_the_file_exactly():
    doc = parse_file(DATA / "rev_style.txt")
    assert doc.text == (DATA / "rev_style.txt").read_text(encoding="utf-8")


def test_turn_spans_exclude_trailing_blank_lines():
    doc = parse_file(DATA / "rev_style.txt")
    for turn in doc.turns:
        piece = doc.text[turn.start:turn.end]
        assert piece == piece.strip()


def test_otter_headers_give_speaker_and_media_start():
    doc = parse_file(DATA / "otter_style.txt")
    assert [(t.speaker, t.media_start) for t in doc.turns] == [
        ("Interviewer", 0.0), ("Sam Okafor", 7.0), ("Interviewer", 19.0), ("Sam Okafor", 3725.0)]
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == (
        "Sam Okafor  0:07\nThey knew my name before I said it. The agent said, hello Sam, I see you called last "
        "week about the router.")


def test_markdown_bold_labels_and_preamble_paragraphs():
    doc = parse_file(DATA / "plain_notes.md")
    assert doc.format == "md"
    assert _spans(doc) == [
        (None, "# Field notes, interview 3"),
        (None, "The informant arrived late and apologised twice."),
        ("Interviewer", "**Interviewer:** Did the app remember your order?"),
        ("Mira", "**Mira**: Yes, it suggested the same basket as last week.\nMost of it was right."),
    ]


def test_one_turn_per_line_without_blank_lines():
    text = "Interviewer: First question?\nAnna: Short answer.\nInterviewer: Thanks."
    assert [(t.speaker, text[t.start:t.end]) for t in find_turns(text)] == [
        ("Interviewer", "Interviewer: First question?"), ("Anna", "Anna: Short answer."),
        ("Interviewer", "Interviewer: Thanks.")]


def test_zoom_chat_lines_are_turns_with_times():
    text = "00:05:16\tRyan Moss:\tPlease stay muted\n00:11:15\tDr. Ina Holt:\tGreat point 👍🏻\n"
    turns = find_turns(text)
    assert [(t.speaker, t.media_start, text[t.start:t.end]) for t in turns] == [
        ("Ryan Moss", 316.0, "00:05:16\tRyan Moss:\tPlease stay muted"),
        ("Dr. Ina Holt", 675.0, "00:11:15\tDr. Ina Holt:\tGreat point 👍🏻")]


def test_text_without_labels_is_split_into_paragraph_turns():
    text = "  First paragraph,\nstill first.\n\n\nSecond one.  \n"
    assert [(t.speaker, text[t.start:t.end]) for t in find_turns(text)] == [
        (None, "First paragraph,\nstill first."), (None, "Second one.")]


def test_urls_and_times_are_not_speakers():
    text = "Interviewer: see https://example.org at 10:30 ok\n\nhttps://example.org/x: no\n\n10:30: no"
    assert [t.speaker for t in find_turns(text)] == ["Interviewer"]


def test_sentence_before_a_colon_is_not_a_speaker():
    text = "So what I wanted to say about it is this: nothing.\n\nAnna: Right."
    assert [t.speaker for t in find_turns(text)] == [None, "Anna"]


_names = st.sampled_from(["Interviewer", "Anna", "P05", "Dr. Ko", "Speaker 1", "admin-1", "Émilie Roux"])
_words = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters=":\ufeff"),
                 min_size=1, max_size=8)
_turn_texts = st.lists(_words, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_names, _turn_texts), min_size=1, max_size=12), st.sampled_from(["\n", "\n\n"]),
       st.sampled_from([": ", ":   ", ":\t"]))
def test_stored_offsets_slice_back_to_each_speaker_line(turns, separator, colon):
    # Every speaker is used at least twice or opens a paragraph, so every label must be found.
    text = separator.join(f"{name}{colon}{words}" for name, words in turns)
    found = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in found] == [
        (name, f"{name}{colon}{words}") for name, words in turns]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_names, _turn_texts), min_size=1, max_size=10), st.integers(30, 90))
def test_rev_style_padded_and_hard_wrapped_turns_slice_back_exactly(turns, width):
    import textwrap

    blocks = ["\n".join(textwrap.wrap(f"{name}:".ljust(16) + words, width, break_long_words=False))
              for name, words in turns]
    text = "\n\n".join(blocks) + "\n"
    found = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in found] == list(zip([n for n, _ in turns], blocks))
