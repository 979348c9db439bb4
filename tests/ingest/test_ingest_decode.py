"""Bytes to stored text: encodings, BOMs, line endings, and refusing binary or undecodable input."""
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from duocode.errors import InputError
from duocode.decode import decode_bytes, normalize_newlines, read_text

DATA = Path(__file__).parent / "data"
EXPECTED = ("Interviewer: Was the café's offer personalised?\n"
            "José: Yes — it knew I order the crème brûlée. 20 € off.\n")


@pytest.mark.parametrize("name, encoding", [("utf16_bom.txt", "utf-16"), ("utf8_bom.txt", "utf-8-sig"),
                                            ("cp1252.txt", "cp1252")])
def test_fixture_decodes_to_the_same_text_in_each_encoding(name, encoding):
    decoded = read_text(DATA / name)
    assert decoded.text == EXPECTED
    assert decoded.encoding == encoding


def test_crlf_and_lone_cr_become_lf():
    assert normalize_newlines("a\r\nb\rc\n\r\nd") == "a\nb\nc\n\nd"
    assert read_text(DATA / "lone_cr.txt").text == "Interviewer: First line.\nAnna: Second line.\n"


def test_utf16_big_endian_and_utf32_with_bom_decode():
    text = "Anna: grüß dich 🙂\n"
    assert decode_bytes(b"\xfe\xff" + text.encode("utf-16-be")).text == text
    assert decode_bytes(text.encode("utf-32")).text == text


def test_empty_file_is_refused():
    with pytest.raises(InputError, match="the file is empty"):
        read_text(DATA / "bad" / "empty.txt")


def test_whitespace_only_file_is_refused():
    with pytest.raises(InputError, match="only whitespace"):
        decode_bytes(b" \r\n\t\n", "blank.txt")


def test_binary_file_with_text_extension_is_refused():
    with pytest.raises(InputError, match="binary file") as exc:
        read_text(DATA / "bad" / "binary.txt")
    assert exc.value.path.endswith("binary.txt")


def test_many_control_bytes_without_nul_are_refused_as_binary():
    with pytest.raises(InputError, match="control bytes"):
        decode_bytes(bytes(range(1, 9)) * 20, "x.txt")


def test_utf16_without_bom_gets_a_hint():
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes("Anna: hello there\n".encode("utf-16-le"), "x.txt")


def test_undecodable_bytes_name_the_line():
    with pytest.raises(InputError) as exc:
        read_text(DATA / "bad" / "undecodable.txt")
    problem = exc.value.problems[0]
    assert problem.location == "line 2"
    assert "0x81" in problem.message and "no supported encoding" in problem.message


def test_missing_file_is_an_input_error():
    with pytest.raises(InputError, match="does not exist"):
        read_text(DATA / "nope.txt")


# Characters a text file may hold: no C0 controls other than tab/LF/CR, no NUL, no surrogates, no BOM char.
_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from(
    "\t\n\r")
_texts = st.text(_TEXT_CHARS, min_size=1, max_size=200).filter(lambda t: t.strip())


@settings(max_examples=150, deadline=None)
@given(_texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32"]))
def test_unicode_encodings_round_trip_to_the_normalised_text(text, encoding):
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text == normalize_newlines(text)
    assert "\r" not in decoded.text


_CP1252_CHARS = "abc XYZ\n\r\t.,;:'-éèàüößçñ€„“”–—…ŒœŠšŽžŸ"


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(_CP1252_CHARS), min_size=1, max_size=120))
def test_cp1252_text_round_trips_when_it_is_not_also_utf8(text):
    assume(text.strip())
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
        assume(data.isascii())  # cp1252 bytes that happen to be valid UTF-8 are read as UTF-8, by design
    except UnicodeDecodeError:
        pass
    assert decode_bytes(data, "x.txt").text == normalize_newlines(text)


@settings(max_examples=100, deadline=None)
@given(_texts)
def test_decoding_is_stable_when_the_stored_text_is_saved_and_read_again(text):
    once = decode_bytes(text.encode("utf-8"), "x.txt").text
    twice = decode_bytes(once.encode("utf-8"), "x.txt").text
    assert once == twice
