"""Codebooks are validated on load; every problem names the YAML line and key."""
from pathlib import Path

import pytest

from duocode.codebook import codebook_from_text, load_codebook
from duocode.errors import InputError

DATA = Path(__file__).parent / "data"
MINI = Path(__file__).parent.parent / "data" / "mini_codebook.yaml"


def messages(path):
    with pytest.raises(InputError) as info:
        load_codebook(path)
    return [str(p) for p in info.value.problems]


def test_mini_codebook_loads_with_levels_and_values():
    cb = load_codebook(MINI)
    assert cb.id == "mini" and cb.version == "0.1"
    assert cb.variable_ids == ["is_case", "kind", "good", "mood", "count"]
    assert cb.variable("mood").value_ids == ["low", "mid", "high"]
    assert cb.variable("count").level == "interval"


def test_yes_and_no_stay_strings_not_booleans():
    cb = codebook_from_text("id: x\ntitle: X\nvariables:\n  - id: a\n    label: A\n    definition: d\n"
                            "    level: nominal\n    values:\n      - {id: yes, label: Yes}\n"
                            "      - {id: no, label: No}\n")
    assert cb.variable("a").value_ids == ["yes", "no"]


@pytest.mark.parametrize("name, expected", [
    ("unknown_key.yaml", "unknown_key.yaml:line 8: unknown key 'colour' in variables[0]"),
    ("duplicate_value.yaml", "duplicate_value.yaml:line 11: duplicate value id 'Warm' in variable 'tone'"),
    ("bad_level.yaml", "bad_level.yaml:line 7: variables[0].level: 'categorical' is not allowed "
                       "(expected one of nominal, ordinal, interval)"),
    ("duplicate_variable.yaml", "duplicate_variable.yaml:line 9: duplicate variable id 'tone'"),
])
def test_bad_codebook_error_names_line_and_key(name, expected):
    msgs = messages(DATA / name)
    assert any(m.endswith(expected) or expected in m for m in msgs), msgs


def test_proposition_with_unknown_variable_and_value_lists_both():
    msgs = messages(DATA / "bad_proposition.yaml")
    assert any("line 13" in m and "unknown variable 'mood'" in m for m in msgs), msgs
    assert any("line 14" in m and "unknown value 'lukewarm' of 'tone'" in m for m in msgs), msgs


def test_python_tags_are_refused_never_executed():
    msgs = messages(DATA / "python_tag.yaml")
    assert msgs == [f"{DATA / 'python_tag.yaml'}:line 2: not valid YAML for a codebook: tag "
                    "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed (expected plain YAML data)"]


def test_duplicate_yaml_key_is_reported_with_line():
    with pytest.raises(InputError) as info:
        codebook_from_text("id: x\nid: y\ntitle: X\nvariables: []\n", "dup.yaml")
    assert str(info.value.problems[0]) == "dup.yaml:line 2: duplicate key 'id'"


def test_missing_file_is_an_input_error(tmp_path):
    assert messages(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: the file does not exist (expected an existing file)"]


def test_unknown_bundled_name_lists_bundled_codebooks():
    msgs = messages("no_such_codebook")
    assert "no codebook named 'no_such_codebook'" in msgs[0]


@pytest.mark.parametrize("raw, expected", [(" Alpha ", "alpha"), ("BETA", "beta"), ("", None), (None, None)])
def test_normalize_matches_value_ids_case_insensitively_after_trimming(raw, expected):
    assert load_codebook(MINI).variable("kind").normalize(raw) == expected


@pytest.mark.parametrize("raw, expected", [("3", "3"), (3.0, "3"), (" 4 ", "4"), ("0", "0")])
def test_normalize_interval_accepts_whole_numbers_in_any_spelling(raw, expected):
    assert load_codebook(MINI).variable("count").normalize(raw) == expected


@pytest.mark.parametrize("raw", ["-1", "2.5", "many", "nan"])
def test_normalize_interval_refuses_values_outside_the_definition(raw):
    with pytest.raises(ValueError):
        load_codebook(MINI).variable("count").normalize(raw)


def test_normalize_refuses_unknown_category():
    with pytest.raises(ValueError, match="'gamma' is not a value of kind"):
        load_codebook(MINI).variable("kind").normalize("gamma")


def test_aliases_are_refused_so_a_small_file_cannot_expand_to_gigabytes():
    assert messages(DATA / "laughs.yaml") == [
        f"{DATA / 'laughs.yaml'}:line 2: the anchor defined here is reused through an alias (*name); anchors and "
        "aliases are not allowed in a codebook: write the content out"]


def test_an_impossible_typed_scalar_is_an_error_with_its_line_not_a_traceback():
    msgs = messages(DATA / "bad_int.yaml")
    assert len(msgs) == 1 and msgs[0].startswith(f"{DATA / 'bad_int.yaml'}:line 3: not valid YAML for a codebook")


def test_deeply_nested_yaml_is_refused():
    with pytest.raises(InputError, match="nested too deeply"):
        codebook_from_text("id: x\ntitle: " + "[" * 5000 + "]" * 5000 + "\nvariables: []\n", "deep.yaml")


def test_one_run_reports_schema_and_duplicate_problems_together_in_line_order():
    msgs = messages(DATA / "many_problems.yaml")
    assert [m.split(":line ")[1].split(":")[0] for m in msgs] == ["8", "9", "10", "13"]
    assert "duplicate value id 'WARM'" in msgs[1] and "duplicate variable id 'tone'" in msgs[2]
