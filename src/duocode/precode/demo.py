"""The pre-coding part of ``duocode demo``: detect, suggest, evaluate."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from duocode._util import no_progress
from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

# The demo's fast path: three folds, interviews out, for the variables and for detection (each fold still
# trains on two thirds of the interviews and is scored on the rest). `duocode precode evaluate` uses five
# folds by default and adds the learning curve; the demo's table names its folds.
DEMO_FOLDS = 3


def precode_demo(project: "Project", *, seed: int = 0, learning_curve: bool = False,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run detection, suggestion and evaluation on a demo project; returns figures, a one-line ``summary`` and
    the ``evaluation`` result (an :class:`~duocode.precode.evaluate.EvaluationResult`, or None when there are too
    few coded cases to cross-validate).

    The evaluation is the full per-variable cross-validation and the detection evaluation; the learning curve
    (the same cross-validation again at every smaller training size, most of the time evaluation takes) only
    with ``learning_curve=True``."""
    from duocode.precode.detect import detect
    from duocode.precode.evaluate import evaluate, record_evaluation
    from duocode.precode.labels import training_labels
    from duocode.precode.suggest import suggest

    say = progress or no_progress

    def step(name: str):
        """The stage's own progress, shown under the demo's step ``name``."""
        return lambda stage, done=None, total=None: say(f"pre-coding, {name}: {stage}", done, total)

    det = detect(project, progress=step("detecting candidate cases"))
    sug = suggest(project, seed=seed, progress=step("suggesting codes"))
    categorical = [v.id for v in project.codebook.variables if v.is_categorical]
    labels = training_labels(project, categorical)
    most = max((len(labels.cases(v)) for v in categorical), default=0)
    evaluation = None
    note = ""
    if most >= 2:
        try:
            evaluation = evaluate(project, folds=min(DEMO_FOLDS, most), seed=seed, learning_curve=learning_curve,
                                  progress=step("evaluating against the consensus" + (", with the learning curve"
                                                                                       if learning_curve else "")))
            record_evaluation(project, evaluation)
        except InputError as exc:  # too few coded cases: report, do not stop the demo
            note = f"; evaluation skipped: {exc}"
    else:
        note = "; evaluation skipped: no coded cases yet"
    trained = sorted(v for v, how in sug.models.items() if how.startswith("trained"))
    figures: dict[str, Any] = {
        "candidates": len(det.candidates), "candidates_overlapping_cases": det.skipped_existing,
        "suggestions": len(sug.suggestions), "trained_variables": trained,
        "cold_start_variables": sorted(v for v, how in sug.models.items() if how.startswith("cold start")),
    }
    if evaluation is not None:
        figures["pooled_accuracy"] = evaluation.pooled.get("accuracy")
        figures["pooled_ece"] = evaluation.pooled.get("ece")
        if evaluation.detection is not None:
            figures["detection_recall"] = evaluation.detection.recall
            figures["detection_precision"] = evaluation.detection.precision
        # the accuracy on the codebook's Table II type variable, keyed by its id
        type_var = (project.codebook.audit or {}).get("type_variable")
        tt = evaluation.variables.get(type_var) if type_var else None
        if tt is not None:
            figures[f"{type_var}_accuracy"] = tt.accuracy
    summary = (f"{len(det.candidates)} new candidate cases ({det.skipped_existing} spans already cases), "
               f"{len(sug.suggestions)} suggestions ({len(trained)} variables trained on the consensus, or agreed, codes)"
               + (f", pooled cross-validated accuracy {figures['pooled_accuracy']:.2f}"
                  if figures.get("pooled_accuracy") is not None else "")
               + ("" if learning_curve or evaluation is None else
                  "; learning curve left out (duocode demo --learning-curve, or precode evaluate)") + note)
    return {"summary": summary, **figures, "evaluation": evaluation}
