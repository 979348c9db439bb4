"""``precode evaluate``: the pre-coder measured against the human codes, by cross-validation.

Per categorical variable, over the cases with a label (consensus, else agreed human codes; see
:mod:`duocode.precode.labels`):

* k-fold cross-validation grouped by document (no interview on both sides of a fold; stratified when every class
  has at least k cases): in each fold the pre-coder is
  trained exactly as ``precode suggest`` would train it on the other folds (cold start when those hold fewer
  than :data:`~duocode.precode.model.MIN_TRAIN` labelled cases) and predicts the held-out fold;
* accuracy, macro-F1 and Cohen's kappa of the out-of-fold suggestions against the labels, per-class precision
  and recall, and the expected calibration error (ECE) of their confidences;
* next to it, Cohen's kappa between the two human coders (over the cases both coded), or Fleiss' kappa when
  three or more coders coded the variable, and the cold-start
  figures (the codebook alone, no training);
* a learning curve: the same cross-validation with the training folds cut down to 10, 20, 40 ... cases.

Case detection is measured against the human cases (source ``human``, less those the consensus coded
``is_case = no``) of the documents that have any, with
the overlap rule :data:`OVERLAP_RULE`, at the default threshold and a few others: the rules as they are, and,
when the project has enough cases to train the detector (:mod:`duocode.precode.detector`), the trained
detector by cross-validation leaving documents out (up to :data:`DETECTION_FOLDS` folds; each fold's
detector is trained on the other documents' cases and scans only its own documents). The headline figures
are those of the method ``precode detect`` would use.

Nothing is written to the project.

References
----------
.. [1] Naeini, M. P., Cooper, G., & Hauskrecht, M. (2015). Obtaining well calibrated probabilities using
       Bayesian binning. *AAAI 2015*, 2901-2907 (expected calibration error, equal-width bins).
.. [2] Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
       Measurement* 20(1), 37-46. doi:10.1177/001316446002000104
.. [3] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological Bulletin*
       76(5), 378-382. doi:10.1037/h0031619
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from duocode._util import no_progress, plural
from duocode.codebook import CASE_VARIABLE
from duocode.errors import InputError
from duocode.store import CONSENSUS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

OVERLAP_RULE = ("a human case is found when a candidate covers at least half of it; a candidate is correct when at "
                "least half of it lies on human cases")
ECE_BINS = 10
CURVE_SIZES = (10, 20, 40, 80, 160, 320)
DETECTION_THRESHOLDS = (1.0, 1.25, 1.5, 2.0)
TRAINED_THRESHOLDS = (0.2, 0.3, 0.4, 0.5)
DETECTION_FOLDS = 5


# -- metrics ----------------------------------------------------------------------------------------------------
def expected_calibration_error(confidences: list[float], correct: list[bool], bins: int = ECE_BINS) -> float | None:
    r"""Expected calibration error with equal-width confidence bins [1]_.

    .. math:: \mathrm{ECE} = \sum_{b=1}^{B} \frac{|S_b|}{n} \left| \mathrm{acc}(S_b) - \mathrm{conf}(S_b) \right|

    where :math:`S_b` are the predictions whose confidence falls in bin ``b`` (``[0, 1/B), ..., [1 - 1/B, 1]``),
    ``acc`` the share of them that are right and ``conf`` their mean confidence. 0 is perfectly calibrated.

    >>> expected_calibration_error([0.9, 0.9, 0.6, 0.6], [True, True, True, False])
    0.1
    >>> expected_calibration_error([], []) is None
    True
    """
    n = len(confidences)
    if n == 0:
        return None
    total = 0.0
    for b in range(bins):
        idx = [i for i, c in enumerate(confidences) if min(int(c * bins), bins - 1) == b]
        if idx:
            acc = sum(correct[i] for i in idx) / len(idx)
            conf = sum(confidences[i] for i in idx) / len(idx)
            total += len(idx) / n * abs(acc - conf)
    return round(total, 6)


def span_scores(candidates: list[tuple[str, int, int]], humans: list[tuple[str, int, int]]
                ) -> tuple[list[bool], list[bool]]:
    """Which human cases are found and which candidates are correct, under :data:`OVERLAP_RULE`.

    A human case is *found* when one candidate covers at least half of it; a candidate is *correct* when at
    least half of it lies on human cases (of its document, counted once where they overlap). Recall is the
    share of human cases found, precision the share of candidates correct, so a candidate longer than the
    passage it hits still counts when it is mostly that passage, and one candidate covering two adjacent
    cases finds both.

    >>> span_scores([("D", 0, 10), ("D", 50, 60)], [("D", 4, 12), ("D", 58, 100)])
    ([True, False], [True, False])
    """
    by_document: dict[str, list[tuple[int, int]]] = {}
    for doc, c, d in humans:
        by_document.setdefault(doc, []).append((c, d))
    candidates_in: dict[str, list[tuple[int, int]]] = {}
    for doc, a, b in candidates:
        candidates_in.setdefault(doc, []).append((a, b))
    found = [any(min(b, d) - max(a, c) >= 0.5 * (d - c) for a, b in candidates_in.get(doc, ()))
             for doc, c, d in humans]
    correct = []
    for doc, a, b in candidates:
        covered, reach = 0, a
        for c, d in sorted(by_document.get(doc, ())):
            lo, hi = max(c, reach), min(d, b)
            if hi > lo:
                covered += hi - lo
                reach = hi
        correct.append(b > a and covered >= 0.5 * (b - a))
    return found, correct


def _scores(y: list[str], pred: list[str], classes: list[str]) -> dict[str, Any]:
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_recall_fscore_support

    labels = [c for c in classes if c in set(y) | set(pred)]
    acc = sum(a == b for a, b in zip(y, pred)) / len(y)
    macro = f1_score(y, pred, labels=labels, average="macro", zero_division=0)
    kappa = None if len(set(y) | set(pred)) < 2 else float(cohen_kappa_score(y, pred))
    p, r, _f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per_class = {c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "support": int(s[i]),
                     "predicted": sum(1 for x in pred if x == c)} for i, c in enumerate(labels)}
    return {"accuracy": round(acc, 4), "macro_f1": round(float(macro), 4),
            "kappa": None if kappa is None else round(kappa, 4), "per_class": per_class}


HUMAN_KAPPA_NAMES = {"cohen_kappa": "Cohen's kappa", "fleiss_kappa": "Fleiss' kappa"}


def human_kappa(project: "Project", variable, labels) -> dict[str, Any]:
    """Agreement between the human coders on this variable: Cohen's kappa for two coders, Fleiss' kappa for
    three or more (``coefficient`` says which; ``value`` None with a ``reason`` when fewer than two coded it)."""
    records = [(case, coder, value) for case, per_var in labels.humans.items()
               for coder, value in per_var.get(variable.id, {}).items()]
    coders = sorted({r[1] for r in records})
    if len(coders) < 2:
        return {"value": None, "coders": coders, "coefficient": None,
                "reason": f"needs at least two coders ({len(coders)} coded it)"}
    from duocode.agreement import agreement

    name = "cohen_kappa" if len(coders) == 2 else "fleiss_kappa"
    kw = {"categories": variable.value_ids} if variable.level == "ordinal" else {}
    coef = agreement(records, level="nominal" if variable.level == "interval" else variable.level,
                     **kw).coefficients[name]
    out = {"value": None if coef.value is None else round(float(coef.value), 4), "coders": coders,
           "coefficient": name}
    if coef.value is None:
        out["reason"] = coef.reason
    return out


# -- result ----------------------------------------------------------------------------------------------------
@dataclass
class VariableEvaluation:
    variable: str
    n: int
    label_source: str
    mode: str
    folds: int
    stratified: bool
    accuracy: float
    macro_f1: float
    kappa: float | None
    ece: float | None
    human_kappa: dict[str, Any]
    cold_accuracy: float
    cold_macro_f1: float
    cold_kappa: float | None
    per_class: dict[str, dict[str, Any]]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DetectionEvaluation:
    n_human: int
    n_candidates: int
    n_matched: int
    recall: float | None
    precision: float | None
    threshold: float
    rule: str = OVERLAP_RULE
    documents: list[str] = field(default_factory=list)
    by_threshold: list[dict[str, Any]] = field(default_factory=list)   # rows of both methods, with "method"
    method: str = "rules"              # the method `precode detect` would use, which the headline figures are of
    folds: int | None = None           # documents-out folds of the trained detector's cross-validation
    embedding: str = "wordllama"       # the trained detector's embedding model (duocode.precode.embed)

    def rows_of(self, method: str) -> list[dict[str, Any]]:
        return [r for r in self.by_threshold if r["method"] == method]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EvaluationResult:
    folds: int
    seed: int
    variables: dict[str, VariableEvaluation]
    pooled: dict[str, Any]
    learning_curve: list[dict[str, Any]]
    detection: DetectionEvaluation | None
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"folds": self.folds, "seed": self.seed,
                "variables": {k: v.to_dict() for k, v in self.variables.items()}, "pooled": self.pooled,
                "learning_curve": self.learning_curve,
                "detection": None if self.detection is None else self.detection.to_dict(),
                "skipped": self.skipped, "warnings": self.warnings}

    # -- rendering --
    def summary_rows(self) -> list[list[Any]]:
        rows = []
        for v in self.variables.values():
            hk = v.human_kappa.get("value")
            rows.append([v.variable, v.n, v.mode, v.accuracy, v.macro_f1, v.kappa, hk, v.ece, v.cold_accuracy,
                         v.cold_macro_f1])
        return rows

    SUMMARY_HEADER = ["variable", "n", "model", "accuracy", "macro-F1", "kappa pre-coder vs labels",
                      "kappa between humans", "ECE", "cold-start accuracy", "cold-start macro-F1"]

    def write_xlsx(self, path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from duocode.xlsx import save_workbook, set_text

        wb = Workbook()
        ws = wb.active
        ws.title = "Summary"
        _rows(ws, self.SUMMARY_HEADER, self.summary_rows(), set_text)
        pc = wb.create_sheet("Per class")
        rows = [[v.variable, c, m["support"], m["predicted"], m["precision"], m["recall"]]
                for v in self.variables.values() for c, m in v.per_class.items()]
        _rows(pc, ["variable", "value", "support", "predicted", "precision", "recall"], rows, set_text)
        lc = wb.create_sheet("Learning curve")
        _rows(lc, ["training cases", "accuracy", "macro-F1", "variables", "mean training cases"],
              [[p["n_train"], p["accuracy"], p["macro_f1"], p["n_variables"], p.get("mean_n_train")]
               for p in self.learning_curve], set_text)
        dt = wb.create_sheet("Detection")
        if self.detection is not None:
            d = self.detection
            _rows(dt, ["method", "threshold", "default", "candidates", "matched", "human cases", "recall",
                       "precision"],
                  [[_detection_method(r["method"], d.folds), r["threshold"],
                    "yes" if r["method"] == d.method and r["threshold"] == d.threshold else "", r["n_candidates"],
                    r["n_matched"], d.n_human, r["recall"], r["precision"]] for r in d.by_threshold], set_text)
            set_text(dt.cell(row=len(d.by_threshold) + 3, column=1), f"Overlap rule: {d.rule}")
        about = wb.create_sheet("About")
        notes = [["folds", self.folds], ["seed", self.seed],
                 ["pooled accuracy", self.pooled.get("accuracy")], ["pooled ECE", self.pooled.get("ece")],
                 ["labels", "consensus codes, else codes on which every human coder agreed"],
                 ["ECE", f"expected calibration error, {ECE_BINS} equal-width bins"],
                 ["kappa between humans", "Cohen's kappa between the two human coders, or Fleiss' kappa for more"]]
        notes += [[f"kappa between humans, {v.variable}", HUMAN_KAPPA_NAMES[v.human_kappa["coefficient"]]]
                  for v in self.variables.values() if v.human_kappa.get("coefficient") == "fleiss_kappa"]
        notes += [[f"skipped {k}", v] for k, v in self.skipped.items()]
        notes += [["warning", w] for w in self.warnings]
        for i, (k, v) in enumerate(notes, start=1):
            set_text(about.cell(row=i, column=1), k)
            set_text(about.cell(row=i, column=2), v)
        for sheet in wb.worksheets:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        save_workbook(wb, path)


def _rows(ws, header, rows, set_text) -> None:
    for j, h in enumerate(header, start=1):
        set_text(ws.cell(row=1, column=j), h)
    for i, row in enumerate(rows, start=2):
        for j, x in enumerate(row, start=1):
            set_text(ws.cell(row=i, column=j), x)


# -- the stage ---------------------------------------------------------------------------------------------------
def evaluate(project: "Project", *, folds: int = 5, seed: int = 0, variables: list[str] | None = None,
             learning_curve: bool = True, detection: bool = True, progress=None,
             embedding: str | None = None) -> EvaluationResult:
    """Cross-validate the pre-coder against the human codes (and detection against human cases);
    ``progress`` (a :data:`duocode._util.Progress`) hears of every document read and every variable and
    detection fold done; ``embedding``: the trained detector's embedding model (default: the project's
    setting, else wordllama).

    Raises
    ------
    InputError
        ``folds`` below 2, unknown variables, or no variable with at least ``folds`` labelled cases (the message
        says how many are needed and how many there are), or an embedding model that is not installed.
    """
    from duocode.precode.embed import chosen
    from duocode.precode.features import features_for_cases
    from duocode.precode.labels import training_labels
    from duocode.precode.lexicon import build_lexicon
    from duocode.precode.model import ColdStart
    from duocode.store import list_cases

    if folds < 2:
        raise InputError(f"--folds {folds} is too small", expected="at least 2")
    if detection:
        embedding = chosen(project, embedding)
    codebook = project.codebook
    categorical = [v for v in codebook.variables if v.is_categorical]
    if variables:
        unknown = [v for v in variables if v not in {c.id for c in categorical}]
        if unknown:
            raise InputError(f"unknown or non-categorical variable(s): {', '.join(unknown)}",
                             expected="one of " + ", ".join(c.id for c in categorical))
        categorical = [v for v in categorical if v.id in variables]
    labels = training_labels(project, [v.id for v in categorical])
    counts = {v.id: len(labels.cases(v.id)) for v in categorical}
    ready = [v for v in categorical if counts[v.id] >= folds]
    if not ready:
        most = max(counts.values(), default=0)
        raise InputError(f"too few coded cases for {folds}-fold cross-validation: each fold needs at least one "
                         f"case, so a variable needs at least {folds} cases with consensus or agreed codes; the "
                         f"most any variable has is {most}",
                         expected=f"at least {folds} coded cases (code more cases, or use --folds "
                                  f"{max(2, most)} or lower)" if most >= 2 else f"at least {folds} coded cases")
    skipped = {v.id: f"{counts[v.id]} coded cases, {folds}-fold cross-validation needs at least {folds}"
               for v in categorical if v not in ready}
    lexicon = build_lexicon(codebook)
    cases = list_cases(project, status="case")
    labelled_ids = {cid for v in ready for cid in labels.cases(v.id)}
    document_of = {c.id: c.document for c in cases}
    feats = features_for_cases(lexicon, project, [c for c in cases if c.id in labelled_ids], progress=progress,
                               stage="reading the coded cases")
    seed_feats, seed_labels = _seed_for_folds(lexicon, project, labels, ready, feats, folds)
    cold_start = ColdStart(lexicon)
    cold = {cid: cold_start.predict(f) for cid, f in {**feats, **seed_feats}.items()}
    design = _Design({**feats, **seed_feats}, cold)
    from duocode.precode.seeds import merge_labels

    train_labels = labels if seed_labels is None else merge_labels(labels, seed_labels)
    results: dict[str, VariableEvaluation] = {}
    pooled_conf: list[float] = []
    pooled_ok: list[bool] = []
    curve: dict[Any, list[tuple[float, float]]] = {}
    full_sizes: list[float] = []
    plans = []
    for var in ready:
        y_all = {cid: v for cid, v in labels.cases(var.id).items() if cid in feats}
        ids = sorted(y_all)
        if len(ids) < folds:
            skipped[var.id] = f"{len(ids)} coded cases with text, {folds}-fold cross-validation needs {folds}"
            continue
        splits, stratified = _folds(ids, [y_all[c] for c in ids], folds, seed,
                                    groups=[document_of[c] for c in ids])
        plans.append((var, y_all, ids, splits, stratified))
    all_feats = {**feats, **seed_feats}

    def cross_validate(plan):
        var, y_all, ids, splits, _stratified = plan
        extra = seed_labels.cases(var.id) if seed_labels is not None else {}
        out = _cross_validate(var, ids, y_all, all_feats, cold, splits, seed, train_labels, design, extra=extra)
        points = _curve(var, ids, y_all, feats, cold, splits, seed, labels, design) if learning_curve else {}
        return out, points

    from duocode.workers import parallel_map

    report = progress or no_progress
    stage = f"cross-validating {plural(len(plans), 'variable')} ({folds} folds)"
    report(stage, 0, len(plans))
    for (var, y_all, ids, splits, stratified), ((out_val, out_conf, mode), points) in zip(
            plans, parallel_map(cross_validate, plans, done=lambda k: report(stage, k, len(plans)))):
        y = [y_all[c] for c in ids]
        pred = [out_val[c] for c in ids]
        conf = [out_conf[c] for c in ids]
        ok = [a == b for a, b in zip(y, pred)]
        pooled_conf += conf
        pooled_ok += ok
        sc = _scores(y, pred, var.value_ids)
        cold_pred = [cold[c][var.id].value for c in ids]
        cs = _scores(y, cold_pred, var.value_ids)
        results[var.id] = VariableEvaluation(
            var.id, len(ids), labels.source_text(var.id, ids), mode, folds, stratified, sc["accuracy"],
            sc["macro_f1"], sc["kappa"], expected_calibration_error(conf, ok), human_kappa(project, var, labels),
            cs["accuracy"], cs["macro_f1"], cs["kappa"], sc["per_class"])
        if learning_curve:
            curve.setdefault(0, []).append((cs["accuracy"], cs["macro_f1"]))
        if learning_curve:
            for size, point in points.items():
                curve.setdefault(size, []).append(point)
            full_sizes.append(sum(len(tr) for tr, _ in splits) / len(splits))
            curve.setdefault("all", []).append((sc["accuracy"], sc["macro_f1"]))   # the full training folds
    pooled = {"accuracy": round(sum(pooled_ok) / len(pooled_ok), 4) if pooled_ok else None,
              "ece": expected_calibration_error(pooled_conf, pooled_ok), "n": len(pooled_ok)}
    lc = []
    if learning_curve:
        order = sorted((k for k in curve if k != "all")) + (["all"] if "all" in curve else [])
        for size in order:
            pts = curve[size]
            point = {"n_train": size, "accuracy": round(sum(a for a, _ in pts) / len(pts), 4),
                     "macro_f1": round(sum(f for _, f in pts) / len(pts), 4), "n_variables": len(pts)}
            if size == "all":
                point["mean_n_train"] = round(sum(full_sizes) / len(full_sizes), 1)
            lc.append(point)
    # detection is cross-validated with the same number of folds as the variables, at most DETECTION_FOLDS
    det = (evaluate_detection(project, lexicon, folds=min(folds, DETECTION_FOLDS), progress=progress,
                              embedding=embedding) if detection else None)
    return EvaluationResult(folds, seed, results, pooled, lc, det, skipped, list(lexicon.warnings))


def _folds(ids: list[str], y: list[str], k: int, seed: int, groups: list[str] | None = None
           ) -> tuple[list[tuple[list[int], list[int]]], bool]:
    """Fold indices; with ``groups`` (each case's document) no document is split across folds.

    Cases of one interview share the interview-level evidence (and the informant's traits, such as privacy
    sensitivity), so letting them sit on both sides of a fold would flatter the figures.
    """
    from collections import Counter

    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

    stratified = min(Counter(y).values()) >= k
    if groups is not None and len(set(groups)) >= k:
        splitter = (StratifiedGroupKFold(k, shuffle=True, random_state=seed) if stratified
                    else GroupKFold(k, shuffle=True, random_state=seed))
        return [(list(a), list(b)) for a, b in splitter.split(ids, y, groups)], stratified
    splitter = (StratifiedKFold(k, shuffle=True, random_state=seed) if stratified
                else KFold(k, shuffle=True, random_state=seed))
    return [(list(a), list(b)) for a, b in splitter.split(ids, y)], stratified


class _Design:
    """The labelled cases' feature matrices, vectorized once for every variable and fold (see
    :func:`~duocode.precode.model.design_matrices`)."""

    def __init__(self, feats, cold):
        from duocode.precode.model import design_matrices

        ids = sorted(feats)
        self.row = {c: i for i, c in enumerate(ids)}
        self.matrices = design_matrices([feats[c] for c in ids], [cold[c] for c in ids])

    def rows(self, ids):
        """Every feature set's vectorizer and the rows of ``ids`` (the ``design`` of ``fit_variable``)."""
        index = [self.row[c] for c in ids]
        return {k: (vec, X[index]) for k, (vec, X) in self.matrices.items()}


def _fit_predict(var, train, test, y_all, feats, cold, seed, labels, design=None):
    from duocode.precode.model import fit_variable, predict_trained

    model = fit_variable(var, [feats[c] for c in train], [cold[c] for c in train], [y_all[c] for c in train],
                         seed=seed, label_source=labels.source_text(var.id, train),
                         design=design.rows(train) if design is not None else None)
    if model.mode == "cold start":
        return [model.adjust_cold(cold[c][var.id]) for c in test], model.mode
    X = design.rows(test)[model.feature_set][1] if design is not None else None
    return predict_trained(model, [feats[c] for c in test], [cold[c] for c in test], explain=False,
                           X=X), model.mode


def _cross_validate(var, ids, y_all, feats, cold, splits, seed, labels, design=None, extra=None):
    """Out-of-fold predictions; ``extra`` (seed-corpus case id -> label) joins a fold's training cases when the
    fold has fewer than :data:`~duocode.precode.detector.SEED_UNTIL` of the project's own, as ``precode
    suggest`` would train."""
    from duocode.precode.detector import SEED_UNTIL

    out_val, out_conf, modes = {}, {}, []
    y_train = {**(extra or {}), **y_all}
    for train_idx, test_idx in splits:
        train = [ids[i] for i in train_idx]
        test = [ids[i] for i in test_idx]
        if extra and len(train) < SEED_UNTIL:
            train = sorted(extra) + train
        preds, mode = _fit_predict(var, train, test, y_train, feats, cold, seed, labels, design)
        modes.append(mode)
        for c, p in zip(test, preds):
            out_val[c], out_conf[c] = p.value, p.confidence
    mode = modes[0] if len(set(modes)) == 1 else "mixed: " + ", ".join(sorted(set(modes)))
    return out_val, out_conf, mode


def _seed_for_folds(lexicon, project, labels, ready, feats, folds):
    """The codebook's seed corpus as extra training cases for folds with too few labels of their own (as
    ``precode suggest`` trains): ``(features, labels)``, or ``({}, None)`` when the codebook has no seed or
    every fold has enough. Seed interviews whose text is one of the project's are left out, so that a project
    made from the seed corpus is never scored on cases it trained on."""
    from duocode.precode.detector import SEED_UNTIL
    from duocode.precode.seeds import repeated_in, seed_corpus, seed_training
    from duocode.store import document_ids, get_document

    folder = seed_corpus(lexicon.codebook)
    if folder is None:
        return {}, None
    smallest = min(len([c for c in labels.cases(v.id) if c in feats]) for v in ready)
    if smallest - -(-smallest // folds) >= SEED_UNTIL:     # the largest test fold leaves enough to train on
        return {}, None
    same = repeated_in(folder, (get_document(project, d).text for d in document_ids(project)))
    seed_feats, seed_labels = seed_training(lexicon, folder)
    keep = {c for c, f in seed_feats.items() if f.document not in same}
    from duocode.precode.labels import Labels

    return ({c: seed_feats[c] for c in keep},
            Labels({v: {c: x for c, x in per.items() if c in keep} for v, per in seed_labels.by_variable.items()},
                   {v: {c: x for c, x in per.items() if c in keep} for v, per in seed_labels.source.items()}))


def _curve(var, ids, y_all, feats, cold, splits, seed, labels, design=None) -> dict[int, tuple[float, float]]:
    from duocode.precode.model import MIN_CALIBRATE

    largest = min(len(tr) for tr, _ in splits)
    sizes = [s for s in CURVE_SIZES if MIN_CALIBRATE <= s < largest]
    rng = random.Random(seed)
    out = {}
    for size in sizes:
        y_true, y_pred = [], []
        for train_idx, test_idx in splits:
            train = [ids[i] for i in train_idx]
            if size < len(train):
                train = sorted(rng.sample(train, size))
            test = [ids[i] for i in test_idx]
            preds, _ = _fit_predict(var, train, test, y_all, feats, cold, seed, labels, design)
            y_true += [y_all[c] for c in test]
            y_pred += [p.value for p in preds]
        sc = _scores(y_true, y_pred, var.value_ids)
        out[size] = (sc["accuracy"], sc["macro_f1"])
    return out


def evaluate_detection(project: "Project", lexicon=None, *, documents: list[str] | None = None,
                       thresholds: tuple[float, ...] = DETECTION_THRESHOLDS, folds: int = DETECTION_FOLDS,
                       progress=None, embedding: str | None = None) -> DetectionEvaluation | None:
    """Recall and precision of detection against the human cases (``None`` when there are none).

    Only documents holding at least one human case are scanned (others may simply not have been read yet).
    ``embedding``: the trained detector's embedding model (default: the project's setting, else wordllama); a
    model cached in the project has every vector read or computed here, before the folds' worker processes.
    """
    from duocode.precode.detect import DEFAULT_THRESHOLD, find_candidates
    from duocode.precode.features import analyze_document
    from duocode.precode.lexicon import build_lexicon
    from duocode.store import codes_by_case, get_document, list_cases

    # Passages the consensus settled as "not a case" (e.g. marked by one coder only) are not targets.
    not_cases = {cid for cid, codes in codes_by_case(project, CONSENSUS, variables=[CASE_VARIABLE]).items()
                 if codes.get(CASE_VARIABLE) == "no"}
    humans = [c for c in list_cases(project, status="case", source="human")
              if (documents is None or c.document in documents) and c.id not in not_cases]
    if not humans:
        return None
    from duocode.precode import detector as trained
    from duocode.precode.embed import chosen

    backend = chosen(project, embedding)

    lexicon = lexicon or build_lexicon(project.codebook)
    docs = sorted({c.document for c in humans})
    analyses = [analyze_document(lexicon, get_document(project, d)) for d in docs]
    human_spans = [(c.document, c.start, c.end) for c in humans]

    rows = [detection_row("rules", thr, [c for a in analyses for c in find_candidates(lexicon, a, threshold=thr)],
                          human_spans) for thr in sorted(set(thresholds) | {DEFAULT_THRESHOLD})]
    max_folds, (method, default_thr, folds) = folds, ("rules", DEFAULT_THRESHOLD, None)
    training = {d: v for d, v in trained.case_spans_for_training(project).items() if d in set(docs)}
    if trained.enough_to_train(training):
        # Cross-validation leaving documents out: each fold's detector never saw the documents it scans.
        folds = min(max_folds, len(docs))
        sentence_rows = {a.document: trained.sentence_rows(lexicon, a) for a in analyses}
        texts = {a.document: a.text for a in analyses}
        grid = sorted(set(TRAINED_THRESHOLDS) | {trained.SEED_THRESHOLD})
        found: dict[float, list] = {thr: [] for thr in grid}
        default_thr = trained.PROBABILITY_THRESHOLD

        held_out = [set(docs[k::folds]) for k in range(folds)]   # the documents each fold leaves out

        def fold(k: int):
            """Fold k's detector's default threshold and its candidates at every threshold of the grid."""
            held = held_out[k]
            fit_on = {d: v for d, v in training.items() if d not in held}
            model, default = trained.fit_detector(lexicon, {d: sentence_rows[d] for d in fit_on}, fit_on,
                                                  texts=texts.values(), embedding=backend)
            if model is None:
                return default, {}
            test_rows = [r for d in sorted(held) for r in sentence_rows[d]]
            probs = model.predict(test_rows)     # once per fold, for every threshold
            return default, {thr: trained.trained_candidates(model, test_rows, texts, threshold=thr, probs=probs)
                             for thr in grid}

        from duocode.workers import parallel_map

        report = progress or no_progress
        trained.prepare_embeddings(project, backend, (r for rows in sentence_rows.values() for r in rows))
        fewest = min(sum(len(v) for d, v in training.items() if d not in held) for held in held_out)
        if fewest < trained.SEED_UNTIL:     # some fold's detector learns from the seed corpus too
            trained.prepare_seed_embeddings(project, backend, lexicon)
        stage = f"cross-validating detection ({folds} folds, documents out)"
        report(stage, 0, folds)
        for default_thr, by_threshold in parallel_map(fold, range(folds), done=lambda k: report(stage, k, folds)):
            for thr, candidates in by_threshold.items():
                found[thr] += candidates
        shown = [t for t in grid if t in TRAINED_THRESHOLDS or t == default_thr]
        rows += [detection_row("trained", thr, found[thr], human_spans) for thr in shown]
        method = "trained"
    default = next(r for r in rows if r["method"] == method and r["threshold"] == default_thr)
    return DetectionEvaluation(len(humans), default["n_candidates"], default["n_matched"], default["recall"],
                               default["precision"], default_thr, documents=docs, by_threshold=rows,
                               method=method, folds=folds, embedding=backend)


def detection_row(method: str, threshold: float, candidates: list, human_spans: list[tuple[str, int, int]]
                  ) -> dict[str, Any]:
    """Recall and precision of ``candidates`` against ``human_spans`` (document, start, end) under
    :data:`OVERLAP_RULE`."""
    found, correct = span_scores([(c.document, c.start, c.end) for c in candidates], human_spans)
    return {"method": method, "threshold": threshold, "n_candidates": len(candidates), "n_matched": sum(found),
            "n_correct": sum(correct), "recall": round(sum(found) / len(human_spans), 4),
            "precision": round(sum(correct) / len(candidates), 4) if candidates else None}


def _detection_method(method: str, folds: int | None) -> str:
    return f"trained ({folds}-fold, documents out)" if method == "trained" else "rules (codebook)"


# -- the record kept for `duocode report` --------------------------------------------------------------------------
EVALUATION_KEY = "precode_evaluation"   # meta key: the summary of the latest `precode evaluate` run


def evaluation_summary(result: EvaluationResult, *, at: str) -> dict[str, Any]:
    """The figures of an evaluation that a methods report quotes: per variable n, accuracy, macro-F1, kappa and
    ECE; the pooled accuracy and ECE; detection recall and precision at the default threshold."""
    det = result.detection
    return {
        "at": at, "folds": result.folds, "seed": result.seed,
        "pooled": {k: result.pooled.get(k) for k in ("accuracy", "ece", "n")},
        "variables": {v.variable: {"n": v.n, "accuracy": v.accuracy, "macro_f1": v.macro_f1, "kappa": v.kappa,
                                   "ece": v.ece, "model": v.mode} for v in result.variables.values()},
        "detection": None if det is None else {
            "recall": det.recall, "precision": det.precision, "threshold": det.threshold,
            "method": _detection_method(det.method, det.folds), "n_human": det.n_human,
            "n_candidates": det.n_candidates, "rule": det.rule},
    }


def record_evaluation(project: "Project", result: EvaluationResult) -> dict[str, Any]:
    """Keep the summary of ``result`` in the project (one JSON in ``meta``, replaced by the next run, the change
    logged), so that ``duocode report`` can quote the pre-coder's measured quality without running it again."""
    import json

    from duocode.store import utcnow

    summary = evaluation_summary(result, at=utcnow())
    with project.transaction():
        project.set_meta(EVALUATION_KEY, json.dumps(summary, sort_keys=True))
        project.log_event("evaluate", "precoder", None, detail={"folds": result.folds, "seed": result.seed})
    return summary


def recorded_evaluation(project: "Project") -> dict[str, Any] | None:
    """The summary kept by :func:`record_evaluation`, or ``None`` when the project has no evaluation run."""
    import json

    text = project.meta(EVALUATION_KEY)
    return None if not text else json.loads(text)
