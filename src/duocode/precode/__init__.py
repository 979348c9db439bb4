"""The NLP pre-coder: finds candidate cases and suggests codes, offline, with explanations.

It never becomes a coder. Its cases carry ``source = precoder`` and stay *candidates* until a researcher accepts
them; its codes are stored under the reserved coder ``precoder``, each with a calibrated confidence and an
explanation; coder workbooks leave them out unless asked (project setting ``hide_suggestions``), agreement never
counts them unless named, and every suggestion copied into a human's codes is logged as
``accepted-from-precoder``.

Modules
-------
pipeline   blank English spaCy pipeline (sentencizer), light stemmer, phrase/token matchers, negation and
           hypothetical marking
lexicon    cue lexicons built from a codebook (keywords, examples, definitions) plus the detector's own
           personalization, reaction and mass-communication cues
detect     candidate cases: score informant sentences, merge hits into sentence-bounded spans; accept / reject
features   per-case cue scores and prototype similarities shared by the models
model      cold-start rules and the trained, calibrated classifier per variable
labels     which human codes the pre-coder learns from (consensus, else agreed codes)
suggest    ``precode suggest`` and ``precode adopt``
evaluate   cross-validation against the human codes; detection against human cases
active     ``precode next``: uncertainty sampling
demo       the pre-coding part of ``duocode demo``
corpus     loads the demo corpus into a project for evaluation

This ``__init__`` is the pre-coder's one public face (a contract in ``pyproject.toml``). spaCy, scikit-learn
and numpy are imported inside the functions that use them, so ``import duocode.precode`` stays cheap.
"""
from duocode.precode.active import NextResult, next_cases
from duocode.precode.demo import precode_demo
from duocode.precode.detect import LIST_CANDIDATES, DetectResult, ReviewResult, accept, detect, reject
from duocode.precode.evaluate import (OVERLAP_RULE, EvaluationResult, evaluate, record_evaluation,
                                     recorded_evaluation)
from duocode.precode.evaluate import _detection_method as detection_method
from duocode.precode.external import ExternalEvaluation, evaluate_external
from duocode.precode.embed import BACKENDS as EMBEDDINGS
from duocode.precode.suggest import (AdoptResult, SettingResult, SuggestResult, adopt, change_settings,
                                     set_hide_suggestions, suggest)

__all__ = ["EMBEDDINGS", "LIST_CANDIDATES", "OVERLAP_RULE", "AdoptResult", "DetectResult", "EvaluationResult", "ExternalEvaluation", "NextResult", "ReviewResult",
           "SettingResult", "SuggestResult", "accept", "adopt", "change_settings", "detect", "detection_method", "evaluate", "evaluate_external",
           "next_cases", "precode_demo", "record_evaluation", "recorded_evaluation", "reject", "set_hide_suggestions", "suggest"]
