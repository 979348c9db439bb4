"""The importers against real exports in ../shared/samples (read in place, never copied; skipped when absent)."""
import re
from collections import Counter

import pytest

from duocode.ingest import parse_file

FORMATS = "samples/transcript-formats"
REAL = "samples/real-interviews"


@pytest.fixture
def zoom_transcript(shared_dir):
    return parse_file(shared_dir / FORMATS / "zoom" / "GMT20240124-202901_Recording.transcript.vtt")


def test_zoom_transcript_speakers_include_a_titled_name(zoom_transcript):
    speakers = {t.speaker for t in zoom_transcript.turns}
    assert {"Srijani Ghosh", "Conor Healy", "Dr. Melissa Ko"} <= speakers


def test_zoom_transcript_cue_without_speaker_is_its_own_turn(zoom_transcript):
    unnamed = [t for t in zoom_transcript.turns if t.speaker is None]
    assert [(zoom_transcript.text[t.start:t.end], t.media_start, t.media_end) for t in unnamed] == [
        ("Hmm.", 307.3, 307.98)]


def test_zoom_transcript_keeps_every_cue_text(shared_dir, zoom_transcript):
    raw = (shared_dir / FORMATS / "zoom" / "GMT20240124-202901_Recording.transcript.vtt").read_text("utf-8")
    payloads = [line for line in raw.split("\n") if line and "-->" not in line and not line.isdigit()
                and line != "WEBVTT"]
    assert len(payloads) == 102
    for line in payloads:
        said = line.split(": ", 1)[1] if ": " in line else line
        assert said.strip() in zoom_transcript.text
    for turn in zoom_transcript.turns:
        piece = zoom_transcript.text[turn.start:turn.end]
        assert piece.startswith(f"{turn.speaker}: ") if turn.speaker else ":" not in piece[:3]


def test_zoom_closed_captions_with_crlf_have_no_speakers(shared_dir):
    doc = parse_file(shared_dir / FORMATS / "zoom" / "GMT20240124-202901_Recording.cc.vtt")
    assert "\r" not in doc.text
    assert len(doc.turns) == 100
    assert all(t.speaker is None for t in doc.turns)
    assert doc.text.split("\n")[0] == "This doesn't."
    assert (doc.turns[0].media_start, doc.turns[0].media_end) == (68.0, 69.0)


def test_teams_legacy_timestamps_with_voice_spans(shared_dir):
    doc = parse_file(shared_dir / FORMATS / "teams" / "teams_legacy_timestamps.vtt")
    assert [(t.speaker, doc.text[t.start:t.end], t.media_start, t.media_end) for t in doc.turns] == [
        ("Yuri Bakulin", "Yuri Bakulin: There you go.", 0.0, 0.57),
        ("Adrian Petrescu", "Adrian Petrescu: Why hello there, Yuri.", 0.21, 1.13)]


def test_zoom_chat_export_lines_are_turns(shared_dir):
    doc = parse_file(shared_dir / FORMATS / "zoom" / "GMT20240124-202901_RecordingnewChat.txt")
    assert len(doc.turns) == doc.text.strip().count("\n") + 1
    assert doc.turns[0].speaker == "Ryan Sloan" and doc.turns[0].media_start == 316.0
    assert "Dr. Melissa Ko" in {t.speaker for t in doc.turns}


def _padded_label_count(text):
    return len(re.findall(r"(?m)^[^\s:][^:\n]*:  ", text))


def test_rev_style_interview_turns(shared_dir):
    path = shared_dir / REAL / "qc-demo_admin-1_interview.txt"
    doc = parse_file(path)
    assert doc.text == path.read_text(encoding="utf-8")
    speakers = Counter(t.speaker for t in doc.turns)
    assert speakers == {"admin-1": 55, "Max Bigman": 30, "Automation": 1}
    assert len(doc.turns) == _padded_label_count(doc.text)
    for turn in doc.turns:
        assert doc.text[turn.start:turn.end].startswith(f"{turn.speaker}:")
    assert "[inaudible 00:05:15]" in doc.text


def test_meeting_with_numbered_speakers(shared_dir):
    doc = parse_file(shared_dir / REAL / "qc-demo_board_2017_meeting.txt")
    speakers = Counter(t.speaker for t in doc.turns)
    assert None not in speakers
    assert {"Speaker 1", "Speaker 2", "Alfeck"} <= set(speakers)
    assert len(doc.turns) == _padded_label_count(doc.text)
