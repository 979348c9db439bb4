"""Document analysis and per-case features, shared by detection, suggestion, evaluation and active learning.

A document is processed once: its speaker turns become :class:`Segment` objects (the ``Name:`` label left out),
each tokenised, sentence-split and matched against the lexicon. Interviewer turns are kept as context (a
question about personalization raises the score of the answer) but never hold candidates.

A case's features (:class:`CaseFeatures`) are read off the analysed document: the hits inside the case span,
the hits in all the informant's turns of the document (evidence "from the whole interview", which some
variables such as privacy sensitivity ask for; computed once per document and shared by its cases), the
content stems of the span, valence and personalization cues, and the prototype similarity to every value.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Iterator

from duocode._util import no_progress

from duocode.precode.lexicon import RULE_LABELS, Lexicon, is_content
from duocode.precode.pipeline import Hit

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Case, Document

INTERVIEWER = re.compile(r"^\s*(interviewer|interviewerin|int|iv|i|q|moderator|researcher|facilitator|host|"
                         r"r)\s*\d*\s*$", re.IGNORECASE)
HYPOTHETICAL_WEIGHT = 0.3


@dataclass
class Segment:
    """One speaker turn (or the whole text of a document without turns), label excluded."""

    speaker: str | None
    start: int
    end: int
    interviewer: bool
    sents: list[tuple[int, int]] = field(default_factory=list)    # absolute character spans
    hits: list[Hit] = field(default_factory=list)                  # absolute offsets; ``sent`` is local
    stems: list[tuple[int, str, str]] = field(default_factory=list)  # (absolute start, stem, word) of content words
    n_words: int = 0


@dataclass
class DocAnalysis:
    document: str
    text: str
    segments: list[Segment]

    @property
    def n_words(self) -> int:
        return sum(s.n_words for s in self.segments)


def _label_end(text: str, start: int, end: int, speaker: str | None) -> int:
    """Where a turn's content starts: after a leading ``Speaker:`` label and spaces, if there is one."""
    i = start
    while i < end and text[i].isspace():
        i += 1
    if speaker:
        chunk = text[i:min(end, i + len(speaker) + 40)]
        m = re.match(re.escape(speaker) + r"\s*(\[[^\]]*\]\s*)?[:：]", chunk)
        if m:
            i += m.end()
    while i < end and text[i].isspace():
        i += 1
    return i


def interviewer_speakers(turns) -> set[str]:
    """Speakers taken as interviewers: names like ``Interviewer``, ``I``, ``Q``, ``Moderator``; without such a
    name, in a two-speaker document, the speaker whose turns are mostly questions."""
    speakers = {t.speaker for t in turns if t.speaker}
    named = {s for s in speakers if INTERVIEWER.match(s)}
    if named or len(speakers) != 2:
        return named
    return set()


def _question_share(text: str, turns, speaker: str) -> float:
    own = [t for t in turns if t.speaker == speaker]
    if not own:
        return 0.0
    return sum(text[t.start:t.end].rstrip().endswith("?") for t in own) / len(own)


def segments_of(document: "Document") -> list[Segment]:
    """The document's turns as segments (interviewers marked); the whole text when it has no turns."""
    text = document.text
    turns = [t for t in document.turns if t.end > t.start]
    if not turns:
        return [Segment(None, 0, len(text), False)]
    interviewers = interviewer_speakers(turns)
    if not interviewers:
        speakers = sorted({t.speaker for t in turns if t.speaker})
        if len(speakers) == 2:
            shares = {s: _question_share(text, turns, s) for s in speakers}
            top = max(speakers, key=lambda s: shares[s])
            if shares[top] >= 0.5 and shares[top] > min(shares.values()):
                interviewers = {top}
    out = []
    for t in turns:
        start = _label_end(text, t.start, t.end, t.speaker)
        end = t.end
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Segment(t.speaker, start, end, t.speaker in interviewers))
    return out


def _informant_name(segment: Segment) -> str | None:
    if segment.interviewer or not segment.speaker:
        return None
    first = segment.speaker.split()[0]
    return first if first[:1].isupper() and first.isalpha() and len(first) > 1 else None


def analyze_documents(lexicon: Lexicon, documents: Iterable["Document"]) -> Iterator[DocAnalysis]:
    """Analyse documents one after another (each is tokenised and matched once)."""
    for document in documents:
        yield analyze_document(lexicon, document)


ANALYSIS_CACHE_SIZE = 1024   # documents per lexicon (about 200 KiB each): a 1,000-interview project fits, memory stays bounded


def analyze_document(lexicon: Lexicon, document: "Document") -> DocAnalysis:
    """The document's informant/interviewer segments, sentences, cue hits and stems (read-only once made).

    Detection, suggestion and evaluation all analyse the same documents: each is analysed once per lexicon
    (keyed by its id, exact text and turns, so an edited document is analysed again)."""
    found = lexicon.analyses.get(_cache_key(document))
    if found is None:
        found = remember_analysis(lexicon, document, _analyze(lexicon, document))
    return found


def is_analysed(lexicon: Lexicon, document: "Document") -> bool:
    """Whether :func:`analyze_document` has this document's analysis at hand."""
    return _cache_key(document) in lexicon.analyses


def remember_analysis(lexicon: Lexicon, document: "Document", analysis: DocAnalysis) -> DocAnalysis:
    """Keep ``analysis`` (made elsewhere, e.g. in a worker process) for :func:`analyze_document`."""
    if len(lexicon.analyses) >= ANALYSIS_CACHE_SIZE:
        lexicon.analyses.pop(next(iter(lexicon.analyses)))
    lexicon.analyses[_cache_key(document)] = analysis
    return analysis


def analysed_in_workers(lexicon: Lexicon, documents: list, work, *, most: int = 16, done=None) -> list:
    """``[work(document, analysis) for document in documents]`` in the worker processes, where ``analysis()``
    gives the document's analysis (made on the first call, only if ``work`` asks for it). Analyses made in a
    worker come back into this process's cache when the documents fit in it, so that what runs next here (suggest
    after detect, for one) reads them without analysing again. ``done``: as for
    :func:`duocode.workers.parallel_items`."""
    from duocode.workers import parallel_items

    keep = len(documents) <= ANALYSIS_CACHE_SIZE

    def run(document):
        made: list[tuple[DocAnalysis, bool]] = []

        def analysis() -> DocAnalysis:
            if not made:
                fresh = not is_analysed(lexicon, document)
                made.append((analyze_document(lexicon, document), fresh))
            return made[0][0]

        result = work(document, analysis)
        return result, (made[0][0] if made and made[0][1] and keep else None)

    out = []
    for document, (result, analysis) in zip(documents, parallel_items(run, documents, most=most, done=done)):
        if analysis is not None:
            remember_analysis(lexicon, document, analysis)
        out.append(result)
    return out


def _cache_key(document: "Document") -> tuple:
    return document.id, document.text, tuple((t.start, t.end, t.speaker) for t in document.turns)


def _analyze(lexicon: Lexicon, document: "Document") -> DocAnalysis:
    segments = segments_of(document)
    text = document.text
    pipeline, matcher = lexicon.pipeline, lexicon.matcher
    docs = pipeline.pipe(text[s.start:s.end] for s in segments)
    for seg, doc in zip(segments, docs):
        off = seg.start
        seg.n_words = sum(1 for t in doc if not t.is_punct and not t.is_space)
        seg.sents = [(off + s.start_char, off + s.end_char) for s in doc.sents]
        hits = [replace(h, start_char=h.start_char + off, end_char=h.end_char + off) for h in matcher(doc)]
        name = _informant_name(seg)
        if name is not None:
            sent_of = _sent_index(doc)
            for t in doc:
                if t.text == name:
                    hits.append(Hit("rule:own_name", t.i, t.i + 1, off + t.idx, off + t.idx + len(t),
                                    sent_of[t.i], t.text))
        seg.hits = hits
        seg.stems = [(off + t.idx, t.lemma_, t.lower_) for t in doc if is_content(t)]
    return DocAnalysis(document.id, text, segments)


def _sent_index(doc) -> list[int]:
    out = [0] * len(doc)
    for i, s in enumerate(doc.sents):
        for j in range(s.start, s.end):
            out[j] = i
    return out


# -- per-case features -------------------------------------------------------------------------------------------
Key = tuple[str, str]   # (variable, value)


@dataclass
class CaseFeatures:
    """What the models see of one case."""

    case_id: str
    document: str
    stems: list[str]
    scores: dict[Key, float]          # keyword and rule evidence in the span (not negated, not hypothetical)
    negated: dict[Key, float]         # negated evidence ("they never recommended")
    hypothetical: dict[Key, float]    # hypothetical evidence ("it would be nice if they knew my name")
    doc_scores: dict[Key, float]      # evidence in all the informant's turns of the document (shared object)
    proto: dict[Key, float]           # prototype similarity (only the positive ones)
    evidence: dict[Key, list[str]]    # the words and rules behind ``scores`` (for explanations)
    doc_evidence: dict[Key, list[str]]
    n_words: int = 0
    positive: float = 0.0             # valence cues (a negated one counts for the other side)
    negative: float = 0.0
    valence_evidence: list[str] = field(default_factory=list)
    practice: float = 0.0             # the detector's practice and reaction cues in the span
    reaction: float = 0.0
    words: dict[str, str] = field(default_factory=dict)   # stem -> a word of the span it came from
    dimensions: dict[str, float] = field(default_factory=dict)   # dimension cues per attribution dimension
    aspects: dict[tuple[str, str], float] = field(default_factory=dict)   # (dimension, valence) -> evidence
    indifferent: float = 0.0          # the informant shrugs it off ("didn't make any odds", "their job")

    @property
    def valence(self) -> float:
        return self.positive - self.negative


def value_evidence(lexicon: Lexicon, hits: Iterable[Hit]) -> tuple[dict, dict, dict, dict]:
    """Sum cue weights per (variable, value) over ``hits``: plain, negated, hypothetical, and the phrases.

    Where two hits for the same value overlap ("knew my name" inside "knew my name straight away"), only the
    longer one counts.
    """
    plain: dict[Key, float] = {}
    neg: dict[Key, float] = {}
    hyp: dict[Key, float] = {}
    phrases: dict[Key, list[str]] = {}
    kept: dict[Key, list[tuple[int, int]]] = {}
    for hit in sorted(hits, key=lambda h: (-(h.end_char - h.start_char), h.start_char)):
        for cue in lexicon.cues.get(hit.key, ()):
            if cue.variable is None:
                continue
            k = (cue.variable, cue.value)
            spans = kept.setdefault(k, [])
            if any(a <= hit.start_char and hit.end_char <= b for a, b in spans):
                continue
            spans.append((hit.start_char, hit.end_char))
            if cue.family == "rule":
                label = f"rule: {RULE_LABELS.get(cue.phrase, cue.phrase)}"
            elif cue.family == "theme":
                label = f"'{hit.text.lower()}' ({cue.phrase} wording)"
            else:
                label = f"'{hit.text.lower()}'"
            if hit.negated:
                neg[k] = neg.get(k, 0.0) + cue.weight
                phrases.setdefault(k, []).append(f"{label} (negated)")
            elif hit.hypothetical:
                hyp[k] = hyp.get(k, 0.0) + cue.weight
                phrases.setdefault(k, []).append(f"{label} (hypothetical)")
            else:
                plain[k] = plain.get(k, 0.0) + cue.weight
                phrases.setdefault(k, []).append(label)
    return plain, neg, hyp, phrases


def family_evidence(lexicon: Lexicon, hits: Iterable[Hit]) -> tuple[dict[str, float], list[str]]:
    """Detection families (practice, reaction, positive, negative) summed over ``hits``: overlapping hits of one
    family count once (the longest), a negated valence cue counts for the other valence, a negated practice
    cue not at all."""
    totals: dict[str, float] = {}
    phrases: list[str] = []
    kept: dict[str, list[tuple[int, int]]] = {}
    flip = {"positive": "negative", "negative": "positive"}
    for hit in sorted(hits, key=lambda h: (-(h.end_char - h.start_char), h.start_char)):
        best: dict[str, float] = {}
        for cue in lexicon.cues.get(hit.key, ()):
            if cue.variable is None and cue.weight > best.get(cue.family, 0.0):
                best[cue.family] = cue.weight
        for family, weight in best.items():
            spans = kept.setdefault(family, [])
            if any(a < hit.end_char and hit.start_char < b for a, b in spans):
                continue
            spans.append((hit.start_char, hit.end_char))
            if family in flip:
                if hit.negated:
                    family = flip[family]
                phrases.append(f"'{hit.text.lower()}'" + (" (negated)" if hit.negated else "") + f" {family}")
            elif hit.negated:
                continue
            if hit.hypothetical:
                weight *= HYPOTHETICAL_WEIGHT
            totals[family] = totals.get(family, 0.0) + weight
    return totals, phrases


# -- valence and its dimensions ----------------------------------------------------------------------------------
# How much a valence cue says about the informant's own verdict (our own constants, set on the dev split):
QUOTED_WEIGHT = 0.0       # inside double quotes: the firm's words ("Welcome back, Dana!"), not the informant's
CONTRASTED_WEIGHT = 0.5   # before a later contrast ("it used to be good, but ..."): the later clause has the say
CONCEDED_WEIGHT = 0.5     # in a concessive clause ("however friendly they meant it", "even though it's handy")
NEGATION_SHIFT = 0.5      # a negated cue counts, this much, for the other valence ("not great" is not "awful")
PREVIOUS_SENTENCE = 0.5   # dimension cues of the sentence before also carry a sentence's valence

# "but", "however," "yet" after a comma, "nowadays", "these days", and "now" / "since then" opening a clause.
CONTRAST = re.compile(r"\b(?:but|however(?=\s*,)|nowadays|these days|then again|on the other hand)\b|"
                      r"(?:,|;|^|[.!?]\s)\s*(?:yet|now|since then|these days)\b", re.IGNORECASE | re.MULTILINE)
# "although", "even though", "even if", "however" + adjective (no comma), "no matter how": up to the next
# punctuation mark.
CONCESSIVE = re.compile(r"\b(?:although|even though|even if|no matter how|however(?!\s*[,.;:!?]))\b[^,.;:!?\n]*",
                        re.IGNORECASE)
VALENCES = ("positive", "negative")


# A single-quoted stretch: an opening quote that follows a non-word character and precedes a capital letter
# ('Welcome back, Dana!' / \u2018Complete your look\u2019), up to a closing quote that is not an apostrophe inside a
# word (so "you'll" and "Dana's" do not end it), on one line.
SINGLE_QUOTED = re.compile(r"(?<!\w)['\u2018](?=[A-Z])(?:[^'\u2018\u2019\n]|(?<=\w)['\u2019](?=\w))*?(?<=\S)['\u2019](?!\w)")


def _quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans between pairs of straight or curly double quotes in ``text[start:end]`` (absolute offsets), and
    single-quoted stretches (:data:`SINGLE_QUOTED`)."""
    spans, opened = [], None
    for i in range(start, end):
        ch = text[i]
        if ch in '"\u201c\u201d':
            if opened is None:
                opened = i
            else:
                spans.append((opened, i + 1))
                opened = None
    spans += [(start + m.start(), start + m.end()) for m in SINGLE_QUOTED.finditer(text[start:end])]
    return spans


_SHORT_CVC = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


def _bases(word: str) -> set[str]:
    """The candidate base forms of one word under English inflection alone (-s, -es, -ed, -ing, -ies, -ied, a
    doubled final consonant): "saved" -> {saved, save}; "selling" -> {selling, selle, sell, sel}."""
    w = word.lower()
    out = {w}
    if w.endswith("s") and not w.endswith("ss"):
        out.add(w[:-1])                     # "saves" -> "save"
        if w.endswith("es"):
            out.add(w[:-2])                 # "pushes" -> "push"
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            base = w[: -len(suffix)]
            out.add(base + "e")
            if len(base) > 2 and base[-1] == base[-2]:
                out |= {base, base[:-1]}    # "selling" -> "sell", "stopped" -> "stop"
            elif not _SHORT_CVC.search(base):
                out.add(base)               # "worked" -> "work"; but "hated" is not "hat" (that is "hatted")
    if w.endswith(("ies", "ied")):
        out.add(w[:-3] + "y")
    return out


def _same_word(hit: Hit, phrase: str) -> bool:
    """Whether a one-word valence cue's hit is the cue word itself or an inflection of it ("saved" for "saves").

    The matcher works on stems, and the stemmer also folds derived words, irregular forms and look-alikes into
    one stem: "hat" and "hate", "treatment" and "treat", "better" and "good", "sold" and "selling". Those are
    other words (often another sense), not the informant's verdict, so they count for no valence. Phrases of
    more than one word are specific enough as they are."""
    if " " in phrase.strip() or hit.end - hit.start != 1:
        return True
    return bool(_bases(hit.text.replace("\u2019", "'")) & _bases(phrase.strip()))


def valence_evidence(lexicon: Lexicon, analysis: DocAnalysis, start: int, end: int, hits: list[Hit]
                     ) -> tuple[dict[str, float], list[str], dict[str, float], dict[tuple[str, str], float]]:
    """The informant's valence in ``text[start:end]`` and the attribution dimensions it bears on.

    A valence cue counts less (or not at all) when it is quoted (the firm's words), comes before a later
    contrast ("but", "nowadays", ...), sits in a concessive clause, or is hypothetical; a negated cue counts
    :data:`NEGATION_SHIFT` for the other valence. Returns the valence totals, the phrases behind them, the
    dimension cues found (per codebook dimension), and per (dimension, valence) the valence of each sentence
    times the dimension cues of that sentence (and, :data:`PREVIOUS_SENTENCE`, of the sentence before).
    """
    text = analysis.text
    quoted = _quoted_spans(text, start, end)
    passage = text[start:end]
    contrasts = [start + m.end() for m in CONTRAST.finditer(passage)]
    conceded = [(start + m.start(), start + m.end()) for m in CONCESSIVE.finditer(passage)]
    sent_starts = sorted({a for seg in analysis.segments if not seg.interviewer
                          for a, b in seg.sents if a < end and start < b})
    flip = {"positive": "negative", "negative": "positive"}
    totals: dict[str, float] = {}
    phrases: list[str] = []
    dims: dict[str, float] = {}
    per_sent_val: dict[tuple[int, str], float] = {}
    per_sent_dim: dict[tuple[int, str], float] = {}
    kept: dict[str, list[tuple[int, int]]] = {}
    neutral = [(h.start_char, h.end_char) for h in hits
               if any(c.family in ("neutral", "indifferent") for c in lexicon.cues.get(h.key, ()))]
    for hit in sorted(hits, key=lambda h: (-(h.end_char - h.start_char), h.start_char)):
        if any(a <= hit.start_char and hit.end_char <= b and (a, b) != (hit.start_char, hit.end_char)
               for a, b in neutral):
            continue          # "honest" in "to be honest", "better" in "didn't make me think any better"
        if any(a <= hit.start_char and hit.end_char <= b for a, b in quoted):
            if QUOTED_WEIGHT == 0.0:
                continue
            base = QUOTED_WEIGHT
        else:
            base = 1.0
        families = {c.family for c in lexicon.cues.get(hit.key, ()) if c.variable is None
                    and (c.family.startswith("dimension:")
                         or c.family in flip and _same_word(hit, c.phrase))}
        sent = max(0, bisect_right(sent_starts, hit.start_char) - 1) if sent_starts else 0
        for family in sorted(families):
            spans = kept.setdefault(family, [])
            if any(a < hit.end_char and hit.start_char < b for a, b in spans):
                continue
            spans.append((hit.start_char, hit.end_char))
            if family.startswith("dimension:"):
                d = family.split(":", 1)[1]
                dims[d] = dims.get(d, 0.0) + base
                per_sent_dim[(sent, d)] = per_sent_dim.get((sent, d), 0.0) + base
                continue
            weight = base
            notes = []
            if hit.negated:
                family, weight = flip[family], weight * NEGATION_SHIFT
                notes.append("negated")
            if hit.hypothetical:
                weight *= HYPOTHETICAL_WEIGHT
                notes.append("hypothetical")
            if any(c > hit.end_char for c in contrasts):
                weight *= CONTRASTED_WEIGHT
                notes.append("before a 'but'")
            if any(a <= hit.start_char < b for a, b in conceded):
                weight *= CONCEDED_WEIGHT
                notes.append("conceded")
            totals[family] = totals.get(family, 0.0) + weight
            per_sent_val[(sent, family)] = per_sent_val.get((sent, family), 0.0) + weight
            phrases.append(f"'{hit.text.lower()}'" + (f" ({', '.join(notes)})" if notes else "") + f" {family}")
    aspects: dict[tuple[str, str], float] = {}
    for (sent, valence), w in per_sent_val.items():
        for d in dims:
            near = max(min(1.0, per_sent_dim.get((sent, d), 0.0)),
                       PREVIOUS_SENTENCE * min(1.0, per_sent_dim.get((sent - 1, d), 0.0)))
            if near:
                aspects[(d, valence)] = aspects.get((d, valence), 0.0) + w * near
    return totals, phrases, dims, aspects


def document_evidence(lexicon: Lexicon, analysis: DocAnalysis) -> tuple[dict, dict]:
    """Value evidence over all informant turns of a document (shared by its cases; phrases capped at 5)."""
    hits = [h for seg in analysis.segments if not seg.interviewer for h in seg.hits]
    plain, _neg, _hyp, phrases = value_evidence(lexicon, hits)
    return plain, {k: list(dict.fromkeys(v))[:5] for k, v in phrases.items()}


def case_features(lexicon: Lexicon, analysis: DocAnalysis, case: "Case",
                  doc_level: tuple[dict, dict] | None = None) -> CaseFeatures:
    """Features of ``case`` from its analysed document; ``doc_level`` is :func:`document_evidence` of that
    document (computed when not given)."""
    inside: list[Hit] = []
    stems: list[str] = []
    words: dict[str, str] = {}
    n_words = 0
    for seg in analysis.segments:
        if seg.interviewer or not (seg.start < case.end and case.start < seg.end):
            continue
        inside += [h for h in seg.hits if case.start <= h.start_char and h.end_char <= case.end]
        for pos, s, w in seg.stems:
            if case.start <= pos < case.end:
                stems.append(s)
                words.setdefault(s, w)
        if seg.start >= case.start and seg.end <= case.end:
            n_words += seg.n_words
    if not n_words:
        n_words = len(analysis.text[case.start:case.end].split())
    plain, neg, hyp, phrases = value_evidence(lexicon, inside)
    doc_plain, doc_phrases = doc_level if doc_level is not None else document_evidence(lexicon, analysis)
    vector = lexicon.stem_vector(stems)
    proto = {}
    for var, vals in lexicon.prototypes.items():
        for val in vals:
            sim = lexicon.similarity(vector, var, val)
            if sim > 0:
                proto[(var, val)] = sim
    families, _ = family_evidence(lexicon, inside)
    valence, valence_phrases, dims, aspects = valence_evidence(lexicon, analysis, case.start, case.end, inside)
    return CaseFeatures(case.id, case.document, stems, plain, neg, hyp, doc_plain, proto, phrases, doc_phrases,
                        n_words, valence.get("positive", 0.0), valence.get("negative", 0.0), valence_phrases,
                        families.get("practice", 0.0), families.get("reaction", 0.0), words, dims, aspects,
                        families.get("indifferent", 0.0))


def features_for_cases(lexicon: Lexicon, project, cases: list["Case"], *, progress=None,
                       stage: str = "reading the cases") -> dict[str, CaseFeatures]:
    """Features of every case, each document analysed once (documents in id order, for determinism);
    ``progress`` (a :data:`duocode._util.Progress`) hears of every document done, under ``stage``."""
    from duocode.store import get_document

    by_doc: dict[str, list["Case"]] = {}
    for c in cases:
        by_doc.setdefault(c.document, []).append(c)
    names = sorted(by_doc)
    documents = [get_document(project, d) for d in names]   # read here: the workers never touch the database

    def read(document, analysis) -> dict[str, CaseFeatures]:
        """The features of the document's cases (in a worker process)."""
        if document is None:
            return {}
        made = analysis()
        doc_level = document_evidence(lexicon, made)
        return {c.id: case_features(lexicon, made, c, doc_level) for c in by_doc[document.id]}

    report = progress or no_progress
    feats: dict[str, CaseFeatures] = {}
    for found in analysed_in_workers(lexicon, documents, read, done=lambda n: report(stage, n, len(names))):
        feats.update(found)
    return feats


def log1p(x: float) -> float:
    return math.log1p(max(0.0, x))
