"""``precode evaluate --external DIR``: the pre-coder scored on transcripts and gold cases it never saw.

Cross-validation inside a project measures the pre-coder on the project's own interviews; a team that wants to
know how it does on text nobody tuned against points it at a folder of other transcripts with gold cases:

* ``DIR/interviews/*.txt`` (``Interviewer:`` / ``Name:`` turns), and
* ``DIR/gold.csv`` (``document, quote`` and optionally ``case_id`` and a column per variable id), or
  ``DIR/cases.csv`` with ``DIR/consensus.csv``, as in the demo corpus (:mod:`duocode.precode.corpus`).

What is scored is what ``precode detect`` and ``precode suggest`` would do for this project, trained as they
would train (on the project's coded cases when it has enough, else the codebook's seed corpus, else the
codebook alone), applied to the folder's interviews:

* detection, against the gold cases, under :data:`~duocode.precode.evaluate.OVERLAP_RULE`, for every method
  available (rules; seed corpus; the project's own cases) at a few thresholds, the headline being the method
  ``detect`` would use;
* suggestions on the gold passages, per categorical variable with gold codes: accuracy and macro-F1, next to
  the codebook alone (cold start); pooled accuracy and expected calibration error; and the F1 of ``yes``
  pooled over the yes/no variables other than the case variable (for TMP: the six attributions).

The folder is loaded into a temporary project (so its quotes are located and its codes validated as any
import would be) that is deleted afterwards; nothing is written to the project or the folder (so the vectors of
a cached embedding model are computed for the run and kept in the temporary project only).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.codebook import CASE_VARIABLE
from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

EXTERNAL_PREFIX = "external:"


@dataclass
class ExternalEvaluation:
    directory: str
    n_documents: int
    n_words: int
    n_gold: int
    trained_on: str                           # what the suggestions and the detector learned from
    detection: dict[str, Any]                 # headline row: method, threshold, recall, precision, ...
    detection_rows: list[dict[str, Any]] = field(default_factory=list)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    pooled: dict[str, Any] = field(default_factory=dict)
    yes_f1: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    embedding: str = "wordllama"              # the trained detectors' embedding model

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def yes_f1(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """F1 of the value ``yes`` over (gold, predicted) pairs, with its precision, recall and counts."""
    tp = sum(1 for y, p in pairs if y == "yes" and p == "yes")
    fp = sum(1 for y, p in pairs if y != "yes" and p == "yes")
    fn = sum(1 for y, p in pairs if y == "yes" and p != "yes")
    return {"f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else None,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None, "tp": tp, "fp": fp, "fn": fn}


def evaluate_external(project: "Project", directory: str | Path, *, seed: int = 0,
                      embedding: str | None = None) -> ExternalEvaluation:
    """Score the project's pre-coder on a folder of transcripts with gold cases (see the module docstring);
    ``embedding``: the trained detectors' embedding model (default: the project's setting, else wordllama).

    Raises
    ------
    InputError
        The folder has no interviews or no gold cases, or a gold quote, document or code is wrong (the message
        names the file and line).
    """
    from duocode.precode.corpus import load_corpus, read_corpus
    from duocode.precode.embed import chosen
    from duocode.store import Project as StoreProject

    backend = chosen(project, embedding)
    directory = Path(directory)
    data = read_corpus(directory)
    if not data.documents:
        raise InputError("no interviews to evaluate on", path=str(directory / "interviews"),
                         expected="transcripts as interviews/*.txt")
    if not data.cases:
        raise InputError("no gold cases", path=str(directory),
                         expected="gold.csv (document, quote, a column per variable) or cases.csv + consensus.csv")
    with tempfile.TemporaryDirectory(prefix="duocode-external-") as tmp:
        gold = StoreProject.create(Path(tmp) / "gold", project.codebook)
        try:
            load_corpus(gold, data, coders=False)
            return _score(project, gold, directory, seed, backend)
        finally:
            gold.close()


def _score(project: "Project", gold: "Project", directory: Path, seed: int, embedding: str = "wordllama"
           ) -> ExternalEvaluation:
    from duocode.precode import detector as trained
    from duocode.precode.detect import DEFAULT_THRESHOLD, find_candidates
    from duocode.precode.evaluate import (DETECTION_THRESHOLDS, TRAINED_THRESHOLDS, detection_row,
                                          expected_calibration_error, _scores)
    from duocode.precode.features import analyze_document, features_for_cases
    from duocode.precode.labels import training_labels
    from duocode.precode.lexicon import build_lexicon
    from duocode.precode.model import ColdStart
    from duocode.precode.seeds import seed_corpus
    from duocode.precode.suggest import compute_suggestions
    from duocode.store import document_ids, get_document, list_cases

    codebook = project.codebook
    lexicon = build_lexicon(codebook)
    gold_cases = list_cases(gold, status="case")
    humans = [(c.document, c.start, c.end) for c in gold_cases]
    analyses = [analyze_document(lexicon, get_document(gold, d)) for d in document_ids(gold)]
    texts = {a.document: a.text for a in analyses}
    rows = [r for a in analyses for r in trained.sentence_rows(lexicon, a)]
    warnings = list(lexicon.warnings)

    # -- detection: every method the project could use ---------------------------------------------------------
    det_rows = [detection_row("rules", thr, [c for a in analyses for c in find_candidates(lexicon, a, threshold=thr)],
                              humans) for thr in sorted(set(DETECTION_THRESHOLDS) | {DEFAULT_THRESHOLD})]
    headline = ("rules", DEFAULT_THRESHOLD)
    learned_from = "the codebook alone"

    # a cached model's vectors of the scanned sentences, computed once (kept in the temporary project only)
    trained.prepare_embeddings(gold, embedding, rows)

    def learned(method: str, detector, default: float) -> None:
        probs = detector.predict(rows)
        det_rows.extend(detection_row(method, t, trained.trained_candidates(detector, rows, texts, threshold=t,
                                                                           probs=probs), humans)
                        for t in sorted(set(TRAINED_THRESHOLDS) | {default}))

    folder = seed_corpus(codebook)
    if folder is not None:
        seeded, thr = trained.fit_detector(lexicon, {}, {}, texts=texts.values(), embedding=embedding,
                                           project=gold)
        if seeded is not None:
            learned("seed corpus", seeded, thr)
            headline = ("seed corpus", thr)
            learned_from = f"the codebook's seed corpus '{folder.name}'"
    spans = trained.case_spans_for_training(project)
    if trained.enough_to_train(spans):
        own_rows = {d: trained.sentence_rows(lexicon, analyze_document(lexicon, get_document(project, d)))
                    for d in spans}
        own, thr = trained.fit_detector(lexicon, own_rows, spans, texts=texts.values(), embedding=embedding,
                                        project=gold)
        if own is not None:
            learned("project's cases", own, thr)
            headline = ("project's cases", thr)
            n_cases = sum(len(v) for v in spans.values())
            learned_from = f"the project's {n_cases} cases in {len(spans)} interviews" + (
                " and the seed corpus" if own.seed else "")
    detection = next(r for r in det_rows if (r["method"], r["threshold"]) == headline)

    # -- suggestions on the gold passages -------------------------------------------------------------------
    categorical = [v for v in codebook.variables if v.is_categorical and v.id != CASE_VARIABLE]
    gold_labels = training_labels(gold, [v.id for v in categorical])
    ext_feats = {EXTERNAL_PREFIX + cid: f for cid, f in features_for_cases(lexicon, gold, gold_cases).items()}
    for f in ext_feats.values():
        f.case_id = EXTERNAL_PREFIX + f.case_id
    own_labels = training_labels(project, [v.id for v in categorical])
    labelled = {cid for v in categorical for cid in own_labels.cases(v.id)}
    own_feats = features_for_cases(lexicon, project, [c for c in list_cases(project, status="case")
                                                      if c.id in labelled]) if labelled else {}
    from duocode.precode.detector import SEED_UNTIL
    from duocode.precode.seeds import SEED_PREFIX, with_seed

    feats, train_labels = with_seed(lexicon, {**own_feats, **ext_feats}, own_labels, SEED_UNTIL)
    seeded_suggestions = any(c.startswith(SEED_PREFIX) for c in feats)
    suggestions, _models = compute_suggestions(lexicon, feats, train_labels, seed=seed,
                                               variables=[v.id for v in categorical], targets=set(ext_feats))
    got = {(s.case_id, s.variable): s for s in suggestions if s.case_id.startswith(EXTERNAL_PREFIX)}
    cold_start = ColdStart(lexicon)
    cold = {cid: cold_start.predict(f) for cid, f in ext_feats.items()}
    variables: dict[str, dict[str, Any]] = {}
    conf: list[float] = []
    ok: list[bool] = []
    pairs: list[tuple[str, str]] = []
    cold_pairs: list[tuple[str, str]] = []
    for var in categorical:
        y = {EXTERNAL_PREFIX + cid: v for cid, v in gold_labels.cases(var.id).items()}
        ids = [c for c in sorted(y) if (c, var.id) in got]
        if not ids:
            continue
        pred = [got[(c, var.id)].value for c in ids]
        cold_pred = [cold[c][var.id].value if var.id in cold[c] else "" for c in ids]
        truth = [y[c] for c in ids]
        sc, cs = _scores(truth, pred, var.value_ids), _scores(truth, cold_pred, var.value_ids)
        variables[var.id] = {"n": len(ids), "mode": got[(ids[0], var.id)].mode, "accuracy": sc["accuracy"],
                             "macro_f1": sc["macro_f1"], "cold_accuracy": cs["accuracy"],
                             "cold_macro_f1": cs["macro_f1"]}
        conf += [got[(c, var.id)].confidence for c in ids]
        ok += [p == t for p, t in zip(pred, truth)]
        if set(var.value_ids) == {"yes", "no"}:
            pairs += list(zip(truth, pred))
            cold_pairs += list(zip(truth, cold_pred))
    learned_from = (f"detection: {learned_from}; suggestions: "
                    + (f"the project's {len(own_feats)} coded cases" if labelled and not seeded_suggestions else
                       f"the project's {len(own_feats)} coded cases and the seed corpus" if seeded_suggestions
                       and labelled else "the seed corpus's coded cases" if seeded_suggestions
                       else "the codebook alone"))
    f1 = yes_f1(pairs)
    f1["cold_f1"] = yes_f1(cold_pairs)["f1"]
    return ExternalEvaluation(
        str(directory), len(analyses), sum(a.n_words for a in analyses), len(humans), learned_from, detection,
        det_rows, variables,
        {"accuracy": round(sum(ok) / len(ok), 4) if ok else None, "ece": expected_calibration_error(conf, ok),
         "n": len(ok)},
        f1, warnings, embedding)
