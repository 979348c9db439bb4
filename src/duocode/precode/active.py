"""``precode next``: which cases a coder should code next to improve the pre-coder most.

Uncertainty sampling (least confidence; Lewis & Gale 1994): for every case still to be coded, the pre-coder's
confidence in its own suggestion is computed for each categorical variable with the model it currently has
(trained where there are enough labels, cold start elsewhere), and the cases are ranked by the mean of
``1 - confidence``. The suggestions themselves are never shown, only how unsure the pre-coder is and on which
variables, so that proposing a case does not anchor the coder.

References
----------
.. [1] Lewis, D. D., & Gale, W. A. (1994). A sequential algorithm for training text classifiers. *SIGIR '94*,
       3-12. doi:10.1007/978-1-4471-2099-5_1
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project


@dataclass
class NextResult:
    coder: str | None
    cases: list[dict] = field(default_factory=list)   # case_id, document, uncertainty, most_uncertain
    pool: int = 0
    strategy: str = "uncertainty sampling (mean least confidence over the categorical variables)"

    def to_dict(self) -> dict:
        return {"coder": self.coder, "strategy": self.strategy, "pool": self.pool, "cases": self.cases}


def next_cases(project: "Project", n: int = 10, coder: str | None = None, *, seed: int = 0) -> NextResult:
    """The ``n`` uncoded cases the pre-coder is least sure about (see the module docstring).

    Uncoded means: with ``coder``, cases where that coder has not coded every categorical variable; without,
    cases that have no consensus or agreed code on any categorical variable.
    """
    from duocode.precode.features import features_for_cases
    from duocode.precode.labels import training_labels
    from duocode.precode.lexicon import build_lexicon
    from duocode.precode.suggest import compute_suggestions
    from duocode.store import coded_pairs, list_cases

    if n < 1:
        raise InputError(f"-n {n}: ask for at least one case")
    codebook = project.codebook
    categorical = [v.id for v in codebook.variables if v.is_categorical]
    cases = list_cases(project, status="case")
    if not cases:
        raise InputError("the project has no cases", path=str(project.directory),
                         expected="cases from `duocode cases import` or `duocode precode accept`")
    labels = training_labels(project, categorical)
    if coder is not None:
        done = coded_pairs(project, coder)
        pool = [c for c in cases if any((c.id, v) not in done for v in categorical)]
    else:
        labelled = {cid for v in categorical for cid in labels.cases(v)}
        pool = [c for c in cases if c.id not in labelled]
    result = NextResult(coder, pool=len(pool))
    if not pool:
        return result
    lexicon = build_lexicon(codebook)
    labelled_ids = {cid for v in categorical for cid in labels.cases(v)}
    pool_ids = {c.id for c in pool}
    feats = features_for_cases(lexicon, project, [c for c in cases if c.id in labelled_ids or c.id in pool_ids])
    suggestions, _ = compute_suggestions(lexicon, feats, labels, seed=seed)
    per_case: dict[str, list[tuple[float, str]]] = {}
    for s in suggestions:
        per_case.setdefault(s.case_id, []).append((1.0 - s.confidence, s.variable))
    docs = {c.id: c.document for c in pool}
    ranked = []
    for cid in docs:
        items = per_case.get(cid, [])
        if not items:
            continue
        u = sum(x for x, _ in items) / len(items)
        worst = [v for _, v in sorted(items, key=lambda t: (-t[0], t[1]))[:3]]
        ranked.append((-u, cid, {"case_id": cid, "document": docs[cid], "uncertainty": round(u, 4),
                                 "most_uncertain": worst}))
    result.cases = [r[2] for r in sorted(ranked)[:n]]
    return result
