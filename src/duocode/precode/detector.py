"""A case detector trained on the project's own cases.

Once coders have marked cases in some transcripts, those transcripts say, sentence by sentence, what a case
looks like in *this* study. The trained detector learns that and takes over from the codebook's rules in
``precode detect`` (``--method auto``, the default, switches when there are at least :data:`MIN_CASES` cases in
:data:`MIN_DOCUMENTS` documents).

* **Units and labels.** Every sentence of an informant turn in a document that holds at least one case is a
  training example: positive when more than half of it lies inside a case (status ``case``, whatever its
  source, less those the consensus settled as not a case), negative otherwise; rejected candidates and
  unmarked passages are the negatives. Documents without any case are left out (they may simply not have been
  read yet).
* **Features.** The rules' evidence for the sentence (practice, reaction and mass-mailing scores, the best
  practice score of its neighbours, whether it answers a question about the practice), its place in the turn
  and its length, TF-IDF word uni- and bigrams of the sentence and TF-IDF words of the sentences either
  side (at half weight), and the *meaning* of the sentence and of its neighbours: their embeddings
  (:mod:`duocode.precode.embed`; the neighbours at half weight), so that a passage worded unlike any coded case
  but saying the same thing still scores.
* **Model.** A logistic regression (scikit-learn, L2, ``C = 1``, no class weights, so that its probabilities
  estimate how often such a sentence lies in a case). Sentences at or above :data:`PROBABILITY_THRESHOLD` are
  hits; hits at most :data:`~duocode.precode.detect.MERGE_GAP` sentences apart merge into one span inside a
  turn, so spans start and end on sentence boundaries, like the rules'. A candidate's confidence is the highest
  sentence probability in it.
* **Choice of constants.** The threshold (0.3, near the share of informant sentences that lie in cases) was set
  by cross-validation over the demo corpus's development interviews, leaving interviews out; see
  ``benchmarks/evaluate_precode.py`` for the held-out figures.

The design is a standard supervised sentence classifier over bag-of-words features (Manning, Raghavan and
Schutze 2008, *Introduction to Information Retrieval*, ch. 13-14; logistic regression as implemented by
scikit-learn). Nothing is downloaded: the model is fitted on the project's own cases each time it runs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from duocode.precode.detect import Candidate
    from duocode.precode.features import DocAnalysis
    from duocode.precode.lexicon import Lexicon
    from duocode.store import Project

MIN_CASES = 8
MIN_DOCUMENTS = 2
PROBABILITY_THRESHOLD = 0.3
# A detector trained on a seed corpus scans text of another study, where cases are rarer than in the seed. Its
# threshold is chosen on the development sets (benchmarks/heldout/tmp-a and tmp-b) as the highest of 0.5, 0.55,
# ..., 0.85 that keeps their pooled recall at its best, cold and learned alike (22 of 24; at 0.75 tmp-a's learned
# recall falls to 0.75): tmp-a 0.83 at precision 0.69, tmp-b 1.00 at 0.63. It is reported on the test sets
# (tmp-c to tmp-f; tmp-e and tmp-f arrived after it was set). Before, 0.6 had been chosen on tmp-b alone.
SEED_THRESHOLD = 0.7
GROW_FACTOR = 0.5     # a hit span takes in the neighbouring sentences of its turn down to this share of the threshold
CONTEXT_WEIGHT = 0.5
NUMERIC_NAMES = ("practice cues", "practice cues next to it", "reaction cues after it", "mass-mailing cues",
                 "answers a question about the practice", "turn length", "place in the turn", "sentence length")


@dataclass
class SentenceRow:
    """One informant sentence, as the trained detector sees it."""

    document: str
    segment: int
    index: int
    start: int
    end: int
    text: str
    context: str
    numeric: list[float]
    cues: list[str] = field(default_factory=list)   # the rules' practice cues in it (for explanations)


def sentence_rows(lexicon: "Lexicon", analysis: "DocAnalysis") -> list[SentenceRow]:
    """Every sentence of the document's informant turns, with the rules' evidence for it."""
    from duocode.precode.detect import _family_scores, asked_about_practice

    rows: list[SentenceRow] = []
    text = analysis.text
    asked = False
    for k, seg in enumerate(analysis.segments):
        if seg.interviewer:
            asked = asked_about_practice(lexicon, seg)
            continue
        n = len(seg.sents)
        if n:
            p, r, m, why_p, _why_r = _family_scores(lexicon, seg)
            for i, (a, b) in enumerate(seg.sents):
                neighbour = max(p[i - 1] if i > 0 else 0.0, p[i + 1] if i + 1 < n else 0.0)
                before = text[seg.sents[i - 1][0]:seg.sents[i - 1][1]] if i > 0 else ""
                after = text[seg.sents[i + 1][0]:seg.sents[i + 1][1]] if i + 1 < n else ""
                rows.append(SentenceRow(
                    analysis.document, k, i, a, b, text[a:b], f"{before} {after}",
                    [p[i], neighbour, min(1.0, sum(r[i:i + 4])), m[i], float(asked and i < 3), math.log1p(n),
                     i / max(1, n - 1), math.log1p(b - a)], list(why_p[i])))
        asked = False
    return rows


def label_rows(rows: list[SentenceRow], spans: dict[str, list[tuple[int, int]]]) -> list[bool]:
    """True for each sentence more than half of which lies inside one of ``spans`` (document -> spans)."""
    out = []
    for r in rows:
        length = max(1, r.end - r.start)
        out.append(any(min(r.end, b) - max(r.start, a) > 0.5 * length for a, b in spans.get(r.document, ())))
    return out


def case_spans_for_training(project: "Project") -> dict[str, list[tuple[int, int]]]:
    """document -> spans of its cases (status ``case``, any source), less those the consensus coded not a case."""
    from duocode.codebook import CASE_VARIABLE
    from duocode.store import CONSENSUS, codes_by_case, list_cases

    not_cases = {cid for cid, codes in codes_by_case(project, CONSENSUS, variables=[CASE_VARIABLE]).items()
                 if codes.get(CASE_VARIABLE) == "no"}
    out: dict[str, list[tuple[int, int]]] = {}
    for c in list_cases(project, status="case"):
        if c.id not in not_cases:
            out.setdefault(c.document, []).append((c.start, c.end))
    return out


def enough_to_train(spans: dict[str, list[tuple[int, int]]]) -> bool:
    return sum(len(v) for v in spans.values()) >= MIN_CASES and len(spans) >= MIN_DOCUMENTS


def learnable(labels: list[bool]) -> bool:
    """Whether the training sentences include both kinds: inside a case and outside one."""
    return len(set(labels)) == 2


class TrainedDetector:
    """Logistic regression over the rules' evidence and TF-IDF words of a sentence and its neighbours."""

    def __init__(self, embedding: str = "wordllama") -> None:
        self.embedding = embedding  # the embedding backend (duocode.precode.embed) of the meaning block
        self.seed = ""              # the seed corpus it was trained on, if any
        self.n_own: int | None = None  # how many of the project's own cases it was trained on beside the seed
        self.n_sentences = 0
        self.n_positive = 0
        self.n_cases = 0
        self.n_documents = 0

    def fit(self, rows: list[SentenceRow], labels: list[bool], *, n_cases: int = 0) -> "TrainedDetector":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if not learnable(labels):
            raise ValueError("training sentences must include both sentences in cases and sentences outside them")
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.context = TfidfVectorizer(min_df=2, sublinear_tf=True)
        words = self.words.fit_transform([r.text for r in rows])
        context = self.context.fit_transform([r.context for r in rows])
        # newton-cg reaches the same optimum as the default lbfgs (probabilities within 0.02 on the demo corpus's
        # 7,176 sentences) in a seventh of the CPU time: a few Newton steps instead of ~120 quasi-Newton ones
        self.model = LogisticRegression(C=1.0, max_iter=5000, solver="newton-cg")
        self.model.fit(self._stack(rows, words, context), labels)
        self._names = self.words.get_feature_names_out()   # the word columns' names, for the explanations
        from duocode.precode.embed import embed

        positive = [r for r, y in zip(rows, labels) if y]
        self._pos_vectors = embed([r.text for r in positive], self.embedding)   # "most like this coded passage"
        self._pos_rows = [(r.document, r.text) for r in positive]
        self.n_sentences, self.n_positive = len(rows), sum(labels)
        self.n_cases, self.n_documents = n_cases, len({r.document for r in rows})
        return self

    def _matrix(self, rows: list[SentenceRow]):
        return self._stack(rows, self.words.transform([r.text for r in rows]),
                           self.context.transform([r.context for r in rows]))

    def _stack(self, rows: list[SentenceRow], words, context):
        from scipy.sparse import csr_matrix, hstack

        from duocode.precode.embed import embed

        numeric = csr_matrix([r.numeric for r in rows]) if rows else csr_matrix((0, len(NUMERIC_NAMES)))
        # one block of meaning: the sentence's embedding plus its neighbours' at half weight (a sum rather than
        # two blocks: the same recall and precision on the held-out sets, half the memory on large projects)
        meaning = csr_matrix(embed([r.text for r in rows], self.embedding)
                             + CONTEXT_WEIGHT * embed([r.context for r in rows], self.embedding))
        return hstack([numeric, words, CONTEXT_WEIGHT * context, meaning]).tocsr()

    def predict(self, rows: list[SentenceRow]) -> list[float]:
        if not rows:
            return []
        return [float(p) for p in self.model.predict_proba(self._matrix(rows))[:, 1]]

    def top_words_for(self, rows: list[SentenceRow], k: int = 4) -> list[list[str]]:
        """For each sentence, its words and word pairs that pushed its probability up most (weight x TF-IDF),
        with one TF-IDF transform for all of them."""
        if not rows:
            return []
        mat = self.words.transform([r.text for r in rows]).tocsr()
        coef = self.model.coef_[0][len(NUMERIC_NAMES):len(NUMERIC_NAMES) + mat.shape[1]]
        names = self._names
        out = []
        for i in range(mat.shape[0]):
            lo, hi = mat.indptr[i], mat.indptr[i + 1]
            scored = sorted(((coef[j] * x, names[j]) for j, x in zip(mat.indices[lo:hi], mat.data[lo:hi])
                             if coef[j] * x > 0), reverse=True)
            out.append([f"'{w}'" for _s, w in scored[:k]])
        return out

    def nearest(self, rows: list[SentenceRow]) -> list[tuple[str, str, float]]:
        """For each sentence, the coded sentence (in a case) it is closest to in meaning: (document, a short
        quote, cosine similarity)."""
        from duocode.precode.embed import embed

        if not rows or not self._pos_rows:
            return [("", "", 0.0) for _ in rows]
        sims = embed([r.text for r in rows], self.embedding) @ self._pos_vectors.T
        out = []
        for i in range(len(rows)):
            j = int(sims[i].argmax())
            doc, text = self._pos_rows[j]
            out.append((doc, short_quote(text), float(sims[i, j])))
        return out

    def describe(self, threshold: float = PROBABILITY_THRESHOLD) -> str:
        where = "coded documents"
        if self.seed:
            where = f"interviews of the codebook's seed corpus '{self.seed}'"
            if self.n_own:
                where += f" and the project's coded documents ({self.n_own} cases)"
        from duocode.precode.embed import DEFAULT, MODELS

        meaning = "" if self.embedding == DEFAULT else f"; meaning from {MODELS[self.embedding]}"
        return (f"trained detector: logistic regression on {self.n_sentences:,} informant sentences of "
                f"{self.n_documents} {where} ({self.n_positive:,} of them in {self.n_cases:,} cases); "
                f"sentences with probability >= {threshold:g} are hits{meaning}")


def training_set(rows_by_document: dict[str, list[SentenceRow]], spans: dict[str, list[tuple[int, int]]]
                 ) -> tuple[list[SentenceRow], list[bool], int]:
    """The sentences of the documents in ``spans`` (in document order), their labels, and the number of cases."""
    rows = [r for d in sorted(spans) for r in rows_by_document[d]]
    return rows, label_rows(rows, spans), sum(len(v) for v in spans.values())


def short_quote(text: str, words: int = 10) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def passages(probs_at: dict[int, float], threshold: float, gap: int) -> list[tuple[int, int]]:
    """Sentence ranges ``(first, last)`` of one turn (sentence index -> probability) that make candidates.

    Hits (probability >= ``threshold``) at most ``gap`` sentences apart form one range; each range then takes in
    the neighbouring sentences whose probability is at least :data:`GROW_FACTOR` x ``threshold``, since
    researchers mark whole passages rather than single sentences (hysteresis thresholding, as in Canny's edge
    linking: a strong seed, grown through weaker neighbours); ranges that then touch merge.
    """
    from duocode.precode.detect import _clusters

    low = threshold * GROW_FACTOR
    ranges: list[list[int]] = []
    for cluster in _clusters(sorted(i for i, p in probs_at.items() if p >= threshold), gap):
        lo, hi = cluster[0], cluster[-1]
        while lo - 1 in probs_at and probs_at[lo - 1] >= low:
            lo -= 1
        while hi + 1 in probs_at and probs_at[hi + 1] >= low:
            hi += 1
        if ranges and lo <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], hi)
        else:
            ranges.append([lo, hi])
    return [(lo, hi) for lo, hi in ranges]


def trained_candidates(detector: TrainedDetector, rows: list[SentenceRow], texts: dict[str, str], *,
                       threshold: float = PROBABILITY_THRESHOLD, probs: list[float] | None = None
                       ) -> list["Candidate"]:
    """Spans of hit sentences (probability >= ``threshold``), merged inside each turn like the rules' hits;
    ``texts`` maps document id -> its text; ``probs``: the detector's probabilities for ``rows``, when the
    caller already has them."""
    from duocode.precode.detect import MERGE_GAP, Candidate, _unique

    if probs is None:
        probs = detector.predict(rows)
    by_turn: dict[tuple[str, int], list[int]] = {}
    for k, r in enumerate(rows):
        by_turn.setdefault((r.document, r.segment), []).append(k)
    hit_rows = [k for k in range(len(rows)) if probs[k] >= threshold]
    top = dict(zip(hit_rows, detector.top_words_for([rows[k] for k in hit_rows], 3)))
    near = dict(zip(hit_rows, detector.nearest([rows[k] for k in hit_rows])))
    out: list[Candidate] = []
    for ks in by_turn.values():
        at = {rows[k].index: k for k in ks}
        for lo, hi in passages({rows[k].index: probs[k] for k in ks}, threshold, MERGE_GAP):
            members = [at[i] for i in range(lo, hi + 1)]
            best = max(members, key=lambda k: probs[k])
            first, last = rows[members[0]], rows[members[-1]]
            words = _unique(w for k in members if probs[k] >= threshold for w in top[k])
            cues = _unique(c for k in members for c in rows[k].cues)
            parts = [f"trained detector, sentence probability up to {probs[best]:.2f}"]
            if words:
                parts.append(f"words {', '.join(words[:5])}")
            if cues:
                parts.append(f"practice cues {', '.join(cues[:4])}")
            if best in near and near[best][0]:
                doc, quote, sim = near[best]
                parts.append(f"closest in meaning to a coded passage of {doc} ({sim:.2f}): \"{quote}\"")
            out.append(Candidate(first.document, first.start, last.end, round(probs[best], 3), round(probs[best], 3),
                                 "; ".join(parts), texts[first.document][first.start:last.end]))
    return out


# -- a seed corpus: learning before the project has cases of its own --------------------------------------------
SEED_UNTIL = 100     # the project's own cases from which on the seed corpus is left out of training
_SEED_ROWS: dict[tuple[str, str], tuple[dict, dict]] = {}
_SEED_FITS: dict[tuple[str, str, tuple[str, ...], str], TrainedDetector | None] = {}


def seed_rows(lexicon: "Lexicon", folder) -> tuple[dict[str, list[SentenceRow]], dict[str, list[tuple[int, int]]]]:
    """The seed corpus's sentence rows per document and its case spans, document ids prefixed
    :data:`~duocode.precode.seeds.SEED_PREFIX` (made once per process and codebook)."""
    from duocode.precode.features import analysed_in_workers
    from duocode.precode.seeds import SEED_PREFIX, seed_documents

    key = (str(folder), lexicon.codebook.sha256)
    if key not in _SEED_ROWS:
        documents, spans = seed_documents(folder)
        # read in the worker processes, the analyses kept, so that suggest's seed training reads them again
        rows = dict(zip((SEED_PREFIX + doc.id for doc in documents), analysed_in_workers(
            lexicon, documents, lambda _doc, analysis: sentence_rows(lexicon, analysis()))))
        for doc_rows in rows.values():
            for r in doc_rows:
                r.document = SEED_PREFIX + r.document
        _SEED_ROWS[key] = rows, {SEED_PREFIX + d: v for d, v in spans.items()}
    return _SEED_ROWS[key]


def fit_detector(lexicon: "Lexicon", rows: dict[str, list[SentenceRow]], spans: dict[str, list[tuple[int, int]]],
                 *, texts: Iterable[str] = (), embedding: str = "wordllama", project: "Project | None" = None
                 ) -> tuple[TrainedDetector | None, float]:
    """The detector ``detect`` uses, and its default threshold.

    Trained on the project's cases (``spans``, whose documents' rows are in ``rows``; none before the project
    has cases); while they are fewer than :data:`SEED_UNTIL` and the codebook names a seed corpus, on the seed's
    cases too, with the seed's threshold (on the held-out sets, learning from 10 cases alone found fewer cases
    than the seed corpus did: the two together keep the seed's recall and add the project's own kind of case).
    A seed interview whose text is one of ``texts`` (the project's, or the ones to be scanned; only read when
    the seed is used) is left out, so that a project built from the seed corpus itself is never scored on what
    it trained on. A fit on the seed alone is kept for the process. None when there is nothing to learn (every
    sentence inside a case, or none, or no cases at all).

    ``embedding``: the backend of the meaning features; ``project``: where a cached backend's vectors of the
    training sentences are read and written (only in the process that owns the project; see
    :func:`prepare_embeddings`)."""
    from duocode.precode.seeds import SEED_PREFIX, repeated_in, seed_corpus

    n_own = sum(len(v) for v in spans.values())
    folder = seed_corpus(lexicon.codebook) if n_own < SEED_UNTIL else None
    if folder is None:
        prepare_embeddings(project, embedding, (r for d in spans for r in rows[d]))
        return _fit(rows, spans, None, n_own, embedding), PROBABILITY_THRESHOLD
    s_rows, s_spans = seed_rows(lexicon, folder)
    left_out = {SEED_PREFIX + d for d in repeated_in(folder, texts)}
    keep = [d for d in s_spans if d not in left_out]
    rows = {**{d: s_rows[d] for d in keep}, **rows}
    if n_own:
        spans = {**{d: s_spans[d] for d in keep}, **spans}
        prepare_embeddings(project, embedding, (r for d in spans for r in rows[d]))
        return _fit(rows, spans, folder, n_own, embedding), SEED_THRESHOLD
    key = (str(folder), lexicon.codebook.sha256, tuple(keep), embedding)
    if key not in _SEED_FITS:
        seed_spans = {d: s_spans[d] for d in keep}
        prepare_embeddings(project, embedding, (r for d in seed_spans for r in rows[d]))
        _SEED_FITS[key] = _fit(rows, seed_spans, folder, None, embedding) if enough_to_train(seed_spans) else None
    return _SEED_FITS[key], SEED_THRESHOLD


def prepare_embeddings(project: "Project | None", embedding: str, rows: Iterable[SentenceRow]) -> None:
    """For a backend whose vectors are cached in the project (minilm): read the vectors of the rows' sentences
    and contexts from ``project``, compute the missing ones and write them to it, so that the detector's fits
    and scans, here or in forked workers, find every vector in this process's cache. Does nothing for the
    default backend or without a project."""
    from duocode.precode.embed import cached, embed

    if project is None or not cached(embedding):
        return
    texts: list[str] = []
    for r in rows:
        texts += (r.text, r.context)
    embed(texts, embedding, project=project)


def prepare_seed_embeddings(project: "Project | None", embedding: str, lexicon: "Lexicon") -> None:
    """:func:`prepare_embeddings` for every sentence of the codebook's seed corpus (when it names one), before
    worker processes fit detectors that learn from it."""
    from duocode.precode.embed import cached
    from duocode.precode.seeds import seed_corpus

    if project is None or not cached(embedding):
        return
    folder = seed_corpus(lexicon.codebook)
    if folder is not None:
        s_rows, _spans = seed_rows(lexicon, folder)
        prepare_embeddings(project, embedding, (r for rows in s_rows.values() for r in rows))


def _fit(rows, spans, folder, n_own: int | None, embedding: str = "wordllama") -> TrainedDetector | None:
    train_rows, labels, n_cases = training_set(rows, spans)
    if not spans or not learnable(labels):
        return None
    detector = TrainedDetector(embedding).fit(train_rows, labels, n_cases=n_cases)
    if folder is not None:
        detector.seed, detector.n_own = Path(folder).name, n_own
    return detector
