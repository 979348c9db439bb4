"""Case detection: find passages where an informant describes a personalization practice and reacts to it.

Two methods. Until coders have marked enough cases, the codebook's keywords and the cue rules below score the
sentences (``rules``). Once a project has :data:`~duocode.precode.detector.MIN_CASES` cases in
:data:`~duocode.precode.detector.MIN_DOCUMENTS` documents, ``detect`` trains a sentence classifier on them and
uses it instead (``trained``, :mod:`duocode.precode.detector`; ``--method rules`` keeps the rules). Candidate
spans follow the same shape either way: hit sentences of one informant turn merged into one span.

Scoring by the rules (per informant turn; interviewer turns are context only):

1. every sentence gets a *practice* score ``p`` (the weights of its practice cues - 1 for a strong cue, 0.5 for
   a weak one, 0.3 of that when hypothetical, nothing when negated; overlapping cues count once, the longest),
   a *reaction* score ``r`` and a *mass* score ``m`` (minus one for "the same leaflet everybody gets");
2. its window score is ``w = p + 0.5 max(p_prev, p_next) + 0.5 min(1, r + r_1 + r_2 + r_3) + q + m``
   (``r_k``: the k-th following sentence), where ``q = 0.5`` for the first three sentences of an answer to a
   question that itself mentions personalization;
3. sentences with ``p >= 0.5`` and ``w >= threshold`` (:data:`DEFAULT_THRESHOLD`) are hits; hits at most
   :data:`MERGE_GAP` sentences apart merge into one span, which takes in up to :data:`EXTEND` following
   sentences that carry a reaction or practice cue. Spans start and end on sentence boundaries and never cross
   a turn;
4. confidence ``1 - exp(-s / 1.5)`` of the span score ``s`` (the best window score plus a quarter of the other
   practice evidence in the span).

The threshold was chosen on the demo corpus's dev split as the highest one that still found every human case
there (the tool is meant for recall: researchers review candidates, they cannot review what was never
proposed). Candidates overlapping an existing case, candidate or rejected span are not proposed again, so
running ``detect`` twice adds nothing.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Iterable

from duocode._util import no_progress, plural
from duocode.errors import InputError, ProblemCollector, RefusedError
from duocode.precode.lexicon import RULE_LABELS
from duocode.store import ADOPT_ACTION

if TYPE_CHECKING:  # pragma: no cover
    from duocode.precode.features import DocAnalysis, Segment
    from duocode.precode.lexicon import Lexicon
    from duocode.store import Project

DEFAULT_THRESHOLD = 1.25
MERGE_GAP = 2          # hits at most this many sentences apart merge
EXTEND = 2             # following reaction sentences a span may take in
CONFIDENCE_SCALE = 1.5
ACCEPT_ACTION = ADOPT_ACTION     # accepting a candidate case is logged like adopting a code
# `cases list` shows status-`case` cases only; --all adds candidates and rejected ones, with a status column.
LIST_CANDIDATES = "duocode cases list --all --source precoder"
REJECT_ACTION = "rejected-from-precoder"
METHODS = ("auto", "rules", "trained", "seed")
RULES_DESCRIPTION = "rules: the codebook's keywords and examples and the detector's cue rules"


@dataclass(frozen=True)
class Candidate:
    document: str
    start: int
    end: int
    confidence: float
    score: float
    explanation: str
    text: str = ""
    id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DetectResult:
    candidates: list[Candidate]
    n_documents: int
    n_words: int
    seconds: float
    skipped_existing: int = 0
    below_confidence: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    method: str = "rules"
    model: str = RULES_DESCRIPTION

    def to_dict(self) -> dict:
        return {"candidates": [c.to_dict() for c in self.candidates], "method": self.method, "model": self.model,
                "n_documents": self.n_documents,
                "n_words": self.n_words, "skipped_existing": self.skipped_existing,
                "below_confidence": self.below_confidence, "dry_run": self.dry_run, "warnings": self.warnings}


# -- scoring ---------------------------------------------------------------------------------------------------
def _family_scores(lexicon: "Lexicon", seg: "Segment") -> tuple[list[float], list[float], list[float], list[list[str]],
                                                             list[list[str]]]:
    n = len(seg.sents)
    p, r, m = [0.0] * n, [0.0] * n, [0.0] * n
    why_p: list[list[str]] = [[] for _ in range(n)]
    why_r: list[list[str]] = [[] for _ in range(n)]
    per_sent: dict[tuple[int, str], list[tuple[int, int, float, str]]] = {}
    for hit in seg.hits:
        best: dict[str, float] = {}
        for cue in lexicon.cues.get(hit.key, ()):
            if cue.variable is None:
                if cue.family not in best or abs(cue.weight) > abs(best[cue.family]):
                    best[cue.family] = cue.weight
        for family, weight in best.items():
            if family == "practice":
                if hit.negated:
                    continue
                if hit.hypothetical:
                    weight *= 0.3
            elif family == "mass" and hit.negated:
                continue
            if hit.key.startswith("rule:"):
                label = f"rule: {RULE_LABELS.get(hit.key[5:], hit.key[5:])}"
            else:
                label = f"'{hit.text.lower()}'"
            per_sent.setdefault((hit.sent, family), []).append((hit.start_char, hit.end_char, weight, label))
    for (i, family), items in per_sent.items():
        kept: list[tuple[int, int]] = []
        for a, b, weight, label in sorted(items, key=lambda x: (-(x[1] - x[0]), x[0])):
            if any(a < kb and ka < b for ka, kb in kept):
                continue
            kept.append((a, b))
            if family == "practice":
                p[i] += weight
                why_p[i].append(label)
            elif family == "reaction":
                r[i] += weight
                why_r[i].append(label)
            elif family == "mass":
                m[i] += weight
    return p, r, m, why_p, why_r


def find_candidates(lexicon: "Lexicon", analysis: "DocAnalysis", *, threshold: float = DEFAULT_THRESHOLD
                    ) -> list[Candidate]:
    """Candidate spans in one analysed document (pure: nothing is read from or written to a project)."""
    out: list[Candidate] = []
    asked = False
    asked_words = _asked_words(lexicon)
    text = analysis.text
    for seg in analysis.segments:
        if seg.interviewer:
            asked = asked_about_practice(lexicon, seg)
            continue
        n = len(seg.sents)
        if not n:
            continue
        p, r, m, why_p, why_r = _family_scores(lexicon, seg)
        w = []
        for i in range(n):
            neighbour = max(p[i - 1] if i > 0 else 0.0, p[i + 1] if i + 1 < n else 0.0)
            reaction = min(1.0, sum(r[i:i + 4]))
            q = 0.5 if asked and i < 3 else 0.0
            w.append(p[i] + 0.5 * neighbour + 0.5 * reaction + q + m[i])
        hits = [i for i in range(n) if p[i] >= 0.5 and w[i] >= threshold]
        for cluster in _clusters(hits, MERGE_GAP):
            first, last = cluster[0], cluster[-1]
            extra = 0
            while last + 1 < n and extra < EXTEND and (r[last + 1] > 0 or p[last + 1] > 0):
                last += 1
                extra += 1
            best = max(w[i] for i in cluster)
            practice = [p[i] for i in range(first, last + 1)]
            score = best + 0.25 * (sum(practice) - max(practice))
            confidence = round(1.0 - math.exp(-score / CONFIDENCE_SCALE), 3)
            start, end = seg.sents[first][0], seg.sents[last][1]
            reasons = _unique([x for i in range(first, last + 1) for x in why_p[i]])
            reacts = _unique([x for i in range(first, last + 1) for x in why_r[i]])
            parts = [f"practice cues {', '.join(reasons[:5])}"]
            if reacts:
                parts.append(f"reaction {', '.join(reacts[:3])}")
            if asked and first < 3:
                parts.append(asked_words)
            out.append(Candidate(analysis.document, start, end, confidence, round(score, 3), "; ".join(parts),
                                 text[start:end]))
        asked = False
    return out


def asked_about_practice(lexicon: "Lexicon", seg: "Segment") -> bool:
    """Whether an interviewer turn mentions a personalization practice (its answer's first sentences get q)."""
    return any(c.family == "practice" and not h.negated
               for h in seg.hits for c in lexicon.cues.get(h.key, ()) if c.variable is None)


def _asked_words(lexicon: "Lexicon") -> str:
    """How a candidate's explanation names the interviewer's question: by the codebook's title."""
    title = str(getattr(getattr(lexicon, "codebook", None), "title", "") or "").strip()
    if not title:
        return "answers the interviewer's question about the practice"
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        title = title[0].lower() + title[1:]       # keep acronyms ("TMP ...") as written
    return f"answers the interviewer's question about {title}"


def _clusters(indices: list[int], gap: int) -> list[list[int]]:
    out: list[list[int]] = []
    for i in indices:
        if out and i - out[-1][-1] <= gap + 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def detect_in_documents(lexicon: "Lexicon", documents: Iterable, *, threshold: float = DEFAULT_THRESHOLD,
                        progress=None, total: int | None = None) -> tuple[list[Candidate], int, int]:
    """Candidates in store ``Document`` objects; returns ``(candidates, n_documents, n_words)``."""
    from duocode.precode.features import analyze_document

    out: list[Candidate] = []
    n_docs = n_words = 0
    report = progress or no_progress
    for document in documents:
        report(SCANNING, n_docs, total)
        analysis = analyze_document(lexicon, document)
        n_docs += 1
        n_words += analysis.n_words
        out += find_candidates(lexicon, analysis, threshold=threshold)
    report(SCANNING, n_docs, total)
    return out, n_docs, n_words


SCANNING = "scanning the documents"


# -- the stage ---------------------------------------------------------------------------------------------------
def detect(project: "Project", *, documents: list[str] | None = None, min_confidence: float = 0.0,
           threshold: float | None = None, method: str = "auto", dry_run: bool = False, progress=None,
           embedding: str | None = None) -> DetectResult:
    """Find candidate cases in the project's documents and store them (status ``candidate``, source
    ``precoder``) with their confidence and explanation, all in one transaction.

    Parameters
    ----------
    documents : list of str, optional
        Document ids to scan (default: all).
    min_confidence : float
        Candidates below this confidence are not stored.
    threshold : float, optional
        What a sentence needs to be a hit: the rules' window score (default :data:`DEFAULT_THRESHOLD`, see the
        module docstring), or the trained detector's probability (default
        :data:`~duocode.precode.detector.PROBABILITY_THRESHOLD`).
    method : {"auto", "rules", "trained", "seed"}
        ``rules``: the codebook's keywords and the detector's rules; ``trained``: a detector trained on the
        project's cases (:mod:`duocode.precode.detector`); ``seed``: the same detector trained on the coded
        seed corpus that the codebook names (``precode.seed_corpus``); ``auto``: trained once the project has enough cases
        (:data:`~duocode.precode.detector.MIN_CASES` in :data:`~duocode.precode.detector.MIN_DOCUMENTS`
        documents), before that the seed corpus where the codebook has one, else the rules.
    dry_run : bool
        Find and report, store no candidates (vectors of a cached embedding model are still kept).
    progress : callable, optional
        A :data:`duocode._util.Progress`: hears of every document read and scanned, and of the training.
    embedding : {"wordllama", "minilm"}, optional
        The trained detector's embedding model (:mod:`duocode.precode.embed`; default: the project's setting,
        else wordllama). minilm's vectors are read from the project and the new ones written to it.

    Raises
    ------
    InputError
        Unknown document ids, a project without documents, an unknown method, a probability threshold outside
        0..1, ``trained`` without enough cases to train on, or an embedding model that is not installed.
    """
    from duocode.precode import detector as trained
    from duocode.precode.lexicon import build_lexicon
    from duocode.store import case_spans, document_ids, get_document

    t0 = time.perf_counter()
    known = document_ids(project)
    if not known:
        raise InputError("the project has no documents to scan", path=str(project.directory),
                         expected="transcripts added with `duocode ingest`")
    wanted = known if documents is None else list(documents)
    problems = ProblemCollector(InputError)
    for d in wanted:
        if d not in known:
            problems.add(f"unknown document '{d}'", expected="one of " + ", ".join(known[:20]))
    if not 0.0 <= min_confidence <= 1.0:
        problems.add(f"--min-confidence {min_confidence} is outside 0..1")
    if method not in METHODS:
        problems.add(f"unknown detection method '{method}'", expected=" or ".join(METHODS))
    training = trained.case_spans_for_training(project)
    enough = trained.enough_to_train(training)
    if method == "trained" and not enough:
        n_cases = sum(len(v) for v in training.values())
        problems.add(f"too few cases to train the detector: {n_cases} in {len(training)} documents",
                     expected=f"at least {trained.MIN_CASES} cases (status case) in {trained.MIN_DOCUMENTS} documents; "
                              "use --method rules until then")
    from duocode.precode.seeds import seed_corpus

    seed_folder = seed_corpus(project.codebook)
    if method == "seed" and seed_folder is None:
        problems.add("the codebook names no seed corpus to learn from",
                     expected="a codebook with precode.seed_corpus (see docs/CODEBOOK_FORMAT.md); "
                              "use --method rules")
    use_trained = method == "trained" or (method == "auto" and enough)
    use_seed = method == "seed" or (method == "auto" and not enough and seed_folder is not None)
    if (use_trained or use_seed) and threshold is not None and not 0.0 <= threshold <= 1.0:
        problems.add(f"--threshold {threshold} is outside 0..1 (the trained detector's threshold is a probability)")
    problems.raise_if_any()
    from duocode.precode.embed import chosen

    # the model is checked when asked for, or when the project's setting names it and a trained detector runs
    backend = chosen(project, embedding) if embedding is not None or use_trained or use_seed else None
    lexicon = build_lexicon(project.codebook)
    model = None
    warnings = list(lexicon.warnings)
    if use_trained:
        scanned = _detect_trained(project, lexicon, wanted, training, threshold, progress or no_progress, backend)
        if scanned is None:
            reason = ("every informant sentence of the documents holding cases lies inside a case, so the "
                      "detector has no sentence outside a case to learn from")
            if method == "trained":
                raise InputError(f"cannot train the detector: {reason}", path=str(project.directory),
                                 expected="documents whose cases leave some informant talk unmarked; "
                                          "use --method rules")
            warnings.append(f"{reason}; the rules were used instead")
            use_trained = False
        else:
            found, n_docs, n_words, model = scanned
    if use_seed and not use_trained:
        scanned = _detect_seeded(project, lexicon, wanted, threshold, progress or no_progress, backend)
        if scanned is None:
            warnings.append(f"the seed corpus {seed_folder} holds too few cases to learn from; the rules were used")
            use_seed = False
        else:
            found, n_docs, n_words, model = scanned
    if not use_trained and not use_seed:
        found, n_docs, n_words = detect_in_documents(lexicon, (get_document(project, d) for d in wanted),
                                                     threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                                                     progress=progress, total=len(wanted))
    spans = case_spans(project)
    keep, skipped, below = [], 0, 0
    for c in found:
        if any(a < c.end and c.start < b for a, b, *_ in spans.get(c.document, ())):
            skipped += 1
        elif c.confidence < min_confidence:
            below += 1
        else:
            keep.append(c)
    keep = _with_ids(keep, {cid for lst in spans.values() for *_, cid, _s, _src in lst})
    result = DetectResult(keep, n_docs, n_words, 0.0, skipped, below, dry_run, warnings,
                          "trained" if use_trained else "seed" if use_seed else "rules",
                          model if model is not None else RULES_DESCRIPTION)
    if not dry_run and keep:
        from duocode.store import Case, insert_cases

        with project.transaction():
            insert_cases(project, [Case(c.id, c.document, c.start, c.end, c.text, source="precoder",
                                        status="candidate", confidence=c.confidence, explanation=c.explanation)
                                   for c in keep], source_file="precode detect")
    result.seconds = time.perf_counter() - t0
    return result


def _detect_trained(project: "Project", lexicon: "Lexicon", wanted: list[str],
                    training: dict[str, list[tuple[int, int]]], threshold: float | None, report,
                    embedding: str = "wordllama"):
    """Train on the documents holding cases, then scan ``wanted``; each document is analysed once. None when
    the training sentences are all of one kind (all inside cases, or none), so there is nothing to learn.

    With an embedding model cached in the project, the scanned documents are read first too, and every vector
    is read from the project or computed and written here, before the scan's worker processes start."""
    from duocode.precode import detector as trained
    from duocode.precode.embed import cached
    from duocode.store import get_document

    documents = {d: get_document(project, d) for d in dict.fromkeys([*training, *wanted])}
    reading = f"reading the {plural(len(training), 'document')} that hold cases"
    read = _read_in_workers(lexicon, [documents[d] for d in training], report, reading)
    known = dict(zip(training, read))
    if cached(embedding):
        known.update(_read_scanned(lexicon, [documents[d] for d in wanted if d not in known], report))
        report(EMBEDDING)
        trained.prepare_embeddings(project, embedding, (r for d in wanted for r in known[d][0]))
    report(TRAINING)
    model, default = trained.fit_detector(lexicon, {d: r for d, (r, _n) in known.items() if d in training},
                                          training, texts=(doc.text for doc in documents.values()),
                                          embedding=embedding, project=project)
    if model is None:
        return None
    thr = default if threshold is None else threshold
    found, n_words = _scan_in_workers(lexicon, model, [documents[d] for d in wanted], thr, report, known)
    return found, len(wanted), n_words, model.describe(thr)


EMBEDDING = "embedding the sentences (vectors the project does not hold yet)"


def _read_scanned(lexicon: "Lexicon", documents: list, report) -> dict[str, tuple[list, int]]:
    """The sentence rows and informant words of the documents to scan, by document id, read in the workers."""
    if not documents:
        return {}
    read = _read_in_workers(lexicon, documents, report, f"reading the {plural(len(documents), 'document')} to scan")
    return {doc.id: r for doc, r in zip(documents, read)}


TRAINING = "training the detector"


def _detect_seeded(project: "Project", lexicon: "Lexicon", wanted: list[str], threshold: float | None, report,
                   embedding: str = "wordllama"):
    """Scan ``wanted`` with the detector trained on the codebook's seed corpus (None: nothing to learn)."""
    from duocode.precode import detector as trained
    from duocode.precode.embed import cached
    from duocode.store import get_document

    documents = [get_document(project, d) for d in wanted]
    known = None
    if cached(embedding):
        known = _read_scanned(lexicon, documents, report)
        report(EMBEDDING)
        trained.prepare_embeddings(project, embedding, (r for rows, _n in known.values() for r in rows))
    report(TRAINING + " on the seed corpus")
    model, default = trained.fit_detector(lexicon, {}, {}, embedding=embedding, project=project)
    if model is None:
        return None
    thr = default if threshold is None else threshold
    found, n_words = _scan_in_workers(lexicon, model, documents, thr, report, known)
    return found, len(wanted), n_words, model.describe(thr)


BATCH = 16   # documents per piece of work in a worker process


def _read_in_workers(lexicon: "Lexicon", documents: list, report, stage: str) -> list[tuple[list, int]]:
    """Each document's sentence rows and informant word count, analysed in the worker processes; the analyses
    come back into this process's cache (suggest and evaluate use them next) where they fit in it."""
    from duocode.precode import detector as trained
    from duocode.precode.features import analysed_in_workers

    def read(_document, analysis):
        return trained.sentence_rows(lexicon, analysis()), analysis().n_words

    return analysed_in_workers(lexicon, documents, read, most=BATCH,
                               done=lambda n: report(stage, n, len(documents)))


def _scan_in_workers(lexicon: "Lexicon", model, documents: list, threshold: float, report,
                     known: dict[str, tuple[list, int]] | None = None) -> tuple[list[Candidate], int]:
    """The trained ``model``'s candidates in ``documents`` and their informant words, scanned in the worker
    processes (``known``: the sentence rows and word counts of documents already read, by document id); the
    analyses made for the scan come back into this process's cache (suggest reads them next)."""
    from duocode.precode import detector as trained
    from duocode.precode.features import analysed_in_workers

    known = known or {}

    def scan(doc, analysis):
        if doc.id in known:
            doc_rows, n = known[doc.id]
        else:
            doc_rows, n = trained.sentence_rows(lexicon, analysis()), analysis().n_words
        return trained.trained_candidates(model, doc_rows, {doc.id: doc.text}, threshold=threshold), n

    found, n_words = [], 0
    for candidates, n in analysed_in_workers(lexicon, documents, scan, most=BATCH,
                                             done=lambda k: report(SCANNING, k, len(documents))):
        found += candidates
        n_words += n
    return found, n_words


def _with_ids(candidates: list[Candidate], taken: set[str]) -> list[Candidate]:
    from dataclasses import replace

    out, counters = [], {}
    for c in candidates:
        n = counters.get(c.document, 0)
        while True:
            n += 1
            cid = f"pc-{c.document}-{n:03d}"
            if cid not in taken:
                break
        counters[c.document] = n
        taken.add(cid)
        out.append(replace(c, id=cid))
    return out


# -- review: accept / reject ----------------------------------------------------------------------------------
@dataclass
class ReviewResult:
    action: str
    changed: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (id, reason)

    def to_dict(self) -> dict:
        return {"action": self.action, "changed": self.changed,
                "skipped": [{"case_id": i, "reason": r} for i, r in self.skipped]}


def _select(project: "Project", ids: list[str] | None, all_: bool, low: float | None, high: float | None,
            verb: str):
    from duocode.store import list_cases

    pending = {c.id: c for c in list_cases(project, status="candidate", source="precoder")}
    if not ids and not all_ and low is None and high is None:
        raise InputError(f"say which candidates to {verb}: give case ids, --all, or a confidence bound")
    problems = ProblemCollector(InputError)
    chosen = []
    if ids:
        every = {c.id: c for c in list_cases(project, status=None)}
        for cid in ids:
            if cid in pending:
                chosen.append(pending[cid])
            elif (verb == "accept" and cid in every and every[cid].source == "precoder"
                  and every[cid].status == "rejected"):
                chosen.append(every[cid])       # named explicitly: a rejected candidate may still be accepted
            elif cid in every:
                c = every[cid]
                what = "a human case" if c.source == "human" else f"already {c.status}"
                problems.add(f"not a pending pre-coder candidate ({what})", location=f"case {cid}")
            else:
                problems.add("no such candidate", location=f"case {cid}",
                             expected=f"an id listed by `{LIST_CANDIDATES}` with status candidate")
        problems.raise_if_any()
    else:
        chosen = list(pending.values())
    if low is not None:
        chosen = [c for c in chosen if (c.confidence or 0.0) >= low]
    if high is not None:
        chosen = [c for c in chosen if (c.confidence or 0.0) <= high]
    return chosen


def accept(project: "Project", ids: list[str] | None = None, *, all_: bool = False,
           min_confidence: float | None = None) -> ReviewResult:
    """Turn pending candidates into cases (status ``case``), logged as ``accepted-from-precoder``.

    Named ids that overlap an existing case are refused (nothing changes); with ``--all`` or a confidence
    bound, such candidates are skipped and listed. A rejected candidate is accepted only when named explicitly
    (``--all`` and confidence bounds pick pending candidates only); its event records ``old`` = ``rejected``.
    """
    from duocode.store import case_spans, set_case_status

    chosen = _select(project, ids, all_, min_confidence, None, "accept")
    spans = case_spans(project)
    ok, skipped = [], []
    problems = ProblemCollector(RefusedError)
    accepted_spans: dict[str, list[tuple[int, int, str]]] = {}
    for c in chosen:
        clash = [cid for a, b, cid, status, _src in spans.get(c.document, ())
                 if status == "case" and a < c.end and c.start < b]
        clash += [cid for a, b, cid in accepted_spans.get(c.document, ()) if a < c.end and c.start < b]
        if clash:
            reason = f"overlaps case {', '.join(clash)}"
            if ids:
                problems.add(f"candidate {c.id} {reason}; reject it or narrow the existing case first",
                             location=f"case {c.id}")
            skipped.append((c.id, reason))
            continue
        ok.append(c)
        accepted_spans.setdefault(c.document, []).append((c.start, c.end, c.id))
    problems.raise_if_any()
    if ok:
        with project.transaction():
            set_case_status(project, [c.id for c in ok], "case")
            project.log_events({"action": ACCEPT_ACTION, "entity": "case", "entity_id": c.id, "old": c.status,
                                "new": "case", "detail": {"confidence": c.confidence, "document": c.document,
                                                          "span": [c.start, c.end]}} for c in ok)
    return ReviewResult("accept", [c.id for c in ok], skipped)


def reject(project: "Project", ids: list[str] | None = None, *, all_: bool = False,
           max_confidence: float | None = None) -> ReviewResult:
    """Discard pending candidates (status ``rejected``; kept so that ``detect`` does not propose them again)."""
    from duocode.store import set_case_status

    chosen = _select(project, ids, all_, None, max_confidence, "reject")
    if chosen:
        with project.transaction():
            set_case_status(project, [c.id for c in chosen], "rejected")
            project.log_events({"action": REJECT_ACTION, "entity": "case", "entity_id": c.id, "old": "candidate",
                                "new": "rejected", "detail": {"confidence": c.confidence}} for c in chosen)
    return ReviewResult("reject", [c.id for c in chosen])
