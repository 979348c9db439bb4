"""The pre-coder's models: cold-start rules from the codebook, and a trained, calibrated classifier per variable.

Cold start (no human codes yet)
    For each value ``v`` of a variable, a score

        s(v) = k(v) + 0.3 h(v) + A sim(v) + B log(1 + d(v))

    where ``k`` is the weight of the value's keywords, token rules and theme phrases found in the case (not
    negated), ``h`` the hypothetical ones, ``sim`` the tf-idf cosine similarity of the case to the value's
    prototype (label, definition, notes, examples, keywords), and ``d`` the value's keywords anywhere in the
    informant's turns (only for variables whose definition or inclusion notes ask for evidence from the whole
    interview). A negated keyword of one value of a two-valued variable counts for the other; the variable's
    fallback value (``no``, ``unknown``, ``other``, ``equilibrium``) gets a small prior so that it wins when
    nothing else is found. Confidences are ``softmax(s / T)``. Where the codebook declares an audit layout,
    :class:`ColdStart` chains the variables: the effect is chosen among the suggested type's candidate effects
    (leaning to those whose definition states the valence the passage has), an attribution gains where a likely
    effect "shows up on" its dimension (read from the effect definitions, see
    :class:`~duocode.precode.lexicon.AuditStructure`), weighted by the probability of the row's valence given
    the effect's stated direction and the passage's valence (soft, never a hard yes/no), and where the passage
    words its valence about the row's dimension rather than the others
    (:func:`~duocode.precode.features.valence_evidence`), and the summary follows the sign of the codebook's
    ``net`` score over the suggested attributions. The constants below were set on the demo corpus's dev split.

Trained (once cases carry consensus or agreed codes)
    A logistic regression per variable (L2, balanced class weights) over the rule evidence of every variable
    and value, prototype similarities, valence, dimension wording and valence per dimension, the cold-start
    probabilities of every variable (the rules as features) and the case's word stems, or over the rules'
    answers alone (:data:`FEATURE_SETS`; the smaller set generalises better where the rules already carry the
    signal, as for the attribution rows, and the bigger one where words the rules lack do, as for the channel).
    Its probabilities are calibrated by ``CalibratedClassifierCV`` (Platt's sigmoid for two classes, temperature
    scaling for more) and averaged with the rules' own, temperature-scaled on the labelled cases. Out of fold
    (stratified k-fold with the project's seed, on the same labelled cases) the better feature set is chosen,
    and the average takes over from the rules alone only where it beats them. Where the rules win, they stay,
    with their confidences temperature-scaled on the labelled cases. Fewer than :data:`MIN_TRAIN` labelled
    cases: the rules, temperature-scaled on them from :data:`MIN_CALIBRATE` on, as they are below. Each
    suggestion says which of these made it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from duocode.codebook import CASE_VARIABLE
from duocode.precode.features import CaseFeatures, log1p

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook, Variable
    from duocode.precode.lexicon import Lexicon

PROTO_WEIGHT = 2.0        # A
DOC_WEIGHT = 0.6          # B
HYPOTHETICAL = 0.3
FALLBACK_PRIOR = 0.3
TEMPERATURE = 0.6
NET_WEIGHT = 1.5
# A classifier is tried from MIN_TRAIN labelled cases; from MIN_CALIBRATE on, the rules' confidences are
# temperature-scaled on the labels. Below 20, a classifier did worse than the rules on every corpus measured
# without a seed corpus (leaving interviews out): at 10 cases, accuracy on the demo corpus 0.723 against the
# rules' 0.732, on the second bundled corpus (GP consultations) 0.644 against 0.658, and attribution F1 on the
# development sets tmp-a 0.68 against 0.76 and tmp-b 0.69 against 0.79; at 20, demo 0.755 (better) and GP
# consultations 0.633 (worse), at 33 GP consultations 0.686 (better). MIN_CALIBRATE is the trained detector's
# MIN_CASES.
MIN_TRAIN = 20
MIN_CALIBRATE = 8
MAX_FOLDS = 3          # calibration folds (fewer when a class has fewer cases)
REGULARIZATION_C = 1.0
CLASS_WEIGHT: str | None = "balanced"


@dataclass
class Prediction:
    """The model's answer for one case and variable."""

    value: str
    confidence: float
    probabilities: dict[str, float]
    explanation: str
    mode: str          # "cold start" | "trained" | "trained (one class)"


# -- cold start ------------------------------------------------------------------------------------------------
DOC_SCOPE = re.compile(r"\b(whole|entire|rest of the|anywhere in (the|their)) interview", re.IGNORECASE)
LINK_WEIGHT = 1.0
VALENCE_WEIGHT = 0.75
EFFECT_DIRECTION = 1.5    # log-odds an effect's stated direction gives its valence before the passage is read
VALENCE_SLOPE = 1.0       # log-odds per unit of the passage's net valence
ASPECT_WEIGHT = 0.8       # valence worded about the row's dimension rather than the others (log-scaled)
INDIFFERENCE_WEIGHT = 1.0  # the informant shrugs the practice off: every attribution row leans to "no"


def cold_scores(lexicon: "Lexicon", var: "Variable", f: CaseFeatures, *, doc_scope: bool = False
                ) -> dict[str, float]:
    """The base cold-start score of every value of ``var`` for one case (see the module docstring)."""
    vals = var.value_ids
    s = {}
    for v in vals:
        k = (var.id, v)
        s[v] = (f.scores.get(k, 0.0) + HYPOTHETICAL * f.hypothetical.get(k, 0.0)
                + PROTO_WEIGHT * f.proto.get(k, 0.0))
        if doc_scope:
            s[v] += DOC_WEIGHT * log1p(f.doc_scores.get(k, 0.0))
    if len(vals) == 2:
        a, b = vals
        s[a] += f.negated.get((var.id, b), 0.0)
        s[b] += f.negated.get((var.id, a), 0.0)
    fb = lexicon.fallback.get(var.id)
    if fb is not None:
        s[fb] += FALLBACK_PRIOR
    return s


def softmax(scores: dict[str, float], temperature: float = TEMPERATURE) -> dict[str, float]:
    top = max(scores.values())
    ex = {v: math.exp((x - top) / temperature) for v, x in scores.items()}
    z = sum(ex.values())
    return {v: x / z for v, x in ex.items()}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class ColdStart:
    """Cold-start suggestions for every categorical variable of one case, in dependency order.

    Independent variables first; then, where the codebook's audit layout declares them, the effect (among
    the suggested type's candidates, leaning to effects whose valence matches the case's), the attribution
    rows (an attribution gains where a likely effect shows up on its dimension with a compatible valence),
    and the summary (the sign of the net attribution score).
    """

    def __init__(self, lexicon: "Lexicon"):
        self.lexicon = lexicon
        self.codebook = lexicon.codebook
        self.structure = lexicon.structure
        self.variables = [v for v in self.codebook.variables if v.is_categorical]
        self.doc_scope = {v.id for v in self.variables if DOC_SCOPE.search(f"{v.definition} {v.include}")}
        st = self.structure
        late = [st.effect_variable, *st.attributions, st.summary_variable]
        self.order = ([v for v in self.variables if v.id not in late]
                      + [self.codebook.variables_by_id[i] for i in late if i in self.codebook.variables_by_id])

    def predict(self, f: CaseFeatures, variables: set[str] | None = None) -> dict[str, Prediction]:
        out: dict[str, Prediction] = {}
        codes: dict[str, str] = {}
        probs_of: dict[str, dict[str, float]] = {}
        for var in self.order:
            scores = cold_scores(self.lexicon, var, f, doc_scope=var.id in self.doc_scope)
            notes: list[str] = []
            if var.id == CASE_VARIABLE and "yes" in var.value_ids:
                scores["yes"] += min(2.0, f.practice) + 0.5 * min(1.0, f.reaction)
                if f.practice:
                    notes.append(f"personalization cues in the passage (score {f.practice:.1f})")
            elif var.id == self.structure.effect_variable:
                scores, notes = self._effect(var, scores, codes, f)
            elif var.id in self.structure.attributions:
                scores, notes = self._attribution(var, scores, probs_of.get(self.structure.effect_variable), f)
            elif var.id == self.structure.summary_variable:
                scores, notes = self._summary(var, scores, codes, f)
            probs = softmax(scores)
            value = max(probs, key=lambda v: (probs[v], -var.value_ids.index(v)))
            probs_of[var.id] = probs
            codes[var.id] = value
            if variables is None or var.id in variables:
                out[var.id] = Prediction(value, probs[value], probs,
                                         _cold_explanation(self.lexicon, var, f, value, probs, notes,
                                                           var.id in self.doc_scope),
                                         "cold start")
        return out

    def _effect(self, var, scores, codes, f):
        notes = []
        st = self.structure
        t = codes.get(st.type_variable or "")
        if t is not None:
            allowed = [v.id for v in var.values if t in v.types or not v.types]
            if allowed and len(allowed) < len(var.values):
                scores = {v: x for v, x in scores.items() if v in allowed}
                notes.append(f"rule: candidate effects of type {t}")
        lean = max(-1.0, min(1.0, f.valence / 2.0))
        if lean:
            for v in scores:
                val = st.effect_valence.get(v, set())
                if val == {"positive"}:
                    scores[v] += VALENCE_WEIGHT * lean
                elif val == {"negative"}:
                    scores[v] -= VALENCE_WEIGHT * lean
            notes.append(f"the passage reads {'positive' if lean > 0 else 'negative'}")
        return scores, notes

    def _attribution(self, var, scores, effect_probs, f):
        """Soft evidence for an attribution row: the likely effects that show up on its dimension, each
        weighted by how likely the row's valence is given the effect's stated direction *and* the passage
        (never a hard yes/no), plus the passage's own valence where it bears on the row's dimension."""
        dim, valence = self.structure.attributions[var.id]
        notes = []
        if "yes" not in scores:
            return scores, notes
        signed = f.valence if valence == "positive" else -f.valence
        if effect_probs:
            link, best = 0.0, None
            for e, p in effect_probs.items():
                if dim not in self.structure.effect_dims.get(e, ()):
                    continue
                ev = self.structure.effect_valence.get(e, set())
                prior = EFFECT_DIRECTION if ev == {valence} else -EFFECT_DIRECTION if ev and valence not in ev else 0.0
                compat = _sigmoid(prior + VALENCE_SLOPE * signed)
                link += p * compat
                if best is None or p * compat > best[1]:
                    best = (e, p * compat)
            scores["yes"] += LINK_WEIGHT * link
            if best and best[1] > 0.2:
                notes.append(f"rule: effect {best[0]} shows up on {dim}, {valence} here")
        if f.indifferent:
            scores["yes"] -= INDIFFERENCE_WEIGHT * min(1.0, f.indifferent)
            notes.append("the informant shrugs it off")
        # Centred: valence worded about this dimension raises the row, valence worded about the others
        # lowers it (relative to the mean over the audit's dimension-valence cells).
        cells = [(d, v) for d, v in self.structure.attributions.values()]
        if cells and f.aspects:
            mine = math.log1p(f.aspects.get((dim, valence), 0.0))
            mean = sum(math.log1p(f.aspects.get(c, 0.0)) for c in cells) / len(cells)
            scores["yes"] += ASPECT_WEIGHT * (mine - mean)
            if mine > mean:
                notes.append(f"{valence} wording about {dim.replace('_', ' ')}")
        return scores, notes

    def _summary(self, var, scores, codes, f):
        scores, notes = derived_adjustments(self.codebook, var, scores, codes)
        if len(var.values) >= 2 and f.valence:
            lo, hi = var.value_ids[0], var.value_ids[-1]
            scores[hi if f.valence > 0 else lo] += 0.25 * min(2.0, abs(f.valence))
        return scores, notes


def derived_adjustments(codebook: "Codebook", var: "Variable", scores: dict[str, float],
                        codes: dict[str, str]) -> tuple[dict[str, float], list[str]]:
    """The summary leans to the sign of the net attribution score of the suggested attributions."""
    notes: list[str] = []
    scores = dict(scores)
    if len(var.values) == 3 and "net" in codebook.scores:
        net = _score(codebook.scores["net"], codes, codebook)
        if net is not None:
            lo, mid, hi = var.value_ids
            pick = lo if net < 0 else hi if net > 0 else mid
            scores[pick] = scores.get(pick, 0.0) + NET_WEIGHT
            notes.append(f"rule: net attribution score {net:+d} from the suggested attributions")
    return scores, notes


def _score(spec: dict, codes: dict[str, str], codebook: "Codebook") -> int | None:
    from duocode.codebook import matches

    items = [*spec.get("plus", []), *spec.get("minus", [])]
    if not any((i in codes) if isinstance(i, str) else True for i in items):
        return None
    total = 0
    for sign, side in ((1, "plus"), (-1, "minus")):
        for item in spec.get(side, []):
            if isinstance(item, str):
                total += sign * (codes.get(item) == "yes")
            else:
                total += sign * matches(item, codes, codebook)
    return total


def _cold_explanation(lexicon, var, f, value, probs, notes, doc_scope: bool) -> str:
    k = (var.id, value)
    parts = []
    words = f.evidence.get(k, [])
    if words:
        parts.append("keywords/rules " + ", ".join(list(dict.fromkeys(words))[:6]))
    sim = f.proto.get(k, 0.0)
    if sim > 0.05:
        parts.append(f"similarity to the value's definition and examples {sim:.2f}")
    doc = f.doc_evidence.get(k, []) if doc_scope else []
    if doc:
        parts.append("elsewhere in the interview " + ", ".join(list(dict.fromkeys(doc))[:4]))
    parts += notes
    if f.valence_evidence and any("reads" in n or ", positive here" in n or ", negative here" in n
                                  or " wording about " in n for n in notes):
        parts.append("valence " + ", ".join(f.valence_evidence[:4]))
    if not words and not doc and value == lexicon.fallback.get(var.id):
        parts.append(f"no evidence for another value, so the default '{value}'")
    runner = sorted((p, v) for v, p in probs.items() if v != value)
    if runner:
        parts.append(f"next: {runner[-1][1]} {runner[-1][0]:.2f}")
    return "cold start: " + "; ".join(parts)


# -- trained ---------------------------------------------------------------------------------------------------
FEATURE_SETS = {
    "all": "rule evidence, wording and word features",
    "rules": "the codebook rules' answers only",
}


def feature_dict(f: CaseFeatures, cold: dict[str, Prediction] | None = None, feature_set: str = "all"
                 ) -> dict[str, float]:
    """Sparse features of one case.

    ``all``: rule evidence for every variable and value, prototype similarities, valence, the cold-start
    probabilities of every variable, and the case's word stems. ``rules``: only the cold-start probabilities
    of every variable (a few dozen features: what the codebook rules say, which the classifier learns to
    weigh and combine; it cannot latch on to words that happen to co-occur with a label in a small sample).
    """
    if feature_set == "rules":
        return {f"rules say {var_id}={v}": p for var_id, pred in (cold or {}).items()
                for v, p in pred.probabilities.items()}
    x: dict[str, float] = {"positive wording": f.positive, "negative wording": f.negative,
                           "personalization cues": f.practice, "indifferent wording": f.indifferent}
    for d, w in f.dimensions.items():
        x[f"wording about {d}"] = log1p(w)
    for (d, v), w in f.aspects.items():
        x[f"{v} wording about {d}"] = log1p(w)
    for k, w in f.scores.items():
        x[f"keywords for {k[0]}={k[1]}"] = w
    for k, w in f.negated.items():
        x[f"negated keywords for {k[0]}={k[1]}"] = w
    for k, w in f.doc_scores.items():
        x[f"{k[0]}={k[1]} keywords in the interview"] = log1p(w)
    for k, w in f.proto.items():
        if w > 0:
            x[f"like the {k[0]}={k[1]} definition and examples"] = 4.0 * w
    for var_id, pred in (cold or {}).items():
        for v, p in pred.probabilities.items():
            x[f"rules say {var_id}={v}"] = p
    for s in set(f.stems):
        x[f"word '{s}'"] = 0.5
    return x


@dataclass
class VariableModel:
    """A fitted model for one variable (or the reason it stayed in cold start)."""

    variable: str
    mode: str                       # "trained", "trained (one class)", "cold start"
    n_train: int = 0
    classes: list[str] = field(default_factory=list)
    reason: str = ""
    calibration: str = ""
    dropped: list[str] = field(default_factory=list)
    label_source: str = ""
    feature_set: str = "all"
    _vectorizer: Any = None
    _calibrated: Any = None
    _explainer: Any = None
    _data: Any = None        # (X, y): the explainer is fitted on first use
    _cold_calibrator: Any = None
    _blend_calibrator: Any = None
    _names: Any = None       # the vectorizer's feature names, computed on first use

    def describe(self) -> str:
        if self.mode == "cold start":
            return f"cold start ({self.reason})" if self.reason else "cold start"
        if self.mode != "trained":
            return f"{self.mode}: all {self.n_train} labelled cases are '{self.classes[0]}'"
        text = (f"trained on {self.label_source or self.n_train} labelled cases, features: "
                f"{FEATURE_SETS[self.feature_set]}, {self.calibration}, averaged with the codebook rules")
        if self.dropped:
            text += f"; too rare to learn: {', '.join(self.dropped)}"
        return text


    def adjust_cold(self, pred: Prediction) -> Prediction:
        """A cold-start prediction with its confidence recalibrated on the labelled cases (when there were
        enough to keep the rules over the classifier); unchanged otherwise."""
        if self._cold_calibrator is None or self.mode != "cold start":
            return pred
        probs, how = self._cold_calibrator(pred.probabilities)
        value = max(probs, key=lambda v: (probs[v], v == pred.value))
        return Prediction(value, probs[value], probs,
                          pred.explanation.replace("cold start:", f"cold start ({how}):", 1), pred.mode)


def _temperature_calibrator(values: list[str], cold_probs: list[dict[str, float]], labels: list[str]):
    """Temperature scaling of log-probabilities (the rules', or the average of rules and classifier), fitted on
    labelled cases by maximum likelihood (Guo et al. 2017, "On calibration of modern neural networks", §4.2).

    One parameter: it changes how sure the model is, never which value it picks, so a variable kept in cold
    start suggests exactly what the rules did (and what the comparison with the classifier measured).
    Returns ``f(probs) -> (probs, description)``.
    """
    n = len(labels)
    eps = TemperatureCalibrator.EPS
    import numpy as np

    # The negative log-likelihood of every grid temperature at once (n cases x V values x 60 temperatures);
    # argmin keeps the first minimum, as min() over the grid did.
    grid = [0.2 * 1.08 ** k for k in range(60)]
    col = {v: j for j, v in enumerate(values)}
    logp = np.log(np.array([[p.get(v, 0.0) for v in values] for p in cold_probs], dtype=float) + eps)
    logits = logp[:, :, None] / np.array(grid)[None, None, :]
    logits -= logits.max(axis=1, keepdims=True)
    probs_t = np.exp(logits)
    probs_t /= probs_t.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    picked = np.array([col.get(y, -1) for y in labels])
    known = picked >= 0
    p_y = np.zeros((n, len(grid)))
    p_y[known] = probs_t[rows[known], picked[known], :]
    best = grid[int(np.argmin(-np.log(p_y + eps).sum(axis=0)))]
    return TemperatureCalibrator(list(values), best, n)


@dataclass(frozen=True)
class TemperatureCalibrator:
    """``f(probs) -> (probs, description)``: log-probabilities divided by one fitted temperature, renormalised
    (a plain object rather than a closure, so that a fitted model pickles, as the worker processes need)."""

    values: list[str]
    temperature: float
    n: int
    EPS = 1e-6

    def __call__(self, probs: dict[str, float]) -> tuple[dict[str, float], str]:
        t, eps = self.temperature, self.EPS
        logits = {v: math.log(probs.get(v, 0.0) + eps) / t for v in self.values}
        top = max(logits.values())
        ex = {v: math.exp(x - top) for v, x in logits.items()}
        z = sum(ex.values())
        return ({v: x / z for v, x in ex.items()},
                f"rules temperature-calibrated on {self.n} labelled cases, T={t:.2f}")


def _readable(name: str, f: CaseFeatures) -> str:
    """A word feature shown as the word in the passage rather than its stem."""
    if name.startswith("word '") and name.endswith("'"):
        return f"word '{f.words.get(name[6:-1], name[6:-1])}'"
    return name


def calibration_method(n_classes: int) -> str:
    """Platt's sigmoid for two classes; for more, temperature scaling (one parameter for all classes, so it
    needs little data) where scikit-learn has it (1.8 and later), else sigmoid."""
    if n_classes <= 2:
        return "sigmoid"
    import sklearn

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    return "temperature" if (major, minor) >= (1, 8) else "sigmoid"


FEATURE_SET_ORDER = ("rules", "all")   # model selection's candidates; on ties the first (simpler) wins


class FeatureVectorizer:
    """Dicts of ``feature name -> number`` to a sparse matrix, columns in sorted name order.

    What scikit-learn's ``DictVectorizer(sparse=True, sort=True)`` does for numeric features (every listed entry
    is kept, a name not seen in fitting is ignored), in one pass of dictionary look-ups: profiling the demo showed
    ``DictVectorizer.transform`` at 4.7 s of the pre-coder's time, nearly all of it in its per-entry type checks
    for string and iterable values, which duocode's features never have. 32-bit indices, as liblinear needs."""

    def fit(self, dicts: list[dict[str, float]]) -> "FeatureVectorizer":
        self.feature_names_ = sorted({k for d in dicts for k in d})
        self.vocabulary_ = {k: i for i, k in enumerate(self.feature_names_)}
        return self

    def fit_transform(self, dicts: list[dict[str, float]]):
        return self.fit(dicts).transform(dicts)

    def transform(self, dicts: list[dict[str, float]]):
        import numpy as np
        from scipy.sparse import csr_matrix

        vocab = self.vocabulary_
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for d in dicts:
            for k, v in d.items():
                j = vocab.get(k)
                if j is not None:
                    indices.append(j)
                    data.append(v)
            indptr.append(len(indices))
        X = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                        np.asarray(indptr, dtype=np.int32)), shape=(len(dicts), len(vocab)))
        X.sort_indices()
        return X

    def get_feature_names_out(self):
        import numpy as np

        return np.asarray(self.feature_names_, dtype=object)


def design_matrices(feats: list[CaseFeatures], cold: list[dict[str, Prediction]]) -> dict[str, tuple[Any, Any]]:
    """Each feature set's fitted vectorizer and sparse matrix (one row per case, in order), made once.

    Cross-validation slices rows out of these instead of vectorizing every fold again. A column that only
    the held-out cases have is all zeros in a fold's training rows, so the L2-regularised classifier gives it
    weight 0: the fold's predictions are those of a vectorizer fitted on the fold alone."""
    out = {}
    for name in FEATURE_SET_ORDER:
        vec = FeatureVectorizer()
        out[name] = (vec, _int32(vec.fit_transform([feature_dict(f, c, name) for f, c in zip(feats, cold)])))
    return out


def fit_variable(var: "Variable", feats: list[CaseFeatures], cold: list[dict[str, Prediction]], labels: list[str],
                 *, seed: int = 0, label_source: str = "", min_train: int = MIN_TRAIN,
                 design: dict[str, tuple[Any, Any]] | None = None) -> VariableModel:
    """Fit the calibrated classifier of one variable, or return a cold-start model saying why not.

    ``design``: :func:`design_matrices` of exactly these cases (rows in the order of ``feats``), when the caller
    already has them."""
    n = len(labels)
    if n < min_train:
        reason = f"{n} labelled cases, training needs {min_train}"
        if n < MIN_CALIBRATE:
            return VariableModel(var.id, "cold start", n, reason=reason)
        return VariableModel(var.id, "cold start", n, reason=reason, label_source=label_source,
                             _cold_calibrator=_temperature_calibrator(
                                 var.value_ids, [c[var.id].probabilities for c in cold], labels))
    from collections import Counter

    counts = Counter(labels)
    if len(counts) == 1:
        return VariableModel(var.id, "trained (one class)", n, [labels[0]], label_source=label_source)
    dropped = sorted(c for c, k in counts.items() if k < 2)
    keep = [i for i, y in enumerate(labels) if y not in dropped]
    feats = [feats[i] for i in keep]
    cold = [cold[i] for i in keep]
    labels = [labels[i] for i in keep]
    counts = Counter(labels)
    if len(counts) == 1:
        return VariableModel(var.id, "trained (one class)", len(labels), [labels[0]], dropped=dropped,
                             label_source=label_source)
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    folds = max(2, min(MAX_FOLDS, min(counts.values())))
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    classes = sorted(counts)
    # The rules' probabilities, temperature-scaled on these labels (one parameter), over the classes kept.
    cold_cal = _temperature_calibrator(var.value_ids, [c[var.id].probabilities for c in cold], labels)
    rules_p = [_restrict(cold_cal(c[var.id].probabilities)[0], classes) for c in cold]
    # What a trained model suggests is the average of the classifier's calibrated probabilities and the rules'
    # (a two-member ensemble: on the first 89 cases of the demo corpus, leaving one interview out at a time, it
    # was more accurate than the classifier alone on 7 of 12 variables, equal on 2, one or two cases worse on 3,
    # and it raised the pooled attribution F1 from 0.70 to 0.72). Model selection, out of fold on the same
    # labelled cases: that average with the classifier on every feature or on the rules' answers only, against
    # the codebook rules alone. The classifier is used only where it beats the rules; on ties the simpler
    # candidate (listed first) wins.
    matrices = (design_matrices(feats, cold) if design is None
                else {name: (vec, _int32(X[keep])) for name, (vec, X) in design.items()})
    method = calibration_method(len(counts))
    candidates = {}
    for name in FEATURE_SET_ORDER:
        vec, X = matrices[name]
        # The calibrated ensemble (one classifier per fold, each calibrated on its held-out fold) is fitted for
        # every candidate, and the same fold classifiers give the out-of-fold probabilities that choose between
        # them: the folds are fitted once, not once for the choice and again for the calibration.
        cal = CalibratedClassifierCV(_classifier(len(counts)), method=method, cv=cv).fit(X, labels)
        oof = _out_of_fold(cal, cv, X, labels)
        blended = [_average(classes, row, rp) for row, rp in zip(oof, rules_p)]
        hits = sum(max(classes, key=lambda k: (p[k], -classes.index(k))) == y for p, y in zip(blended, labels))
        candidates[name] = (hits / len(labels), vec, X, blended, cal)
    choice = max(candidates, key=lambda k: candidates[k][0])   # dict order: the first of equals is kept
    trained_acc, vec, X, blended, cal = candidates[choice]
    cold_acc = sum(c[var.id].value == y for c, y in zip(cold, labels) if var.id in c) / len(labels)
    if cold_acc >= trained_acc:
        return VariableModel(var.id, "cold start", len(labels), label_source=label_source,
                             reason=f"kept: on {label_source or len(labels)} labelled cases the codebook rules "
                                    f"scored {cold_acc:.2f}, the classifier averaged with them {trained_acc:.2f} "
                                    f"({folds}-fold cross-validation)",
                             _cold_calibrator=cold_cal)
    return VariableModel(var.id, "trained", len(labels), [str(c) for c in cal.classes_],
                         calibration=f"{method} calibration over {folds}-fold cross-validation", dropped=dropped,
                         label_source=label_source, feature_set=choice,
                         _vectorizer=vec, _calibrated=cal, _data=(X, labels), _cold_calibrator=cold_cal,
                         # the average of two calibrated members is less sure than either where they differ:
                         # one temperature, fitted on the out-of-fold averages, restores its calibration
                         _blend_calibrator=_temperature_calibrator(classes, blended, labels))


def _out_of_fold(cal, cv, X, labels: list[str]):
    """The uncalibrated out-of-fold probabilities (columns in sorted class order) of a fitted
    ``CalibratedClassifierCV``: fold k's classifier on fold k's held-out rows, as ``cross_val_predict`` would
    give with the same (seeded) splits."""
    import numpy as np

    oof = np.zeros((len(labels), len(cal.classes_)))
    for member, (_train, test) in zip(cal.calibrated_classifiers_, cv.split(X, labels)):
        oof[test] = member.estimator.predict_proba(X[test])
    return oof


def _average(classes: list[str], classifier_row, rules: dict[str, float]) -> dict[str, float]:
    """The two-member ensemble: the mean of the classifier's probabilities (a row in ``classes`` order) and the
    rules' (over the same classes)."""
    return {k: (float(a) + rules[k]) / 2 for k, a in zip(classes, classifier_row)}


def _restrict(probs: dict[str, float], classes: list[str]) -> dict[str, float]:
    """``probs`` over ``classes`` only, renormalised (uniform when none of them has any mass)."""
    z = sum(probs.get(c, 0.0) for c in classes)
    return {c: (probs.get(c, 0.0) / z if z > 0 else 1.0 / len(classes)) for c in classes}


def _classifier(n_classes: int):
    """L2-regularised logistic regression; liblinear for two classes, newton-cg for more (fast on few cases)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=REGULARIZATION_C, class_weight=CLASS_WEIGHT, max_iter=2000,
                              solver="liblinear" if n_classes == 2 else "newton-cg")


def _int32(X):
    # liblinear accepts only 32-bit sparse indices (slicing a matrix may give 64-bit ones).
    X.indices = X.indices.astype("int32", copy=False)
    X.indptr = X.indptr.astype("int32", copy=False)
    return X


def _explainer(model: VariableModel):
    """The uncalibrated logistic regression on all training cases, whose weights explain a prediction."""
    if model._explainer is None:
        X, y = model._data
        model._explainer = _classifier(len(set(y))).fit(X, y)
    return model._explainer


def predict_trained(model: VariableModel, feats: list[CaseFeatures], cold: list[dict[str, Prediction]], *,
                    explain: bool = True, X: Any = None) -> list[Prediction]:
    """Predictions of a trained model (also the one-class kind) for several cases; ``explain=False`` skips the
    explanations (evaluation does not need them); ``X``: the cases' rows of the matrix the model was fitted
    with (see ``design`` in :func:`fit_variable`), when the caller has it."""
    if model.mode == "trained (one class)":
        value = model.classes[0]
        conf = (model.n_train + 1) / (model.n_train + 2)   # Laplace's rule of succession
        return [Prediction(value, conf, {value: conf}, f"{model.describe()}", model.mode) for _ in feats]
    if X is None:
        X = model._vectorizer.transform([feature_dict(f, c, model.feature_set) for f, c in zip(feats, cold)])
    X = _int32(X)
    proba = model._calibrated.predict_proba(X)
    classes = model.classes
    for row, c in enumerate(cold):   # the average with the rules (see fit_variable)
        rules = _restrict(model._cold_calibrator(c[model.variable].probabilities)[0], classes)
        scaled = model._blend_calibrator(_average(classes, proba[row], rules))[0]
        proba[row] = [scaled[k] for k in classes]
    out = []
    if not explain:
        for row in range(X.shape[0]):
            probs = {c: float(p) for c, p in zip(classes, proba[row])}
            value = max(classes, key=lambda c: (probs[c], -classes.index(c)))
            out.append(Prediction(value, probs[value], probs, "", "trained"))
        return out
    if model._names is None:
        model._names = model._vectorizer.feature_names_
    names = model._names
    coef = _explainer(model).coef_
    X = X.tocsr()
    for row in range(X.shape[0]):
        probs = {c: float(p) for c, p in zip(classes, proba[row])}
        value = max(classes, key=lambda c: (probs[c], -classes.index(c)))
        ci = classes.index(value)
        w = coef[0] * (1 if ci == 1 else -1) if coef.shape[0] == 1 else coef[ci]
        lo, hi = X.indptr[row], X.indptr[row + 1]      # the row's entries, without building a row matrix
        contrib = sorted(((float(w[j] * v), names[j]) for j, v in zip(X.indices[lo:hi], X.data[lo:hi])),
                         reverse=True)
        top = [f"{_readable(name, feats[row])} ({c:+.2f})" for c, name in contrib[:4] if c > 0]
        text = f"{model.describe()}; drivers: " + (", ".join(top) if top else "none strong, the class prior")
        out.append(Prediction(value, probs[value], probs, text, "trained"))
    return out
