"""Cue lexicons: what the pre-coder looks for, built from a codebook plus the cue packs it opts into.

From the codebook (cold start for suggestions), for every categorical variable and value:

* each **keyword** is a phrase cue of weight 1 (stemmed, so its everyday inflections match);
* each token **rule** of :data:`duocode.precode.pipeline.RULES` that a pack gives themes to counts for the values
  whose keywords share the rule's theme (the pack's ``rule_themes``: in the personalization pack the
  ``address`` rules count for values with a keyword about a *name*);
* the value's label, definition, inclusion notes, examples and keywords form a **prototype** (a bag of stems,
  names and stop words left out), compared with a case by tf-idf cosine similarity.

A categorical variable with no keywords and no examples in any value cannot be cold-started: it is listed in
:attr:`Lexicon.warnings` and skipped until humans have coded enough cases to train on.

For case detection, the codebook's own keywords for the case variable (``is_case: yes``), the type variable
and the typed effects are practice cues (every keyword, weakly, in a codebook without those roles); the
attribution and summary keywords are reaction cues; the attribution rows' and the summary's keywords are
valence and dimension cues.

Everything else comes from the **cue packs** the codebook names under ``precode: {packs: [...]}``
(:mod:`duocode.precode.packs`; data files under ``duocode/data/packs/``), and only from them: a codebook that
names no pack gets no pack cue. The ``personalization`` pack, written for personalization talk in general (being
recognised or addressed personally, remembered preferences or history, recommendations, tailored offers,
configurators and profiles, customised communications), adds ``practice`` cues (something was adapted to this
customer), ``reaction`` cues (how the informant took it; a case needs one), ``mass`` cues (the same thing sent
to everybody, which is not personalization), valence, neutral and indifferent wording, dimension and theme
families, the rule themes and the token rules that count as practice cues, each with its tuned weight.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from duocode.codebook import CASE_VARIABLE
from duocode.precode.packs import OWN_NAME_RULE, CuePack, codebook_packs
from duocode.precode.pipeline import RULES, CueMatcher, TextPipeline, stem

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

# What each token rule of :data:`duocode.precode.pipeline.RULES` (and ``own_name``) says, for explanations. The
# rules themselves are code (spaCy patterns); which of them count, and for what, is up to the cue packs.
RULE_LABELS = {
    "address_title": "addressed by title and surname",
    "address_greeting": "greeted by name",
    "made_for_me": "something made or picked for the customer",
    "they_knew": "the firm already knew about the customer",
    "from_history": "based on the customer's history",
    "own_name": "the informant's own name is said to them",
    "firm_to_me": "the firm doing something to or for the customer",
    "i_specified": "the customer specifying what they want",
}

# Value ids that mean "nothing of the kind" (the fallback value of a variable; their keywords are no reaction
# cues). Generic value naming, not a cue list: it holds for every codebook, with or without packs.
FALLBACK_VALUES = ("no", "unknown", "other", "none", "neutral", "equilibrium", "not_applicable", "na", "n/a")

# The detection family a pack's phrase family feeds (the rest feed the family of their own name).
_DETECTION_FAMILY = {"practice_strong": "practice", "practice_weak": "practice"}


@dataclass(frozen=True)
class Cue:
    """One thing a matcher key stands for: a value of a variable (``family`` keyword or rule) or a detection
    cue (``variable`` None, ``family`` practice, reaction or mass)."""

    variable: str | None
    value: str | None
    family: str
    phrase: str
    weight: float


@dataclass
class AuditStructure:
    """What the codebook's audit layout says about how variables hang together (all optional).

    ``attributions`` maps each attribution row variable to its dimension word (the part of its id shared with
    the other valence's row, e.g. ``benevolence``) and its valence (from the row group's label). For each
    effect value, ``effect_dims`` holds the dimensions its definition names (not negated: "not on
    benevolence" does not count) and ``effect_valence`` the valences it names ("Positive;").
    """

    type_variable: str | None = None
    effect_variable: str | None = None
    summary_variable: str | None = None
    attributions: dict[str, tuple[str, str]] = field(default_factory=dict)
    effect_dims: dict[str, set[str]] = field(default_factory=dict)
    effect_valence: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Lexicon:
    """Cues, prototypes and the matcher for one codebook."""

    codebook: "Codebook"
    pipeline: TextPipeline
    matcher: CueMatcher
    cues: dict[str, list[Cue]]
    prototypes: dict[str, dict[str, dict[str, float]]]   # variable -> value -> stem -> tf-idf weight
    idf: dict[str, float]
    max_idf: float
    cold_variables: list[str]                            # categorical variables that can be cold-started
    warnings: list[str] = field(default_factory=list)
    fallback: dict[str, str | None] = field(default_factory=dict)
    structure: AuditStructure = field(default_factory=AuditStructure)
    packs: tuple[str, ...] = ()                          # the cue packs it was built with (codebook's order)
    # document analyses made with this lexicon, by (document id, text): see features.analyze_document
    analyses: dict = field(default_factory=dict, repr=False, compare=False)

    def stem_vector(self, stems: list[str]) -> dict[str, float]:
        """tf-idf vector (log tf) of content stems, unit length."""
        counts = Counter(stems)
        vec = {s: (1.0 + math.log(n)) * self.idf.get(s, self.max_idf) for s, n in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {s: x / norm for s, x in vec.items()}

    def similarity(self, vector: dict[str, float], variable: str, value: str) -> float:
        proto = self.prototypes.get(variable, {}).get(value)
        if not proto:
            return 0.0
        return sum(x * proto.get(s, 0.0) for s, x in vector.items())


def is_content(token, *, skip_names: bool = True) -> bool:
    """A content word: no stop word, punctuation or number; with ``skip_names``, no capitalised word inside a
    sentence either (in transcripts those are mostly names of people and firms)."""
    if token.is_stop or token.is_punct or token.is_space or token.like_num or not token.is_alpha or len(token) < 3:
        return False
    return not (skip_names and token.is_title and not token.is_sent_start and token.text != "I")


def content_stems(doc_or_span, *, skip_names: bool = True) -> list[str]:
    """Stems of the content words (:func:`is_content`) of a processed doc or span."""
    return [t.lemma_ for t in doc_or_span if is_content(t, skip_names=skip_names)]


_LEXICONS: dict[str, Lexicon] = {}   # by codebook YAML: detect, suggest and evaluate in one process share one
_LEXICON_CACHE_SIZE = 4


def build_lexicon(codebook: "Codebook", pipeline: TextPipeline | None = None) -> Lexicon:
    """The cues, prototypes and matcher for ``codebook`` (uses the shared blank pipeline by default).

    With the default pipeline, a codebook loaded from YAML gets the same lexicon (and so the same cached
    document analyses) every time it is asked for in this process."""
    if pipeline is not None or not codebook.text:
        return _build_lexicon(codebook, pipeline)
    found = _LEXICONS.get(codebook.text)
    if found is None:
        if len(_LEXICONS) >= _LEXICON_CACHE_SIZE:
            _LEXICONS.pop(next(iter(_LEXICONS)))
        found = _LEXICONS[codebook.text] = _build_lexicon(codebook, None)
    return found


def _build_lexicon(codebook: "Codebook", pipeline: TextPipeline | None) -> Lexicon:
    pipeline = pipeline or TextPipeline()
    cues: dict[str, list[Cue]] = {}
    phrases: list[str] = []
    key_of = {}

    def key(phrase: str) -> str:
        if phrase not in key_of:
            key_of[phrase] = " ".join(pipeline.stems(phrase))
        return key_of[phrase]

    def add(phrase: str, cue: Cue) -> None:
        k = key(phrase)
        if not k:
            return
        phrases.append(phrase)
        lst = cues.setdefault(k, [])
        if cue not in lst:
            lst.append(cue)

    packs = codebook_packs(codebook)
    warnings: list[str] = []
    cold: list[str] = []
    fallback: dict[str, str | None] = {}
    value_keys: dict[tuple[str, str], set[str]] = {}
    for var in codebook.variables:
        if not var.is_categorical:
            continue
        has_text = any(v.keywords or v.examples for v in var.values)
        if not has_text:
            warnings.append(f"variable '{var.id}' has no keywords or examples in any value; it is skipped in cold "
                            "start (suggested only once humans have coded enough cases to train on)")
        else:
            cold.append(var.id)
        fallback[var.id] = next((v.id for v in var.values if v.id.casefold() in FALLBACK_VALUES), None)
        for val in var.values:
            for kw in val.keywords:
                add(kw, Cue(var.id, val.id, "keyword", kw, 1.0))
                value_keys.setdefault((var.id, val.id), set()).add(key(kw))

    # Rules count for the values whose keywords share their theme, among the variables that describe the
    # practice itself (case, type, effect; every variable in a codebook without that audit layout): "wrong
    # name" among the keywords of an attribution must not turn every greeting into evidence for it.
    practice_vars = _practice_variables(codebook)
    for pack in packs:
        for rule, themes in pack.rule_themes.items():
            for (var_id, val_id), keys in value_keys.items():
                if practice_vars is not None and var_id not in practice_vars:
                    continue
                if any(_has_theme(k, t) for k in keys for t in themes):
                    weight = pack.weights["own_name" if rule == OWN_NAME_RULE else "rule"]
                    cues.setdefault(f"rule:{rule}", []).append(Cue(var_id, val_id, "rule", rule, weight))

    for pack in packs:
        for family, (themes, family_phrases) in pack.themes.items():
            theme_keys = [" ".join(pipeline.stems(t)) for t in themes]
            for (var_id, val_id), keys in value_keys.items():
                if practice_vars is not None and var_id not in practice_vars:
                    continue
                if any(_has_theme(k, t) for k in keys for t in theme_keys):
                    for phrase in family_phrases:
                        add(phrase, Cue(var_id, val_id, "theme", family, pack.weights["theme"]))

    # Detection families: the packs' lists plus the codebook's case, type and typed-effect keywords.
    _add_pack_phrases(add, packs, ("practice_strong", "practice_weak", "reaction", "mass"))
    for phrase, weight in _codebook_practice_phrases(codebook):
        add(phrase, Cue(None, None, "practice", phrase, weight))
    for phrase in _codebook_reaction_phrases(codebook):
        add(phrase, Cue(None, None, "reaction", phrase, 0.5))
    _add_pack_phrases(add, packs, ("positive", "negative", "neutral", "indifferent"))
    for phrase, family in _codebook_valence_phrases(codebook):
        add(phrase, Cue(None, None, family, phrase, 1.0))
    structure = audit_structure(codebook, pipeline)
    for phrase, dim, weight in _dimension_phrases(codebook, structure, packs):
        add(phrase, Cue(None, None, f"dimension:{dim}", phrase, weight))
    for pack in packs:
        for rule in pack.detection_rules:
            cue = Cue(None, None, "practice", rule, pack.weights["detection_rule"])
            lst = cues.setdefault(f"rule:{rule}", [])
            if cue not in lst:
                lst.append(cue)

    # Only the token rules some pack gives a meaning to are matched (in RULES order).
    used = {r for pack in packs for r in pack.rules}
    matcher = CueMatcher(pipeline, dict.fromkeys(phrases), rules={r: p for r, p in RULES.items() if r in used})
    prototypes, idf = _prototypes(codebook, pipeline)
    max_idf = max(idf.values(), default=1.0)
    return Lexicon(codebook, pipeline, matcher, cues, prototypes, idf, max_idf, cold, warnings, fallback,
                   structure, tuple(pack.name for pack in packs))


def _add_pack_phrases(add, packs: list[CuePack], families: tuple[str, ...]) -> None:
    """The packs' phrase ``families`` as detection cues, family by family, pack by pack, in file order."""
    for family in families:
        for pack in packs:
            weight = pack.weights[family]
            for phrase in pack.phrases[family]:
                add(phrase, Cue(None, None, _DETECTION_FAMILY.get(family, family), phrase, weight))


def audit_structure(codebook: "Codebook", pipeline: TextPipeline) -> AuditStructure:
    """Read :class:`AuditStructure` off the codebook's ``audit`` section and effect definitions."""
    from duocode.precode.pipeline import _negated

    audit = codebook.audit or {}
    by_id = codebook.variables_by_id
    out = AuditStructure(*(audit.get(k) if audit.get(k) in by_id else None
                           for k in ("type_variable", "effect_variable", "summary_variable")))
    for group in audit.get("row_groups", []):
        valence = _valence_of_label(group.get("label", ""))
        if valence is None:
            continue
        for vid in group.get("rows", []):
            parts = [w for w in vid.split("_") if w not in ("positive", "negative", "pos", "neg")]
            if parts and vid in by_id:
                out.attributions[vid] = ("_".join(parts), valence)
    effect = by_id.get(out.effect_variable or "")
    if effect is not None and out.attributions:
        dims = {d for d, _ in out.attributions.values()}
        for val in effect.values:
            doc = pipeline(val.definition or "")
            found: set[str] = set()
            valences: set[str] = set()
            sent_start = {t.i: t.sent.start for t in doc}
            for t in doc:
                if _negated(doc, t.i, sent_start[t.i]):
                    continue
                for d in dims:
                    if t.lemma_ == stem(d.split("_")[0]):
                        found.add(d)
                if t.lower_ in ("positive", "negative"):
                    valences.add(t.lower_)
            out.effect_dims[val.id] = found
            out.effect_valence[val.id] = valences
    return out


def _practice_variables(codebook: "Codebook") -> set[str] | None:
    audit = codebook.audit or {}
    found = {v for v in (CASE_VARIABLE, audit.get("type_variable"), audit.get("effect_variable"))
             if v in codebook.variables_by_id}
    return found or None


def _has_theme(key: str, theme: str) -> bool:
    return f" {theme} " in f" {key} "


def _codebook_practice_phrases(codebook: "Codebook") -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    by_id = codebook.variables_by_id
    case_var = by_id.get(CASE_VARIABLE)
    if case_var is not None and "yes" in case_var.value_ids:
        out += [(kw, 1.0) for kw in case_var.value("yes").keywords]
    audit = codebook.audit or {}
    type_var = by_id.get(audit.get("type_variable", ""))
    if type_var is not None:
        out += [(kw, 1.0) for v in type_var.values for kw in v.keywords]
    effect_var = by_id.get(audit.get("effect_variable", ""))
    if effect_var is not None:
        out += [(kw, 0.5) for v in effect_var.values if v.types for kw in v.keywords]
    if not out:  # a codebook without the TMP roles: every keyword is a (weak) practice cue
        out = [(kw, 0.5) for var in codebook.variables for v in var.values for kw in v.keywords]
    return out


def _codebook_valence_phrases(codebook: "Codebook") -> list[tuple[str, str]]:
    """Keywords of the attribution rows' ``yes`` values and of the summary's lowest and highest values, as
    positive or negative valence cues (the row group's label says which)."""
    audit = codebook.audit or {}
    out: list[tuple[str, str]] = []
    for group in audit.get("row_groups", []):
        family = _valence_of_label(group.get("label", ""))
        if family is None:
            continue
        for vid in group.get("rows", []):
            var = codebook.variables_by_id.get(vid)
            if var is not None and "yes" in var.value_ids:
                out += [(kw, family) for kw in var.value("yes").keywords]
    summary = codebook.variables_by_id.get(audit.get("summary_variable", ""))
    if summary is not None and summary.level == "ordinal" and len(summary.values) >= 2:
        out += [(kw, "negative") for kw in summary.values[0].keywords]
        out += [(kw, "positive") for kw in summary.values[-1].keywords]
    return out


def _dimension_phrases(codebook: "Codebook", structure: AuditStructure,
                       packs: list[CuePack]) -> list[tuple[str, str, float]]:
    """Dimension cue phrases, the codebook dimension each speaks for and its weight: the packs' ``dimensions``
    families whose name is part of a dimension's id, and the keywords of every attribution row's ``yes`` value."""
    out: list[tuple[str, str, float]] = []
    dims = sorted({d for d, _ in structure.attributions.values()})
    for pack in packs:
        for family, phrases in pack.dimensions.items():
            for d in dims:
                if family in d.split("_"):
                    out += [(p, d, pack.weights["dimension"]) for p in phrases]
    for vid, (d, _valence) in structure.attributions.items():
        var = codebook.variables_by_id.get(vid)
        if var is not None and "yes" in var.value_ids:
            out += [(kw, d, 1.0) for kw in var.value("yes").keywords]
    return out


def _valence_of_label(label: str) -> str | None:
    low = label.casefold()
    if "positive" in low and "negative" not in low:
        return "positive"
    if "negative" in low and "positive" not in low:
        return "negative"
    return None


def _codebook_reaction_phrases(codebook: "Codebook") -> list[str]:
    audit = codebook.audit or {}
    rows = [r for g in audit.get("row_groups", []) for r in g.get("rows", [])]
    summary = audit.get("summary_variable")
    out = []
    for vid in rows + ([summary] if summary else []):
        var = codebook.variables_by_id.get(vid)
        if var is None:
            continue
        for v in var.values:
            if v.id.casefold() not in FALLBACK_VALUES:
                out += list(v.keywords)
    return out


def _prototypes(codebook: "Codebook", pipeline: TextPipeline):
    """Per variable and value, a tf-idf prototype over the value's own words; idf over all values' texts."""
    bags: dict[tuple[str, str], list[str]] = {}
    for var in codebook.variables:
        if not var.is_categorical:
            continue
        for val in var.values:
            parts = [val.label, val.definition, val.include, *val.examples, *val.keywords]
            stems: list[str] = []
            for part in parts:
                if part:
                    stems += content_stems(pipeline(part))
            bags[(var.id, val.id)] = stems
    n = len(bags) or 1
    df = Counter(s for stems in bags.values() for s in set(stems))
    idf = {s: math.log((1 + n) / (1 + d)) + 1.0 for s, d in df.items()}
    prototypes: dict[str, dict[str, dict[str, float]]] = {}
    for (var_id, val_id), stems in bags.items():
        counts = Counter(stems)
        vec = {s: (1.0 + math.log(c)) * idf[s] for s, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        prototypes.setdefault(var_id, {})[val_id] = {s: x / norm for s, x in vec.items()}
    return prototypes, idf
