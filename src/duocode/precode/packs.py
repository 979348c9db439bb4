"""Cue packs: the pre-coder's cue families and their tuned weights, as data, opted into per codebook.

A pack is a YAML file under ``duocode/data/packs/`` (``personalization.yaml`` is the only one so far). A codebook
names the packs it wants with ``precode: {packs: [personalization]}``; a codebook that names none gets no pack
cue at all, only cues from its own keywords, examples and definitions (see :mod:`duocode.precode.lexicon`).

A pack file is data, never code: it is read with ``yaml.safe_load`` and its shape is checked against
:data:`PACK_SCHEMA` (and its rule names against :data:`duocode.precode.pipeline.RULES`) before anything uses
it; every problem names the file and the key. Each pack is read once per process.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from duocode.codebook import bundled_pack_names, bundled_packs_dir, key_name
from duocode.errors import InputError, Problem
from duocode.precode.pipeline import RULES

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

OWN_NAME_RULE = "own_name"   # not a matcher rule: features.py adds a hit where the informant's name is said

# The phrase families, in the order the lexicon adds them (each family's cues weigh ``weights[family]``).
PHRASE_FAMILIES = ("practice_strong", "practice_weak", "reaction", "mass", "positive", "negative", "neutral",
                   "indifferent")
WEIGHTS = (*PHRASE_FAMILIES, "dimension", "theme", "rule", "own_name", "detection_rule")

_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
_PHRASES = {"type": "array", "items": {"type": "string", "minLength": 1}}
PACK_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "weights", "detection_rules", *PHRASE_FAMILIES, "dimensions", "themes", "rule_themes"],
    "properties": {
        "name": _ID,
        "description": {"type": "string"},
        "weights": {"type": "object", "additionalProperties": False, "required": list(WEIGHTS),
                    "properties": {k: {"type": "number"} for k in WEIGHTS}},
        "detection_rules": {"type": "array", "items": _ID, "uniqueItems": True},
        **{family: _PHRASES for family in PHRASE_FAMILIES},
        "dimensions": {"type": "object", "propertyNames": _ID, "additionalProperties": _PHRASES},
        "themes": {"type": "object", "propertyNames": _ID, "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["themes", "phrases"],
            "properties": {"themes": {**_PHRASES, "minItems": 1}, "phrases": _PHRASES}}},
        "rule_themes": {"type": "object", "propertyNames": _ID, "additionalProperties": _PHRASES},
    },
}


@dataclass(frozen=True)
class CuePack:
    """One pack file, validated. Phrase lists keep the file's order (the lexicon's order depends on it)."""

    name: str
    path: str
    weights: dict[str, float]
    detection_rules: tuple[str, ...]          # token rules whose hits count as practice cues in detection
    phrases: dict[str, tuple[str, ...]]       # family (PHRASE_FAMILIES) -> phrases
    dimensions: dict[str, tuple[str, ...]]    # dimension family -> phrases
    themes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]   # family -> (theme words, phrases)
    rule_themes: dict[str, tuple[str, ...]]   # token rule -> stems a value's keywords must contain

    @property
    def rules(self) -> list[str]:
        """The matcher rules (of :data:`RULES`) this pack gives a meaning to, in RULES order."""
        used = set(self.detection_rules) | set(self.rule_themes)
        return [r for r in RULES if r in used]


_PACKS: dict[str, CuePack] = {}   # by resolved path: a pack file is read once per process


def load_pack(name: str) -> CuePack:
    """The bundled pack ``name`` (``duocode/data/packs/NAME.yaml``)."""
    path = bundled_packs_dir() / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"no cue pack named '{name}'", path=str(path),
                         expected="one of " + (", ".join(bundled_pack_names()) or "(none bundled)"))
    return load_pack_file(path)


def load_pack_file(path: str | Path) -> CuePack:
    """Read and validate one pack file (cached per process by its path)."""
    path = Path(path)
    key = str(path.resolve())
    found = _PACKS.get(key)
    if found is None:
        found = _PACKS[key] = _read_pack(path)
    return found


def codebook_packs(codebook: "Codebook") -> list[CuePack]:
    """The packs ``codebook`` opts into (``precode.packs``), in its order; none when it names none."""
    return [load_pack(name) for name in codebook.packs]


def _read_pack(path: Path) -> CuePack:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the cue pack: {exc.strerror or exc}", path=source) from None
    except UnicodeDecodeError:
        raise InputError("the cue pack is not UTF-8 text", path=source) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not a valid cue pack: {problem}", path=source, location=where,
                         expected="plain YAML data") from None
    if not isinstance(data, dict):
        raise InputError("not a valid cue pack: the file must be a YAML mapping", path=source,
                         expected="keys " + ", ".join(PACK_SCHEMA["required"]))
    problems = _schema_problems(data, source)
    if not problems:
        problems = _rule_problems(data, source)
        if data["name"] != path.stem:
            problems.append(Problem(f"name: '{data['name']}' is not the file's name", path=source,
                                    expected=f"'{path.stem}'"))
    if problems:
        raise InputError(problems=problems)
    return CuePack(
        name=data["name"], path=source, weights={k: float(data["weights"][k]) for k in WEIGHTS},
        detection_rules=tuple(data["detection_rules"]),
        phrases={family: tuple(data[family]) for family in PHRASE_FAMILIES},
        dimensions={k: tuple(v) for k, v in data["dimensions"].items()},
        themes={k: (tuple(v["themes"]), tuple(v["phrases"])) for k, v in data["themes"].items()},
        rule_themes={k: tuple(v) for k, v in data["rule_themes"].items()})


def _schema_problems(data: dict, source: str) -> list[Problem]:
    import jsonschema

    problems = []
    validator = jsonschema.Draft202012Validator(PACK_SCHEMA)
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(x) for x in e.absolute_path]):
        p = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict) \
                and "properties" in err.schema:
            allowed = set(err.schema["properties"])
            for key in err.instance:
                if key not in allowed:
                    problems.append(Problem(f"unknown key '{key}' in {key_name(p)}", path=source,
                                            expected="one of " + ", ".join(sorted(allowed))))
            continue
        message = err.message
        if isinstance(err.instance, bool):   # YAML 1.1 reads a bare yes/no/on/off as a boolean
            message += " (quote it: a bare yes, no, on or off is read as a boolean)"
        problems.append(Problem(f"{key_name(p)}: {message}", path=source))
    return problems


def _rule_problems(data: dict, source: str) -> list[Problem]:
    known = [*RULES, OWN_NAME_RULE]
    expected = "one of " + ", ".join(known)
    out = [Problem(f"detection_rules[{i}]: unknown token rule '{r}'", path=source, expected=expected)
           for i, r in enumerate(data["detection_rules"]) if r not in known]
    out += [Problem(f"rule_themes.{r}: unknown token rule '{r}'", path=source, expected=expected)
            for r in data["rule_themes"] if r not in known]
    return out
