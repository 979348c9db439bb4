"""Cue packs: the pre-coder's general cues are data (duocode/data/packs/), and a codebook gets them only by
opting in with ``precode: {packs: [...]}``."""
import hashlib
from dataclasses import astuple, replace

import pytest

from duocode.codebook import load_codebook
from duocode.errors import InputError
from duocode.precode.lexicon import Cue, build_lexicon
from duocode.precode.packs import PHRASE_FAMILIES, load_pack, load_pack_file


GARDEN = """\
id: garden
title: Allotment gardening
variables:
  - id: is_case
    label: Gardening case
    definition: Whether the passage is about growing something.
    level: nominal
    values:
      - id: "yes"
        label: "Yes"
        definition: The informant talks about growing plants.
        keywords: [sowed, planted, harvest]
      - id: "no"
        label: "No"
        definition: Anything else.
  - id: crop
    label: Crop
    definition: What the informant grows.
    level: nominal
    values:
      - id: vegetables
        label: Vegetables
        definition: Beans, tomatoes, potatoes and the like.
        examples: ["We had more runner beans than we could eat."]
        keywords: [runner beans, tomatoes]
      - id: flowers
        label: Flowers
        definition: Roses, dahlias, sweet peas.
        keywords: [dahlias, sweet peas]
"""
PACK = load_pack("personalization")
DETECTION_FAMILY = {"practice_strong": "practice", "practice_weak": "practice"}


def garden(tmp_path, extra: str = "", name: str = "garden.yaml"):
    path = tmp_path / name
    path.write_text(GARDEN.replace("variables:\n", extra + "variables:\n", 1), encoding="utf-8")
    return path


def own_keywords(codebook) -> set[str]:
    return {kw for var in codebook.variables for val in var.values for kw in val.keywords}


def test_a_codebook_without_packs_gets_no_pack_cue(tmp_path):
    codebook = load_codebook(garden(tmp_path))
    lexicon = build_lexicon(codebook)
    assert codebook.packs == () and lexicon.packs == ()
    cues = [c for lst in lexicon.cues.values() for c in lst]
    assert cues, "the codebook's own keywords are still cues"
    assert {c.phrase for c in cues} <= own_keywords(codebook)
    assert {c.family for c in cues} <= {"keyword", "practice"}
    assert not any(k.startswith("rule:") for k in lexicon.cues)
    assert len(lexicon.matcher.rule_matcher) == 0
    for phrase in ("my name", "recommendation", "creepy", "everybody", "to be honest", "didn't feel anything"):
        assert " ".join(lexicon.pipeline.stems(phrase)) not in lexicon.cues, phrase


def test_opting_in_adds_the_pack_to_any_codebook(tmp_path):
    codebook = load_codebook(garden(tmp_path, "precode:\n  packs: [personalization]\n"))
    lexicon = build_lexicon(codebook)
    assert lexicon.packs == ("personalization",)
    creepy = " ".join(lexicon.pipeline.stems("creepy"))
    assert Cue(None, None, "reaction", "creepy", PACK.weights["reaction"]) in lexicon.cues[creepy]


def _detection_cues(lexicon) -> set[tuple[str, Cue]]:
    return {(k, c) for k, lst in lexicon.cues.items() for c in lst if c.variable is None}


def test_the_tmp_codebook_gets_exactly_the_packs_cues(tmp_lexicon):
    full = tmp_lexicon
    # the same codebook opting into no pack (no text: so build_lexicon builds it afresh)
    bare = build_lexicon(replace(full.codebook, packs=(), text=""))
    assert full.packs == ("personalization",) and bare.packs == ()

    key = full.pipeline.stems
    expected: set[tuple[str, Cue]] = set()
    for family in PHRASE_FAMILIES:
        for p in PACK.phrases[family]:
            if key(p):
                expected.add((" ".join(key(p)), Cue(None, None, DETECTION_FAMILY.get(family, family), p,
                                                     PACK.weights[family])))
    dims = {d for d, _ in full.structure.attributions.values()}
    assert dims == {"performance", "benevolence", "value"}
    for family, phrases in PACK.dimensions.items():
        expected |= {(" ".join(key(p)), Cue(None, None, f"dimension:{family}", p, PACK.weights["dimension"]))
                     for p in phrases if key(p)}
    expected |= {(f"rule:{r}", Cue(None, None, "practice", r, PACK.weights["detection_rule"]))
                 for r in PACK.detection_rules}
    # detection cues: the codebook's own, plus the pack's, and nothing else
    assert _detection_cues(full) == _detection_cues(bare) | expected
    assert not any(c.phrase not in own_keywords(bare.codebook) for _, c in _detection_cues(bare))
    # value cues: the pack adds only theme and rule cues, and the bare codebook has none of them
    def value_cues(lex):
        return {(k, c) for k, lst in lex.cues.items() for c in lst if c.variable is not None}
    added = value_cues(full) - value_cues(bare)
    assert value_cues(bare) <= value_cues(full)
    assert {c.family for _, c in added} == {"theme", "rule"}
    assert not any(c.family in ("theme", "rule") for _, c in value_cues(bare))
    assert {c.phrase for _, c in added if c.family == "theme"} == set(PACK.themes)
    assert {c.phrase for _, c in added if c.family == "rule"} <= set(PACK.rule_themes)


def test_the_tmp_lexicon_is_the_one_built_before_the_cues_became_a_pack(tmp_lexicon):
    # Every cue, weight and order of the TMP lexicon as lexicon.py built it while the cue lists were code (1,151
    # matcher keys, 2,547 cues). A change to the pack or to tmp.yaml's keywords changes it on purpose: then
    # re-pin the digest after checking the pre-coder's figures (benchmarks/evaluate_precode.py).
    cues = [(k, [astuple(c) for c in v]) for k, v in tmp_lexicon.cues.items()]
    keys = list(tmp_lexicon.matcher.keys.items())
    assert (len(cues), sum(len(v) for _, v in cues), len(keys)) == (1151, 2547, 1143)
    digest = hashlib.sha256(repr((cues, keys)).encode()).hexdigest()
    assert digest == "56177d41060b14c84d433e0925cce3890cb9892b80a9705f4f1e3c54015e436e"


def test_an_unknown_pack_is_refused_with_the_codebook_file_and_key(tmp_path):
    path = garden(tmp_path, "precode:\n  packs: [personalization, gardening]\n")
    with pytest.raises(InputError) as err:
        load_codebook(path)
    message = str(err.value)
    assert str(path) in message
    assert "precode.packs[1]: unknown cue pack 'gardening'" in message
    assert "line 4" in message and "(expected one of personalization)" in message


@pytest.mark.parametrize("extra, wanted", [
    ("precode: {packs: personalization}\n", "precode.packs: 'personalization' is not of type 'array'"),
    ("precode: {pack: [personalization]}\n", "unknown key 'pack' in precode"),
    ("precode: {packs: [personalization, personalization]}\n", "precode.packs: "),
])
def test_a_malformed_opt_in_is_refused_with_the_codebook_file_and_key(tmp_path, extra, wanted):
    path = garden(tmp_path, extra)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert str(path) in str(err.value) and wanted in str(err.value)


def _pack_text() -> str:
    from duocode.codebook import bundled_packs_dir

    return (bundled_packs_dir() / "personalization.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("change, wanted", [
    (lambda t: t.replace('"everybody", ', "no, ", 1), "mass[0]: False is not of type 'string' (quote it"),
    (lambda t: t.replace("  mass: -1.0", "  mass: heavy"), "weights.mass: 'heavy' is not of type 'number'"),
    (lambda t: t.replace("  theme: 0.5", "  # no theme weight"), "weights: 'theme' is a required property"),
    (lambda t: t.replace("from_history, own_name]", "from_history, own_nmae]"),
     "detection_rules[7]: unknown token rule 'own_nmae'"),
    (lambda t: t + "extra_cues: [a, b]\n", "unknown key 'extra_cues' in (top level)"),
    (lambda t: t.replace("\nmass: [", "\nmas: [", 1), "unknown key 'mas'"),
    (lambda t: t.replace("  history:\n    themes:", "  history:\n    words:", 1),
     "unknown key 'words' in themes.history"),
    (lambda t: "- just\n- a list\n", "the file must be a YAML mapping"),
    (lambda t: t.replace("\nmass: [", "\nmass: [[", 1), "not a valid cue pack"),
])
def test_a_malformed_pack_is_refused_with_the_pack_file_and_key(tmp_path, change, wanted):
    path = tmp_path / "personalization.yaml"
    path.write_text(change(_pack_text()), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_pack_file(path)
    assert str(path) in str(err.value)
    assert wanted in str(err.value)


def test_a_malformed_bundled_pack_stops_the_lexicon_and_names_the_file(tmp_path, monkeypatch):
    import duocode.precode.packs as packs

    (tmp_path / "personalization.yaml").write_text(_pack_text().replace("  mass: -1.0", "  mass: [1]"),
                                                   encoding="utf-8")
    monkeypatch.setattr(packs, "bundled_packs_dir", lambda: tmp_path)
    # (a text of its own: build_lexicon keeps the lexicon of a codebook text it has already seen)
    codebook = load_codebook(garden(tmp_path, "# the shed\nprecode:\n  packs: [personalization]\n", "shed.yaml"))
    with pytest.raises(InputError) as err:
        build_lexicon(codebook)
    assert f"{tmp_path / 'personalization.yaml'}: weights.mass: [1] is not of type 'number'" in str(err.value)


def test_a_pack_is_read_once_per_process():
    assert load_pack("personalization") is load_pack("personalization") is PACK


def test_the_bundled_pack_holds_the_cue_families():
    counts = {family: len(PACK.phrases[family]) for family in PHRASE_FAMILIES}
    assert counts == {"practice_strong": 108, "practice_weak": 106, "reaction": 112, "mass": 18, "positive": 173,
                      "negative": 255, "neutral": 31, "indifferent": 37}
    assert list(PACK.dimensions) == ["performance", "benevolence", "value"]
    assert list(PACK.themes) == ["recognition", "specification", "history"]
    assert PACK.weights["own_name"] == 0.5 and PACK.weights["mass"] == -1.0


@pytest.mark.parametrize("extra", [
    'precode: !!python/object/apply:os.system ["touch {marker}"]\n',
    'precode: {{packs: [!!python/object/apply:os.system ["touch {marker}"]]}}\n',
    'precode: {{packs: [!!python/name:os.system ]}}\n',
])
def test_the_codebook_file_never_executes_code(tmp_path, extra):
    marker = tmp_path / "ran"
    path = garden(tmp_path, extra.format(marker=marker))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert str(path) in str(err.value) and "is not allowed" in str(err.value)
    assert not marker.exists()


def test_a_pack_file_never_executes_code(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "personalization.yaml"
    path.write_text(_pack_text().replace("name: personalization",
                                         f'name: !!python/object/apply:os.system ["touch {marker}"]'),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_pack_file(path)
    assert str(path) in str(err.value) and "not a valid cue pack" in str(err.value)
    assert not marker.exists()
