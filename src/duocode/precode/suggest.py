"""``precode suggest``: a suggested value, confidence and explanation per case and categorical variable.

Suggestions are stored as codes of the reserved coder ``precoder``. They never count as a human coder, coder
workbooks leave them out unless ``--with-suggestions`` is asked for, and the project setting
``hide_suggestions`` (on by default) records that coders should not see them. Copying suggestions into a human
coder's codes happens only on request (:func:`adopt`) and is logged as ``accepted-from-precoder``.

Everything is computed before anything is written; the write is one transaction, so an interrupted run leaves
the previous suggestions as they were.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from duocode._util import no_progress, plural
from duocode.errors import InputError, ProblemCollector, RefusedError
from duocode.store import ADOPT_ACTION, ADOPT_SOURCE, PRECODER

if TYPE_CHECKING:  # pragma: no cover
    from duocode.precode.features import CaseFeatures
    from duocode.precode.labels import Labels
    from duocode.precode.lexicon import Lexicon
    from duocode.precode.model import VariableModel
    from duocode.store import Project


@dataclass(frozen=True)
class Suggestion:
    case_id: str
    variable: str
    value: str
    confidence: float
    explanation: str
    mode: str

    def to_dict(self) -> dict:
        return {"case_id": self.case_id, "variable": self.variable, "value": self.value,
                "confidence": self.confidence, "explanation": self.explanation}


@dataclass
class SuggestResult:
    suggestions: list[Suggestion]
    models: dict[str, str]                 # variable -> how it was suggested
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seed: int = 0
    n_cases: int = 0
    seconds: float = 0.0
    hidden_from_coders: bool = True

    def to_dict(self) -> dict:
        """The contract's JSON (``suggestions``), plus how each variable was suggested and any warnings."""
        return {"suggestions": [s.to_dict() for s in self.suggestions], "models": self.models,
                "warnings": self.warnings, "seed": self.seed}


def compute_suggestions(lexicon: "Lexicon", feats: dict[str, "CaseFeatures"], labels: "Labels", *, seed: int = 0,
                        variables: list[str] | None = None, min_train: int | None = None,
                        targets: set[str] | None = None, progress=None
                        ) -> tuple[list[Suggestion], dict[str, "VariableModel"]]:
    """Suggestions for the cases in ``feats`` (pure: reads and writes no project); ``targets``: only these
    case ids get suggestions (the others only train).

    Each categorical variable (or those in ``variables``) is trained on ``labels`` when it has enough of them,
    else cold-started from the codebook; variables that cannot be cold-started and have too few labels are
    skipped. A variable whose codebook ``applies_to`` condition does not hold for a case's other suggestions
    gets no suggestion there.
    """
    from duocode.codebook import matches
    from duocode.precode import model as m

    codebook = lexicon.codebook
    cold_start = m.ColdStart(lexicon)
    from duocode.workers import parallel_items, parallel_map

    every = sorted(feats)
    cold = dict(zip(every, parallel_items(lambda cid: cold_start.predict(feats[cid]), every, most=512)))
    ids = sorted(feats) if targets is None else sorted(c for c in feats if c in targets)
    chosen = [v for v in cold_start.variables if variables is None or v.id in variables]
    preds: dict[str, dict[str, m.Prediction]] = {cid: {} for cid in ids}
    models: dict[str, m.VariableModel] = {}
    kw = {"min_train": min_train} if min_train is not None else {}

    def fit_and_predict(var):
        """One variable's model and its predictions for ``ids`` (None: skipped)."""
        y = labels.cases(var.id)
        train = [cid for cid in sorted(y) if cid in feats]
        model = m.fit_variable(var, [feats[c] for c in train], [cold[c] for c in train], [y[c] for c in train],
                               seed=seed, label_source=labels.source_text(var.id, train), **kw)
        if model.mode == "cold start":
            if var.id not in lexicon.cold_variables:
                model.mode = "skipped"
                return model, None
            return model, [model.adjust_cold(cold[cid][var.id]) for cid in ids]
        return model, m.predict_trained(model, [feats[c] for c in ids], [cold[c] for c in ids])

    stage = f"fitting {plural(len(chosen), 'variable')}"
    report = progress or no_progress
    report(stage, 0, len(chosen))
    for var, (model, predicted) in zip(chosen, parallel_map(fit_and_predict, chosen,
                                                            done=lambda k: report(stage, k, len(chosen)))):
        models[var.id] = model
        for cid, p in zip(ids, predicted or ()):
            preds[cid][var.id] = p
    out: list[Suggestion] = []
    for cid in ids:
        codes = {v: p.value for v, p in preds[cid].items()}
        for var in chosen:
            p = preds[cid].get(var.id)
            if p is None:
                continue
            if var.applies_to and not matches(var.applies_to, codes, codebook):
                continue
            out.append(Suggestion(cid, var.id, p.value, round(p.confidence, 3), p.explanation, p.mode))
    return out, models


def _describe(model: "VariableModel") -> str:
    if model.mode == "skipped":
        return "skipped: no keywords or examples to cold-start from, and " + (model.reason or "too few codes")
    return model.describe()


def suggest(project: "Project", *, seed: int = 0, variables: list[str] | None = None,
            include_candidates: bool = False, dry_run: bool = False, progress=None) -> SuggestResult:
    """Suggest codes for every case and store them as coder ``precoder`` (one transaction).

    Parameters
    ----------
    seed : int
        Seeds the cross-validation folds of calibration; the same project and seed give the same suggestions.
    variables : list of str, optional
        Categorical variable ids to suggest (default: all).
    include_candidates : bool
        Also suggest for pre-coder candidates that have not been accepted yet.
    dry_run : bool
        Compute and report, store nothing.
    progress : callable, optional
        A :data:`duocode._util.Progress`: hears of every document read and every variable fitted.

    Raises
    ------
    InputError
        The project has no cases, or a variable id is unknown or not categorical.
    """
    from duocode.precode.features import features_for_cases
    from duocode.precode.labels import training_labels
    from duocode.precode.lexicon import build_lexicon
    from duocode.store import CodeRow, list_cases, set_codes, suggestion_rows

    t0 = time.perf_counter()
    codebook = project.codebook
    categorical = [v.id for v in codebook.variables if v.is_categorical]
    problems = ProblemCollector(InputError)
    for v in variables or []:
        if v not in codebook.variables_by_id:
            problems.add(f"unknown variable '{v}'", expected="one of " + ", ".join(categorical))
        elif v not in categorical:
            problems.add(f"variable '{v}' is {codebook.variable(v).level}; the pre-coder suggests categorical "
                         "variables only", expected="one of " + ", ".join(categorical))
    problems.raise_if_any()
    cases = list_cases(project, status="case")
    if include_candidates:
        cases += list_cases(project, status="candidate")
    if not cases:
        raise InputError("the project has no cases to suggest codes for", path=str(project.directory),
                         expected="cases from `duocode cases import`, or candidates accepted with "
                                  "`duocode precode accept`")
    lexicon = build_lexicon(codebook)
    feats = features_for_cases(lexicon, project, cases, progress=progress)
    labels = training_labels(project, categorical)
    from duocode.precode.detector import SEED_UNTIL
    from duocode.precode.seeds import with_seed

    train_feats, train_labels = with_seed(lexicon, feats, labels, SEED_UNTIL)
    suggestions, models = compute_suggestions(lexicon, train_feats, train_labels, seed=seed, variables=variables,
                                              targets=set(feats), progress=progress)
    result = SuggestResult(suggestions, {v: _describe(mdl) for v, mdl in models.items()}, list(lexicon.warnings),
                           seed=seed, n_cases=len(feats),
                           hidden_from_coders=bool(project.settings.get("hide_suggestions", True)))
    if not dry_run:
        made = {(s.case_id, s.variable) for s in suggestions}
        stale = [CodeRow(cid, var, PRECODER, None)
                 for cid, var, *_ in suggestion_rows(project, list(feats), list(models))
                 if (cid, var) not in made]
        rows = [CodeRow(s.case_id, s.variable, PRECODER, s.value, confidence=s.confidence,
                        explanation=s.explanation) for s in suggestions]
        with project.transaction():
            result.counts = set_codes(project, rows + stale, source_file=f"precode suggest (seed {seed})",
                                      action="suggest")
    result.seconds = time.perf_counter() - t0
    return result


# -- adopting suggestions into a human coder's codes -------------------------------------------------------------
@dataclass
class AdoptResult:
    coder: str
    adopted: int
    kept_own: int
    variables: list[str]

    def to_dict(self) -> dict:
        return {"coder": self.coder, "adopted": self.adopted, "kept_own": self.kept_own,
                "variables": self.variables}


def adopt(project: "Project", coder: str, *, variables: list[str] | None = None,
          cases: list[str] | None = None) -> AdoptResult:
    """Copy the pre-coder's suggestions into ``coder``'s codes where the coder has no code yet.

    Only on explicit request; every copied code is logged with action ``accepted-from-precoder``. A coder's own
    codes are never overwritten.

    Raises
    ------
    RefusedError
        ``coder`` is a reserved name (``precoder``, ``consensus``), has no codes of their own (only codes taken
        from the pre-coder, or none: a mistyped name would otherwise become a "human" coder of machine codes that
        ``agree`` counts), or there are no suggestions to adopt.
    InputError
        Unknown variables or case ids.
    """
    from duocode.store import (RESERVED_CODERS, CodeRow, case_ids as all_case_ids, coded_pairs, coders_with_own_codes,
                               set_codes, suggestion_rows)

    if coder in RESERVED_CODERS or not coder.strip():
        raise RefusedError(f"'{coder}' cannot adopt suggestions", expected="a human coder's name (not "
                           + " or ".join(RESERVED_CODERS) + ")")
    # A coder made only of machine codes would count as a human in `agree` (a typo in --coder would do it).
    existing = coders_with_own_codes(project)
    if coder not in existing:
        raise RefusedError(f"coder '{coder}' has no codes of their own, so suggestions cannot be adopted for them "
                           "(a pre-coder copy is not a human coder)",
                           expected="one of the coders with their own codes: " + (", ".join(existing) or
                                    "none yet; code some cases first (duocode sheet, code or codes import)"))
    codebook = project.codebook
    problems = ProblemCollector(InputError)
    for v in variables or []:
        if v not in codebook.variables_by_id:
            problems.add(f"unknown variable '{v}'", expected="one of " + ", ".join(codebook.variable_ids))
    known = all_case_ids(project, status="case")
    for c in cases or []:
        if c not in known:
            problems.add(f"no case '{c}'", location=f"case {c}")
    problems.raise_if_any()
    rows = suggestion_rows(project, cases, variables)
    rows = [r for r in rows if r[0] in known]
    if not rows:
        raise RefusedError("there are no pre-coder suggestions to adopt", expected="`duocode precode suggest` first")
    own = coded_pairs(project, coder)
    new = [CodeRow(cid, var, coder, value) for cid, var, value, *_ in rows if (cid, var) not in own]
    with project.transaction():
        project.ensure_coder(coder, "human")
        counts = set_codes(project, new, source_file=ADOPT_SOURCE, action=ADOPT_ACTION)
    return AdoptResult(coder, counts["added"] + counts["changed"], len(rows) - len(new),
                       sorted({r[1] for r in rows}))


# -- the setting that keeps suggestions away from coders -----------------------------------------------------------
@dataclass
class SettingResult:
    hide_suggestions: bool
    changed: bool
    embedding: str = "wordllama"

    def to_dict(self) -> dict:
        return {"hide_suggestions": self.hide_suggestions, "changed": self.changed, "embedding": self.embedding}


def set_hide_suggestions(project: "Project", hide: bool | None) -> SettingResult:
    """Set (or with ``None`` just report) the project setting ``hide_suggestions``; changes are logged."""
    return change_settings(project, hide=hide)


def change_settings(project: "Project", *, hide: bool | None = None, embedding: str | None = None
                    ) -> SettingResult:
    """Set (or with ``None`` leave, and report) the pre-coder's project settings ``hide_suggestions`` and
    ``embedding`` (the trained detector's embedding model, :mod:`duocode.precode.embed`; it must be installed
    to be chosen); changes are logged."""
    from duocode.precode.embed import DEFAULT, SETTING, check

    current = bool(project.settings.get("hide_suggestions", True))
    model = project.settings.get(SETTING) or DEFAULT
    new_hide = current if hide is None else hide
    new_model = model if embedding is None else check(embedding)
    if (new_hide, new_model) == (current, model):
        return SettingResult(current, False, model)
    with project.transaction():
        if new_hide != current:
            project.set_setting("hide_suggestions", new_hide)
        if new_model != model:
            project.set_setting(SETTING, new_model)
    return SettingResult(new_hide, True, new_model)
