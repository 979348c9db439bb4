"""WebVTT (Zoom, Teams, captions) and SRT: stored text, speakers, media times, malformed files."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duocode.errors import InputError
from duocode.ingest import parse_file
from duocode.ingest.srt import parse_srt_text
from duocode.ingest.vtt import normalize_timings, parse_vtt_text

DATA = Path(__file__).parent / "data"


def _spans(doc):
    return [(t.speaker, doc.text[t.start:t.end], t.media_start, t.media_end) for t in doc.turns]


def test_zoom_transcript_names_with_titles_merged_cues_and_a_cue_without_speaker():
    doc = parse_file(DATA / "zoom_transcript.vtt")
    assert doc.format == "vtt"
    assert _spans(doc) == [
        ("Ana Ruiz", "Ana Ruiz: Good morning, thanks for taking the time.", 1.02, 3.5),
        ("Dr. Tomas Berg", "Dr. Tomas Berg: Happy to. Where should I start? Maybe with the pharmacy app, since "
                           "that is fresh.", 3.9, 9.0),
        (None, "Mm-hm.", 9.2, 9.7),
        ("Ana Ruiz", "Ana Ruiz: Yes, please. What did the app do?", 10.0, 14.25),
        ("Dr. Tomas Berg", "Dr. Tomas Berg: It reminded me that my prescription runs out next week & offered a "
                           "refill.", 14.4, 20.0),
    ]


def test_stored_subtitle_text_is_one_line_per_turn():
    doc = parse_file(DATA / "zoom_transcript.vtt")
    assert doc.text.split("\n") == [doc.text[t.start:t.end] for t in doc.turns]


def test_zoom_captions_with_crlf_have_no_speakers_and_one_turn_per_cue():
    doc = parse_file(DATA / "zoom_cc_crlf.vtt")
    assert "\r" not in doc.text
    assert _spans(doc) == [
        (None, "Good morning, thanks for taking the time.", 1.0, 3.0),
        (None, "Happy to. Where should I start?", 3.0, 6.0),
        (None, "Well: maybe with the pharmacy app, since that is fresh.", 6.0, 9.0),
        (None, "Mm-hm.", 9.0, 10.0),
    ]


def test_teams_non_padded_timestamps_and_voice_spans():
    doc = parse_file(DATA / "teams_legacy.vtt")
    assert _spans(doc) == [
        ("Priya Nair", "Priya Nair: Can you hear me now?", 0.0, 1.84),
        ("Jonas Weber", "Jonas Weber: Yes, loud and clear. So, the loyalty card.", 1.21, 62.75),
    ]


def test_teams_timings_are_padded_before_parsing():
    text, times = normalize_timings("WEBVTT\n\n0:0:0.210 --> 0:0:1.13 line:0\n<v A>x</v>\n", "t.vtt")
    assert text.split("\n")[2] == "00:00:00.210 --> 00:00:01.130 line:0"
    assert times == [(0.21, 1.13)]


def test_several_voices_in_one_cue_become_separate_turns():
    text, turns = parse_vtt_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Yes.</v>\n<v.loud Ben>No!</v>\n",
                                 "x.vtt")
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [("Anna", "Anna: Yes."), ("Ben", "Ben: No!")]


def test_srt_speakers_tags_and_multiline_cues():
    doc = parse_file(DATA / "interview.srt")
    assert doc.format == "srt"
    assert _spans(doc) == [
        ("Interviewer", "Interviewer: Which streaming service do you use?", 0.5, 2.0),
        ("Kofi", "Kofi: Mostly one, for about four years. The recommendations are usually good. Except after my "
                 "nephew stayed with us.", 2.3, 8.0),
        ("Interviewer", "Interviewer: What changed then?", 8.1, 9.0),
    ]


def test_malformed_vtt_timing_names_its_line():
    with pytest.raises(InputError) as exc:
        parse_file(DATA / "bad" / "malformed.vtt")
    assert [str(p) for p in exc.value.problems] == [
        f"{DATA / 'bad' / 'malformed.vtt'}:line 6: malformed cue timing '00:00:02.000 --> later' "
        "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm)"]


def test_vtt_without_header_is_refused():
    with pytest.raises(InputError, match="missing the WEBVTT header"):
        parse_vtt_text("00:00:01.000 --> 00:00:02.000\nhello\n", "x.vtt")


def test_vtt_cue_ending_before_it_starts_is_refused():
    with pytest.raises(InputError, match="ends .* before it starts") as exc:
        parse_vtt_text("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhello\n", "x.vtt")
    assert exc.value.location == "line 3"


def test_vtt_without_cues_is_refused():
    with pytest.raises(InputError, match="no cues"):
        parse_vtt_text("WEBVTT\n\nNOTE nothing here\n", "x.vtt")


def test_malformed_srt_block_names_its_line():
    with pytest.raises(InputError) as exc:
        parse_file(DATA / "bad" / "malformed.srt")
    assert exc.value.location == "line 5"
    assert "not followed by a timing line" in exc.value.problems[0].message


def test_srt_of_plain_text_is_refused():
    with pytest.raises(InputError, match="not a valid SRT"):
        parse_srt_text("just some words\nno subtitles\n", "x.srt")


_names = st.sampled_from(["Anna", "Dr. Ben Ko", "Speaker 2", "Zoë"])
_word = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters=":<>&\ufeff"),
                min_size=1, max_size=8)
_cue_text = st.lists(_word, min_size=1, max_size=8).map(" ".join)


def _vtt(cues, voice):
    blocks = ["WEBVTT", ""]
    for i, (name, words) in enumerate(cues):
        payload = f"<v {name}>{words}</v>" if voice else f"{name}: {words}"
        blocks += [str(i + 1), f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900", payload, ""]
    return "\n".join(blocks)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_names, _cue_text), min_size=1, max_size=20), st.booleans())
def test_vtt_turn_offsets_slice_back_to_each_speaker_line(cues, voice):
    text, turns = parse_vtt_text(_vtt(cues, voice), "x.vtt")
    # Consecutive cues of one speaker merge into one turn.
    expected = []
    for name, words in cues:
        if expected and expected[-1][0] == name:
            expected[-1] = (name, expected[-1][1] + " " + words)
        else:
            expected.append((name, words))
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [(n, f"{n}: {w}") for n, w in expected]
    assert all(t.media_start is not None and t.media_end >= t.media_start for t in turns)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_names, _cue_text), min_size=1, max_size=20))
def test_srt_turn_offsets_slice_back_to_each_speaker_line(cues):
    blocks = [f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\n{name}: {words}\n" for i, (name, words)
              in enumerate(cues)]
    text, turns = parse_srt_text("\n".join(blocks), "x.srt")
    for turn in turns:
        assert text[turn.start:turn.end].startswith(f"{turn.speaker}: ")
    assert " ".join(text[t.start:t.end].split(": ", 1)[1] for t in turns) == " ".join(w for _, w in cues)
