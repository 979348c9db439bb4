"""JSON Schema of a codebook (see docs/CODEBOOK_FORMAT.md). Structure only; cross-references are checked in
``duocode.codebook.model`` after the schema passes."""
from __future__ import annotations

_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
_VALUE_ID = {"type": "string", "pattern": r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}
_TEXT = {"type": "string", "minLength": 1}
_TEXTS = {"type": "array", "items": _TEXT}

CONDITION = {"type": "object", "minProperties": 1}  # its keys are checked against the codebook in model.py

VALUE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label"],
    "properties": {
        "id": _VALUE_ID,
        "label": _TEXT,
        "definition": _TEXT,
        "include": _TEXT,
        "exclude": _TEXT,
        "examples": _TEXTS,
        "keywords": _TEXTS,
        "types": {"type": "array", "items": _VALUE_ID},
    },
}

VARIABLE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label", "definition", "level"],
    "properties": {
        "id": _ID,
        "label": _TEXT,
        "definition": _TEXT,
        "level": {"enum": ["nominal", "ordinal", "interval"]},
        "include": _TEXT,
        "exclude": _TEXT,
        "applies_to": CONDITION,
        "values": {"type": "array", "items": VALUE, "minItems": 1},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "integer": {"type": "boolean"},
        "examples": _TEXTS,
        "keywords": _TEXTS,
    },
}

SCORE_ITEM = {"anyOf": [_ID, CONDITION]}
SCORE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "label": _TEXT,
        "plus": {"type": "array", "items": SCORE_ITEM},
        "minus": {"type": "array", "items": SCORE_ITEM},
    },
}

AUDIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type_variable", "effect_variable", "row_groups"],
    "properties": {
        "type_variable": _ID,
        "effect_variable": _ID,
        "summary_variable": _ID,
        "row_groups": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["label", "rows"],
                "properties": {"label": _TEXT, "rows": {"type": "array", "items": _ID, "minItems": 1}},
            },
        },
        "moderators": {"type": "array", "items": _ID},
    },
}

# How verdicts weigh the evidence (docs/CODEBOOK_FORMAT.md, "Verdicts"); the defaults are in
# duocode/audit/verdicts.py and written out in the bundled codebooks.
_ALPHA = {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5}
_MIN_CASES = {"type": "integer", "minimum": 1}
_SHARE = {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1}
_BAND = {"type": "number", "minimum": 0.5, "maximum": 1}
_PERMUTATIONS = {"type": "integer", "minimum": 99, "maximum": 1000000}
_SEED = {"type": "integer", "minimum": 0}
_COMBINE = {"enum": ["largest_p", "holm"]}
VERDICTS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "alpha": _ALPHA,
        "min_cases": _MIN_CASES,
        "supports_contradicts": {
            "type": "object", "additionalProperties": False,
            "properties": {"test": {"enum": ["binomial"]}, "threshold": _SHARE, "mixed_band": _BAND},
        },
        "compare": {
            "type": "object", "additionalProperties": False,
            "properties": {"test": {"enum": ["permutation"]}, "permutations": _PERMUTATIONS, "seed": _SEED,
                           "combine": _COMBINE},
        },
        "from": {
            "type": "object", "additionalProperties": False,
            "properties": {"test": {"enum": ["combination"]}},
        },
    },
}
# A proposition's own overrides; which keys fit its rule is checked in model.py.
PROPOSITION_VERDICTS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"alpha": _ALPHA, "min_cases": _MIN_CASES, "threshold": _SHARE, "mixed_band": _BAND,
                   "permutations": _PERMUTATIONS, "seed": _SEED, "combine": _COMBINE},
}

PROPOSITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "statement"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]+$"},
        "parent": {"type": "string"},
        "type": _VALUE_ID,
        "label": _TEXT,
        "statement": _TEXT,
        "cases": CONDITION,
        "supports": CONDITION,
        "contradicts": CONDITION,
        "threshold": {"type": "number", "exclusiveMinimum": 0.5, "maximum": 1},
        "compare": {
            "type": "object",
            "additionalProperties": False,
            "required": ["score", "higher", "lower"],
            "properties": {
                "score": _ID,
                "higher": CONDITION,
                "lower": {"anyOf": [CONDITION, {"type": "array", "items": CONDITION, "minItems": 1}]},
            },
        },
        "from": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "moderators": {"type": "array", "items": _ID},
        "verdicts": PROPOSITION_VERDICTS,
    },
}

PRECODE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        # cue packs (duocode/data/packs/NAME.yaml) whose cues the pre-coder adds to the codebook's own
        "packs": {"type": "array", "items": _ID, "uniqueItems": True},
        # a coded corpus the pre-coder learns from before the project has cases (duocode/data/corpora/NAME
        # or a folder relative to the codebook file)
        "seed_corpus": {"type": "string", "pattern": r"^[A-Za-z0-9_./-]+$"},
    },
}

CODEBOOK = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "variables"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$"},
        "version": {"type": ["string", "number"]},
        "title": _TEXT,
        "description": _TEXT,
        "variables": {"type": "array", "items": VARIABLE, "minItems": 1},
        "scores": {"type": "object", "additionalProperties": SCORE, "propertyNames": _ID},
        "audit": AUDIT,
        "propositions": {"type": "array", "items": PROPOSITION},
        "precode": PRECODE,
        "verdicts": VERDICTS,
    },
}
