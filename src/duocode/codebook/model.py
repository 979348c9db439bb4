"""Codebook data classes, loading and validation.

Loading goes: YAML text -> Python data with line numbers (``yamlload``) -> JSON Schema (``schema``) ->
cross-reference checks (duplicate ids, rules naming unknown variables or values) -> :class:`Codebook`.
Every problem found is reported at once, each with the YAML line and key.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duocode.codebook import conditions
from duocode.codebook.yamlload import key_name, line_of, load_yaml_with_lines
from duocode.errors import InputError, Problem
from duocode.files import read_bytes

LEVELS = ("nominal", "ordinal", "interval")
CASE_VARIABLE = "is_case"  # the case-finding variable, derived by `cases merge` (contract)


@dataclass(frozen=True)
class Value:
    """One allowed value of a categorical variable."""

    id: str
    label: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variable:
    """A codebook variable: what coders code for each case."""

    id: str
    label: str
    definition: str
    level: str
    include: str = ""
    exclude: str = ""
    values: tuple[Value, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    applies_to: dict | None = None

    @property
    def is_categorical(self) -> bool:
        return self.level in ("nominal", "ordinal")

    @property
    def value_ids(self) -> list[str]:
        return [v.id for v in self.values]

    def value(self, value_id: str) -> Value:
        for v in self.values:
            if v.id == value_id:
                return v
        raise KeyError(value_id)

    def allowed_text(self) -> str:
        """What a coder may enter, for error messages."""
        if self.is_categorical:
            return "one of " + ", ".join(self.value_ids)
        kind = "a whole number" if self.integer else "a number"
        if self.min is not None and self.max is not None:
            return f"{kind} from {_fmt_number(self.min)} to {_fmt_number(self.max)}"
        if self.min is not None:
            return f"{kind} >= {_fmt_number(self.min)}"
        if self.max is not None:
            return f"{kind} <= {_fmt_number(self.max)}"
        return kind

    def normalize(self, raw: Any) -> str | None:
        """Canonical value id for a coder's entry, ``None`` for blank; raises ``ValueError`` if not allowed.

        Categorical entries match a value id (or label) case-insensitively after trimming. Interval entries are
        numbers (``3``, ``3.0`` and ``" 3 "`` all give ``"3"``) within the variable's bounds.
        """
        if raw is None:
            return None
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if isinstance(raw, bool):
            raw = "yes" if raw else "no"
        text = str(raw).strip()
        if text == "":
            return None
        if self.is_categorical:
            low = text.casefold()
            for v in self.values:
                if v.id.casefold() == low or v.label.casefold() == low:
                    return v.id
            raise ValueError(f"'{text}' is not a value of {self.id}")
        try:
            number = float(text.replace(",", ".")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"'{text}' is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"'{text}' is not a finite number")
        if self.integer and number != int(number):
            raise ValueError(f"'{text}' is not a whole number")
        if self.min is not None and number < self.min:
            raise ValueError(f"{text} is below the minimum {_fmt_number(self.min)}")
        if self.max is not None and number > self.max:
            raise ValueError(f"{text} is above the maximum {_fmt_number(self.max)}")
        return _fmt_number(number)


def _fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass
class Codebook:
    """A validated codebook. ``text`` is the exact YAML it was loaded from (stored in the project)."""

    id: str
    version: str
    title: str
    description: str
    variables: list[Variable]
    scores: dict[str, dict] = field(default_factory=dict)
    audit: dict | None = None
    propositions: list[dict] = field(default_factory=list)
    text: str = ""
    source: str = ""
    packs: tuple[str, ...] = ()   # the pre-coder's cue packs this codebook opts into (``precode.packs``)
    seed_corpus: str = ""         # the coded corpus the pre-coder learns from first (``precode.seed_corpus``)
    verdicts: dict = field(default_factory=dict)   # how verdicts weigh the evidence (``verdicts:``)

    def __post_init__(self) -> None:
        self.variables_by_id = {v.id: v for v in self.variables}

    @property
    def variable_ids(self) -> list[str]:
        return [v.id for v in self.variables]

    def variable(self, variable_id: str) -> Variable:
        try:
            return self.variables_by_id[variable_id]
        except KeyError:
            raise InputError(f"unknown variable '{variable_id}'",
                             expected="one of " + ", ".join(self.variable_ids)) from None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def categorical_variables(self) -> list[Variable]:
        return [v for v in self.variables if v.is_categorical]

    def to_dict(self) -> dict:
        """Plain data (for JSON output)."""
        def var(v: Variable) -> dict:
            d: dict[str, Any] = {"id": v.id, "label": v.label, "definition": v.definition, "level": v.level}
            for key in ("include", "exclude"):
                if getattr(v, key):
                    d[key] = getattr(v, key)
            if v.values:
                d["values"] = [{k: (list(x) if isinstance(x, tuple) else x) for k, x in vars(val).items() if x}
                               for val in v.values]
            for key in ("min", "max"):
                if getattr(v, key) is not None:
                    d[key] = getattr(v, key)
            if v.integer:
                d["integer"] = True
            return d
        out = {"id": self.id, "version": self.version, "title": self.title, "description": self.description,
               "variables": [var(v) for v in self.variables], "scores": self.scores, "audit": self.audit,
               "propositions": self.propositions}
        precode = {k: v for k, v in (("packs", list(self.packs)), ("seed_corpus", self.seed_corpus)) if v}
        if precode:
            out["precode"] = precode
        if self.verdicts:
            out["verdicts"] = self.verdicts
        return out


def bundled_codebooks_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "codebooks"


def bundled_codebook_names() -> list[str]:
    d = bundled_codebooks_dir()
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def bundled_packs_dir() -> Path:
    """Where the pre-coder's cue packs live (``duocode/data/packs/NAME.yaml``)."""
    return Path(__file__).resolve().parent.parent / "data" / "packs"


def bundled_pack_names() -> list[str]:
    """The cue packs a codebook may name under ``precode.packs``."""
    d = bundled_packs_dir()
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def resolve_codebook_path(name_or_path: str | Path) -> Path:
    """A bundled codebook name (``tmp``) or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
        return candidate
    bundled = bundled_codebooks_dir() / f"{name_or_path}.yaml"
    if bundled.is_file():
        return bundled
    raise InputError(f"no codebook named '{name_or_path}'", path=str(name_or_path),
                     expected="a bundled codebook (" + ", ".join(bundled_codebook_names()) + ") or a .yaml path")


def load_codebook(name_or_path: str | Path) -> Codebook:
    """Load and validate a codebook from a bundled name or a YAML path.

    Raises
    ------
    InputError
        With one problem per mistake, each naming the file, the YAML line and the key.
    """
    path = resolve_codebook_path(name_or_path)
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the codebook is not UTF-8 text", path=str(path)) from None
    return codebook_from_text(text, str(path))


def codebook_from_text(text: str, source: str = "<codebook>") -> Codebook:
    """Validate YAML ``text`` and build a :class:`Codebook` (``source`` names it in errors)."""
    data, lines = load_yaml_with_lines(text, source)
    # Duplicate ids are checked on the raw data too, so that one run reports them with the schema problems.
    problems = _schema_problems(data, lines, source) + _duplicate_problems(data, lines, source)
    if problems:
        problems.sort(key=lambda pr: int(pr.location.split()[-1]) if pr.location else 0)
        raise InputError(problems=problems)
    cb = _build(data, text, source)
    problems = _reference_problems(cb, data, lines, source)
    if problems:
        raise InputError(problems=problems)
    return cb


def _where(lines, p) -> str | None:
    ln = line_of(lines, p)
    return f"line {ln}" if ln else None


def _schema_problems(data, lines, source) -> list[Problem]:
    import jsonschema

    from duocode.codebook.schema import CODEBOOK

    validator = jsonschema.Draft202012Validator(CODEBOOK)
    problems: list[Problem] = []
    for err in sorted(validator.iter_errors(data), key=lambda e: (line_of(lines, tuple(e.absolute_path)) or 0)):
        p = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for key in err.instance:
                if key not in allowed:
                    problems.append(Problem(f"unknown key '{key}' in {key_name(p)}", path=source,
                                            location=_where(lines, p + (key,)),
                                            expected="one of " + ", ".join(sorted(allowed))))
            continue
        if err.validator == "required":
            problems.append(Problem(f"{key_name(p)}: {err.message}", path=source, location=_where(lines, p)))
            continue
        if err.validator == "enum":
            problems.append(Problem(f"{key_name(p)}: {err.instance!r} is not allowed", path=source,
                                    location=_where(lines, p),
                                    expected="one of " + ", ".join(map(str, err.validator_value))))
            continue
        problems.append(Problem(f"{key_name(p)}: {err.message}", path=source, location=_where(lines, p)))
    return problems


def _duplicate_problems(data, lines, source) -> list[Problem]:
    """Duplicate variable ids, and value ids repeated within a variable (case-insensitively)."""
    out: list[Problem] = []
    variables = data.get("variables") if isinstance(data, dict) else None
    if not isinstance(variables, list):
        return out
    seen: set[str] = set()
    for i, v in enumerate(variables):
        if not isinstance(v, dict):
            continue
        vid = v.get("id")
        if isinstance(vid, str):
            if vid in seen:
                out.append(Problem(f"duplicate variable id '{vid}'", path=source,
                                   location=_where(lines, ("variables", i, "id"))))
            seen.add(vid)
        values = v.get("values")
        if not isinstance(values, list):
            continue
        ids: set[str] = set()
        for j, val in enumerate(values):
            if isinstance(val, dict) and isinstance(val.get("id"), str):
                if val["id"].casefold() in ids:
                    out.append(Problem(f"duplicate value id '{val['id']}' in variable '{vid}'", path=source,
                                       location=_where(lines, ("variables", i, "values", j, "id"))))
                ids.add(val["id"].casefold())
    return out


def _tuple(x) -> tuple:
    return tuple(str(i) for i in (x or ()))


def _build(data: dict, text: str, source: str) -> Codebook:
    variables = []
    for v in data["variables"]:
        values = tuple(
            Value(id=str(val["id"]), label=val["label"], definition=val.get("definition", ""),
                  include=val.get("include", ""), exclude=val.get("exclude", ""),
                  examples=_tuple(val.get("examples")), keywords=_tuple(val.get("keywords")),
                  types=_tuple(val.get("types")))
            for val in v.get("values", []))
        variables.append(Variable(
            id=v["id"], label=v["label"], definition=v["definition"], level=v["level"],
            include=v.get("include", ""), exclude=v.get("exclude", ""), values=values, min=v.get("min"),
            max=v.get("max"), integer=bool(v.get("integer", False)), examples=_tuple(v.get("examples")),
            keywords=_tuple(v.get("keywords")), applies_to=v.get("applies_to")))
    return Codebook(id=data["id"], version=str(data.get("version", "1")), title=data["title"],
                    description=data.get("description", ""), variables=variables, scores=data.get("scores") or {},
                    audit=data.get("audit"), propositions=data.get("propositions") or [], text=text,
                    source=source, packs=_tuple((data.get("precode") or {}).get("packs")),
                    seed_corpus=(data.get("precode") or {}).get("seed_corpus") or "",
                    verdicts=data.get("verdicts") or {})


# Which keys of a proposition's ``verdicts:`` each rule's test uses.
_VERDICT_KEYS = {"supports/contradicts": ("alpha", "min_cases", "threshold", "mixed_band"),
                 "compare": ("alpha", "min_cases", "permutations", "seed", "combine"),
                 "from": ()}


def _reference_problems(cb: Codebook, data: dict, lines, source) -> list[Problem]:
    out: list[Problem] = []

    def add(p, message, expected=None):
        out.append(Problem(message, path=source, location=_where(lines, p), expected=expected))

    for i, v in enumerate(cb.variables):
        if v.is_categorical and not v.values:
            add(("variables", i), f"variable '{v.id}' is {v.level} and needs a list of values")
        if v.level == "interval" and v.values:
            add(("variables", i, "values"), f"variable '{v.id}' is interval and takes numbers, not a list of values")
        if v.min is not None and v.max is not None and v.min > v.max:
            add(("variables", i, "min"), f"variable '{v.id}': min is above max")
        if v.applies_to is not None:
            for p, msg, exp in conditions.check_condition(v.applies_to, cb, ("variables", i, "applies_to")):
                add(p, msg, exp)

    known_packs = bundled_pack_names()
    for k, name in enumerate(cb.packs):
        if name not in known_packs:
            add(("precode", "packs", k), f"precode.packs[{k}]: unknown cue pack '{name}'",
                "one of " + ", ".join(known_packs) if known_packs else "no pack (none is bundled)")

    audit = cb.audit
    type_var = None
    if audit:
        for key in ("type_variable", "effect_variable", "summary_variable"):
            vid = audit.get(key)
            if vid is not None and vid not in cb.variables_by_id:
                add(("audit", key), f"audit.{key} names unknown variable '{vid}'")
        for g, group in enumerate(audit.get("row_groups", [])):
            for r, vid in enumerate(group["rows"]):
                if vid not in cb.variables_by_id:
                    add(("audit", "row_groups", g, "rows", r), f"audit row names unknown variable '{vid}'")
        for m, vid in enumerate(audit.get("moderators", [])):
            if vid not in cb.variables_by_id:
                add(("audit", "moderators", m), f"audit moderator names unknown variable '{vid}'")
        type_var = cb.variables_by_id.get(audit.get("type_variable"))
        effect_var = cb.variables_by_id.get(audit.get("effect_variable"))
        if type_var is not None and effect_var is not None:
            for i, v in enumerate(cb.variables):
                if v is not effect_var:
                    continue
                for j, val in enumerate(v.values):
                    for t in val.types:
                        if t not in type_var.value_ids:
                            add(("variables", i, "values", j, "types"),
                                f"effect '{val.id}' names unknown type '{t}'",
                                "one of " + ", ".join(type_var.value_ids))

    for name, score in cb.scores.items():
        for side in ("plus", "minus"):
            for k, item in enumerate(score.get(side, [])):
                where = ("scores", name, side, k)
                if isinstance(item, str):
                    if item not in cb.variables_by_id:
                        add(where, f"score '{name}' names unknown variable '{item}'")
                    elif "yes" not in cb.variables_by_id[item].value_ids:
                        add(where, f"score '{name}': '{item}' has no value 'yes'; use a condition instead")
                else:
                    for p, msg, exp in conditions.check_condition(item, cb, where):
                        add(p, msg, exp)

    prop_ids: dict[str, int] = {}
    for i, prop in enumerate(cb.propositions):
        base = ("propositions", i)
        pid = prop["id"]
        if pid in prop_ids:
            add(base + ("id",), f"duplicate proposition id '{pid}'")
        prop_ids[pid] = i
        forms = [f for f in ("compare", "from") if f in prop]
        if "supports" in prop or "contradicts" in prop:
            forms.append("supports/contradicts")
        if len(forms) != 1:
            add(base, f"proposition '{pid}' needs exactly one rule: supports/contradicts, compare or from",
                f"one, found {len(forms)}")
        for key in ("cases", "supports", "contradicts"):
            if key in prop:
                for p, msg, exp in conditions.check_condition(prop[key], cb, base + (key,)):
                    add(p, f"proposition '{pid}': {msg}", exp)
        if "compare" in prop:
            cmp = prop["compare"]
            if cmp["score"] not in cb.scores:
                add(base + ("compare", "score"), f"proposition '{pid}' uses unknown score '{cmp['score']}'",
                    "one of " + ", ".join(cb.scores) if cb.scores else "a score declared under `scores`")
            for p, msg, exp in conditions.check_condition(cmp["higher"], cb, base + ("compare", "higher")):
                add(p, f"proposition '{pid}': {msg}", exp)
            lowers = cmp["lower"] if isinstance(cmp["lower"], list) else [cmp["lower"]]
            for k, low in enumerate(lowers):
                sub = base + ("compare", "lower") + ((k,) if isinstance(cmp["lower"], list) else ())
                for p, msg, exp in conditions.check_condition(low, cb, sub):
                    add(p, f"proposition '{pid}': {msg}", exp)
        if type_var is not None and "type" in prop and prop["type"] not in type_var.value_ids:
            add(base + ("type",), f"proposition '{pid}' names unknown type '{prop['type']}'",
                "one of " + ", ".join(type_var.value_ids))
        for m, vid in enumerate(prop.get("moderators", [])):
            if vid not in cb.variables_by_id:
                add(base + ("moderators", m), f"proposition '{pid}' names unknown moderator '{vid}'")
        if len(forms) == 1:
            # The overrides a rule's test can use (duocode.audit.verdicts judges with them).
            fits = _VERDICT_KEYS[forms[0]]
            for key in prop.get("verdicts") or {}:
                if key not in fits:
                    add(base + ("verdicts", key), f"proposition '{pid}': verdicts.{key} does not apply to a "
                        f"{forms[0]} rule", "one of " + ", ".join(fits) if fits else
                        "no verdicts overrides (a `from` rule combines its children's verdicts)")
    for i, prop in enumerate(cb.propositions):
        for k, child in enumerate(prop.get("from", [])):
            if child not in prop_ids:
                add(("propositions", i, "from", k), f"proposition '{prop['id']}' refers to unknown proposition "
                    f"'{child}'")
        parent = prop.get("parent")
        if parent is not None and parent not in prop_ids:
            add(("propositions", i, "parent"), f"proposition '{prop['id']}' names unknown parent '{parent}'")
    return out
