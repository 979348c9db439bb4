"""``duocode agree --spans``: agreement of the coders' proposed case spans, per document and overall.

The coders are those with case proposals (``duocode cases import CSV --coder NAME``); ``precoder`` and
``consensus`` count only when named. Every selected coder is taken to have read every document that any of them
marked, so a document one coder left without proposals counts as "nothing here" for that coder; documents nobody
marked are left out. Two coefficients (the maths is in :mod:`duocode.agreement.unitizing` and
:mod:`duocode.agreement.gamma`):

* Krippendorff's |uα (Krippendorff, Mathet, Bouvry & Widlöcher 2016) on each document's text as the continuum,
  with a bootstrap interval over the stretches of text around each marked passage; overall, the documents'
  stretches are pooled;
* Mathet's γ (Mathet, Widlöcher & Métivier 2015), its chance disorder from ``samples`` random continua; overall,
  the documents are separate continua of one corpus.

Randomness (the bootstrap, γ's random continua) is seeded per document from ``seed`` and the document id, so a
document's figures do not depend on which other documents are there, and the same project gives the same output.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Sequence

from duocode._util import split_ids
from duocode.errors import InputError

DEFAULT_BOOTSTRAP = 1000
DEFAULT_SAMPLES = 30


@dataclass
class SpanScores:
    """|uα with its bootstrap interval and γ, for one document or the whole corpus."""

    u_alpha: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    u_alpha_reason: str | None = None
    gamma: float | None = None
    gamma_reason: str | None = None
    spans: dict[str, int] = field(default_factory=dict)     # proposals per coder

    def to_dict(self) -> dict[str, Any]:
        u = {"value": self.u_alpha, "ci_low": self.ci_low, "ci_high": self.ci_high}
        if self.u_alpha is None:
            u["reason"] = self.u_alpha_reason
        g: dict[str, Any] = {"value": self.gamma}
        if self.gamma is None:
            g["reason"] = self.gamma_reason
        return {"u_alpha": u, "gamma": g}


@dataclass
class SpanAgreementResult:
    """``to_dict()`` is the contract's ``{"overall": {...}, "documents": {DOC_ID: {...}}}``."""

    overall: SpanScores
    documents: dict[str, SpanScores]
    coders: list[str]
    bootstrap: int
    samples: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.to_dict(),
                "documents": {doc: scores.to_dict() for doc, scores in self.documents.items()}}




def _rng(seed: int, what: str, key: str):
    """One stream per coefficient and document, so that neither the other documents nor the other coefficient's
    settings (``bootstrap``, ``samples``) change a figure."""
    import numpy as np

    return np.random.default_rng([int(seed), zlib.crc32(what.encode("utf-8")), zlib.crc32(key.encode("utf-8"))])


def span_agreement(project, *, coders: Sequence[str] | str | None = None, bootstrap: int = DEFAULT_BOOTSTRAP,
                   samples: int = DEFAULT_SAMPLES, seed: int | None = None) -> SpanAgreementResult:
    """|uα and γ of the coders' case proposals, per document and over the corpus.

    Parameters
    ----------
    project : duocode.store.Project
    coders : list of names or comma-separated string, optional
        Default: every coder with proposals except ``precoder`` and ``consensus``.
    bootstrap : int
        Bootstrap resamples for |uα's 95% interval (0: no interval).
    samples : int
        Random continua for γ's chance disorder.
    seed : int, optional
        Default 0: the same project always gives the same figures.

    Raises
    ------
    InputError
        Fewer than two coders with proposals, or a named coder without any.
    """
    import numpy as np

    from duocode.agreement import Continuum, unitizing_pieces
    from duocode.store import RESERVED_CODERS, list_documents, list_proposals, proposal_coders

    if samples < 1:
        raise InputError(f"samples must be 1 or more (got {samples})",
                         expected="the number of random continua for γ's chance disorder, e.g. 30")
    seed = 0 if seed is None else int(seed)
    available = proposal_coders(project)
    named = split_ids(coders)
    if named is not None:
        missing = [c for c in named if c not in available]
        if missing:
            raise InputError(f"coder {', '.join(missing)} has no case proposals",
                             expected="coders with proposals: " + (", ".join(available) or "none yet"))
        selected = list(named)
    else:
        selected = [c for c in available if c not in RESERVED_CODERS]
    if len(selected) < 2:
        found = ", ".join(selected) if selected else "none"
        raise InputError(f"span agreement needs case proposals from two or more coders (found: {found})",
                         path=str(project.directory),
                         expected="each coder's spans imported with `duocode cases import CSV --coder NAME`")

    lengths = {d.id: d.n_chars for d in list_documents(project)}
    by_doc: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for p in list_proposals(project):
        if p.coder in selected:
            by_doc.setdefault(p.document, {c: [] for c in selected})[p.coder].append((p.start, p.end))

    from duocode.workers import parallel_map

    all_pieces, continua = [], []
    m = len(selected)
    names = sorted(by_doc)
    for doc in names:
        spans = [np.array(by_doc[doc][c], dtype=np.int64).reshape(-1, 2) for c in selected]
        all_pieces.append(unitizing_pieces(spans, lengths[doc]))
        continua.append(Continuum.of(spans, lengths[doc]))
    totals = {c: sum(len(by_doc[d][c]) for d in names) for c in selected}

    def score(k: int) -> SpanScores:
        """Document k's scores, or the corpus's (k = -1); each has its own seeded generators, so the pieces can
        be computed in any order, in worker processes."""
        if k < 0:
            return _scores(np.concatenate(all_pieces), continua, m, bootstrap, samples, seed, "\0overall", totals)
        doc = names[k]
        return _scores(all_pieces[k], [continua[k]], m, bootstrap, samples, seed, doc,
                       {c: len(by_doc[doc][c]) for c in selected})

    # the corpus first: the longest piece (all documents' continua), so the documents fill the other workers
    overall, *per_document = parallel_map(score, [-1, *range(len(names))])
    documents = dict(zip(names, per_document))
    return SpanAgreementResult(overall=overall, documents=documents, coders=selected, bootstrap=bootstrap,
                               samples=samples, seed=seed)


def _scores(pieces, continua, m, bootstrap, samples, seed, key, spans) -> SpanScores:
    from duocode.agreement import bootstrap_u_alpha, estimate_from_pieces, pooled_gamma

    u = estimate_from_pieces(pieces, m)
    lo = hi = None
    if u.value is not None:
        lo, hi = bootstrap_u_alpha(pieces, m, bootstrap, _rng(seed, "u_alpha", key))
    g = pooled_gamma(continua, n_samples=samples, rng=_rng(seed, "gamma", key))
    return SpanScores(u_alpha=u.value, ci_low=lo, ci_high=hi, u_alpha_reason=u.reason, gamma=g.value,
                      gamma_reason=g.reason, spans=spans)
