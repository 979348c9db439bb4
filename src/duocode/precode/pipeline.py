"""The pre-coder's text pipeline: blank English spaCy, a light stemmer, phrase and token matchers.

Nothing is downloaded: the pipeline is ``spacy.blank("en")`` (tokenizer and its tokenizer exceptions) plus the
rule-based ``sentencizer``. Instead of a trained lemmatizer, every token gets a *stem* from :func:`stem` (a small
suffix-stripping stemmer with a table of irregular verbs, and British/American spelling folded together) stored
in ``token.lemma``; keyword phrases are stemmed the same way, so one ``PhraseMatcher(attr="LEMMA")`` finds
"recommended", "recommends" and "recommendations" for the keyword "recommendation", and "personalised" for
"personalized".

spaCy's ``nlp.initialize()`` resets components, so the matchers are built *after* it (:class:`CueMatcher` takes
an initialised pipeline), and a test checks that they fire.

Every hit is marked *negated* (a negator such as "not", "never", "n't" shortly before it in the same clause) and
*hypothetical* (a modal or wish - "would", "could", "wish", "imagine" - before it in the same sentence, or "if"
with a modal in the sentence), because "they never once used my name" and "it would be nice if they knew my
name" are not evidence of personalization.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

# One character for one character, so offsets into the normalised text are offsets into the original.
_SAME_LENGTH = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
                              "\u2013": "-", "\u2014": "-", "\u00a0": " "})

IRREGULAR = {
    "knew": "know", "known": "know", "knows": "know", "bought": "buy", "buys": "buy", "thought": "think",
    "felt": "feel", "made": "make", "gave": "give", "given": "give", "took": "take", "taken": "take",
    "told": "tell", "said": "say", "says": "say", "got": "get", "gotten": "get", "sent": "send", "kept": "keep",
    "brought": "bring", "bring": "bring", "found": "find", "went": "go", "gone": "go", "goes": "go",
    "did": "do", "does": "do", "done": "do", "has": "have", "had": "have", "is": "be", "are": "be", "was": "be",
    "were": "be", "been": "be", "am": "be", "being": "be", "'s": "'s", "chose": "choose", "chosen": "choose",
    "paid": "pay", "spent": "spend", "built": "build", "left": "leave", "meant": "mean", "rang": "ring",
    "rung": "ring", "sold": "sell", "saw": "see", "seen": "see", "learnt": "learn", "learned": "learn",
    "wrote": "write", "written": "write", "stuck": "stick", "began": "begin", "begun": "begin", "came": "come",
    "comes": "come", "coming": "come", "caught": "catch", "heard": "hear", "held": "hold", "lost": "lose",
    "met": "meet", "put": "put", "read": "read", "ran": "run", "sat": "sit", "spoke": "speak",
    "spoken": "speak", "stood": "stand", "understood": "understand", "won": "win", "wore": "wear",
    "worn": "wear", "women": "woman", "men": "man", "children": "child", "people": "person", "n't": "not",
    "better": "good", "best": "good", "worse": "bad", "worst": "bad", "e-mail": "email", "e-mails": "email",
    "emails": "email", "emailed": "email", "used": "use", "uses": "use", "using": "use",
    # "care" would otherwise become "car" (and "care" is in _KEEP)
    "cared": "care", "cares": "care", "caring": "care",
}

# Frequent words that the suffix rules would mangle into other words ("here" -> "her").
_KEEP = frozenset("""a an the and or but if of to in on at by for with from as it its this that these those
there here where were whose since once some more none one ones sure else come some same name names
those one's everyone everybody anyone someone nobody nothing something anything everything his hers
this thus yes no not never always ever mrs mr ms miss care""".split())

_IZE = re.compile(r"(?<=..[a-z])is(e|es|ed|ing|ation|ations|er|ers)$")
_OUR = re.compile(r"(?<=[lvbnm])our(?=(s|ed|ing|ite|ites|able|er)?$)")
_VOWEL = re.compile(r"[aeiouy]")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stem of one word: lower case, irregular forms mapped, regular suffixes stripped.

    Both spellings of -ise/-ize and -our/-or fold together. It is not a linguist's lemma; it only has to map a
    keyword and the everyday forms of it in a transcript to the same string.

    >>> [stem(w) for w in ("recommended", "recommendations", "recommends")]
    ['recommend', 'recommend', 'recommend']
    >>> stem("personalised") == stem("personalized") == stem("personalise")
    True
    >>> stem("knew"), stem("bought")
    ('know', 'buy')
    """
    w = word.lower().translate(_SAME_LENGTH)
    w = IRREGULAR.get(w, w)
    if w in _KEEP or len(w) <= 3 or not w.replace("'", "").replace("-", "").isalpha():
        return w
    if len(w) > 5:
        w = _IZE.sub(r"iz\1", w)
        w = _OUR.sub("or", w)
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "'s")):
        w = w[:-1]
    for suffix, repl in (("ization", "iz"), ("ation", ""), ("ment", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)] + repl
            break
    else:
        if w.endswith("tion") and len(w) - 3 >= 4:
            w = w[:-3]
        elif w.endswith("ing") and len(w) - 3 >= 3 and _VOWEL.search(w[:-3]):
            w = _undouble(w[:-3])
        elif w.endswith("ied") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("ed") and len(w) - 2 >= 2 and _VOWEL.search(w[:-2]):
            w = _undouble(w[:-2])
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def _undouble(w: str) -> str:
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in "aeiou":
        return w[:-1]
    return w


def normalize_text(text: str) -> str:
    """Curly quotes and dashes made straight, one character for one (offsets stay valid)."""
    return text.translate(_SAME_LENGTH)


@functools.lru_cache(maxsize=1)
def blank_nlp() -> "Language":
    """The shared pipeline: ``spacy.blank("en")`` with a sentencizer, initialised (no model is loaded)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


class TextPipeline:
    """Tokenises and sentence-splits texts and sets each token's ``lemma`` to its :func:`stem`."""

    def __init__(self, nlp: "Language | None" = None):
        self.nlp = nlp or blank_nlp()
        self._lemma: dict[int, int] = {}

    def _annotate(self, doc: "Doc") -> "Doc":
        cache = self._lemma
        strings = self.nlp.vocab.strings
        for token in doc:
            lemma = cache.get(token.orth)
            if lemma is None:
                lemma = strings.add(stem(token.norm_))
                cache[token.orth] = lemma
            token.lemma = lemma
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator["Doc"]:
        """Processed docs for ``texts`` (normalised with :func:`normalize_text`; offsets unchanged)."""
        for doc in self.nlp.pipe((normalize_text(t) for t in texts), batch_size=batch_size):
            yield self._annotate(doc)

    def __call__(self, text: str) -> "Doc":
        return self._annotate(self.nlp(normalize_text(text)))

    def phrase_doc(self, phrase: str) -> "Doc":
        """A keyword as a matcher pattern: tokenised only, stems as lemmas."""
        return self._annotate(self.nlp.make_doc(normalize_text(phrase)))

    def stems(self, phrase: str) -> tuple[str, ...]:
        return tuple(t.lemma_ for t in self.phrase_doc(phrase))


NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "hardly",
                      "barely", "nowhere", "n't"})
MODALS = frozenset({"would", "could", "might", "should", "wish", "imagine", "suppose", "supposing", "ideally",
                    "hypothetically", "unless", "wonder"})
_CLAUSE_BREAK = frozenset({",", ";", ":", "but", "and", "so", "because", "-", '"', "(", ")"})
NEGATION_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One match in a doc: a keyword phrase (``key`` = its stems joined by spaces) or a rule (``rule:NAME``)."""

    key: str
    start: int          # token index
    end: int
    start_char: int     # character offsets into the processed text
    end_char: int
    sent: int           # sentence index within the doc
    text: str
    negated: bool = False
    hypothetical: bool = False


# Token rules (spaCy Matcher patterns). They name structures rather than words; lexicon.py maps each to the
# codebook values whose keywords share its theme (e.g. ``address`` to keywords about names). Words under
# "LEMMA" are written plainly and stemmed when the matcher is built.
RULES: dict[str, list[list[dict]]] = {
    # "Mrs Albers", "Mr. Okafor": someone (in the firm) addresses the informant by title and surname.
    "address_title": [[{"LOWER": {"IN": ["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr."]}},
                       {"IS_TITLE": True}]],
    # "Good morning Marta", "Hello Sam,": a greeting followed by a name.
    "address_greeting": [[{"LOWER": {"IN": ["hello", "hi", "morning", "afternoon", "evening", "welcome", "hey"]}},
                          {"IS_PUNCT": True, "OP": "?"}, {"IS_TITLE": True, "IS_SENT_START": False}]],
    # "picked for me", "put together just for you", "chosen especially for us".
    "made_for_me": [[{"LEMMA": {"IN": ["pick", "choose", "select", "put", "make", "tailor", "design", "build",
                                        "create", "curate", "suggest", "recommend"]}},
                     {"LOWER": {"IN": ["just", "especially", "specially", "only", "together"]}, "OP": "*"},
                     {"LOWER": "for"}, {"LOWER": {"IN": ["me", "you", "us"]}}]],
    # "they already knew my ...", "she had my booking in front of her", "it remembers what I ...".
    "they_knew": [[{"LOWER": {"IN": ["they", "she", "he", "it", "the", "system", "app", "site", "computer"]}},
                   {"LOWER": {"IN": ["already", "still", "even", "just", "somehow", "obviously"]}, "OP": "*"},
                   {"LEMMA": {"IN": ["know", "have", "remember", "recognise", "see", "notice"]}},
                   {"LOWER": {"IN": ["my", "me", "that", "what", "where", "who", "all"]}}]],
    # "it gives me", "they still send me", "the app had found me", "she told me": the firm doing something
    # to or for the customer.
    "firm_to_me": [[{"LOWER": {"IN": ["it", "they", "she", "he", "app", "site", "website", "email", "letter",
                                      "system", "screen", "computer", "algorithm", "shop", "bank"]}},
                    {"LOWER": {"IN": ["already", "still", "even", "just", "also", "actually", "always", "then",
                                      "now", "automatically", "usually", "had", "has", "'d", "'s", "would",
                                      "keeps", "kept", "suddenly", "somehow"]}, "OP": "*"},
                    {"LEMMA": {"IN": ["show", "suggest", "recommend", "send", "pick", "give", "offer", "find",
                                      "remind", "greet", "call", "tell", "warn", "ask", "email", "text", "know",
                                      "remember", "notice", "guess", "decide", "learn", "choose", "put",
                                      "address", "congratulate", "welcome", "wish", "thank", "point",
                                      "save", "keep"]}},
                    {"LOWER": {"IN": ["me", "my", "you", "your", "us", "our"]}}]],
    # "you put in your foot width", "I've set that I want", "you choose the shape": the customer specifying.
    "i_specified": [[{"LOWER": {"IN": ["i", "you", "we"]}},
                     {"LOWER": {"IN": ["'ve", "have", "had", "'d", "can", "just", "then", "first", "once",
                                       "simply", "only"]}, "OP": "*"},
                     {"LEMMA": {"IN": ["set", "put", "enter", "type", "fill", "choose", "pick", "select",
                                       "answer", "tick", "specify", "build", "design", "configure", "click"]}},
                     {"LOWER": {"IN": ["in", "out", "up", "that", "my", "your", "the", "what", "which", "how",
                                       "all", "every", "our", "a", "each"]}}]],
    # "because I'd bought", "based on what I watch", "since my last visit".
    "from_history": [[{"LOWER": {"IN": ["because", "since", "based", "after"]}},
                      {"LOWER": {"IN": ["on", "of"]}, "OP": "?"},
                      {"LOWER": {"IN": ["i", "what", "my", "your", "you"]}},
                      {"LOWER": {"IN": ["'d", "had", "'ve", "have", "i", "last", "previous", "past"]}, "OP": "?"},
                      {"LEMMA": {"IN": ["buy", "watch", "listen", "order", "read", "book", "search", "spend",
                                        "visit", "rate", "like", "play", "purchase", "browse", "last", "history",
                                        "previous", "past"]}}]],
}


class CueMatcher:
    """Finds keyword phrases and rule patterns in processed docs.

    Parameters
    ----------
    pipeline : TextPipeline
        Its ``nlp`` must already be initialised: matchers made before ``nlp.initialize()`` lose their patterns.
    phrases : iterable of str
        Keyword phrases as written; each is stemmed and matched on ``LEMMA`` (so on stems).
    rules : dict, optional
        Name -> spaCy Matcher patterns; by default :data:`RULES`.
    """

    def __init__(self, pipeline: TextPipeline, phrases: Iterable[str], rules: dict | None = None):
        from spacy.matcher import Matcher, PhraseMatcher

        self.pipeline = pipeline
        vocab = pipeline.nlp.vocab
        self.phrase_matcher = PhraseMatcher(vocab, attr="LEMMA")
        self.rule_matcher = Matcher(vocab)
        self.keys: dict[str, list[str]] = {}   # stem key -> the phrases as written
        patterns: dict[str, object] = {}
        for phrase in phrases:
            doc = pipeline.phrase_doc(phrase)
            if not len(doc):
                continue
            key = " ".join(t.lemma_ for t in doc)
            self.keys.setdefault(key, []).append(phrase)
            patterns.setdefault(key, doc)
        for key, doc in patterns.items():
            self.phrase_matcher.add(key, [doc])
        for name, pats in (RULES if rules is None else rules).items():
            self.rule_matcher.add(f"rule:{name}", [_stem_pattern(p) for p in pats])
        self._strings = vocab.strings

    def __call__(self, doc: "Doc") -> list[Hit]:
        """Every hit in ``doc``, with negation and hypothetical marks, ordered by position."""
        sent_starts = [s.start for s in doc.sents]
        matches = list(self.phrase_matcher(doc)) if len(self.phrase_matcher) else []
        if len(self.rule_matcher):          # a codebook without cue packs has no token rules
            matches += list(self.rule_matcher(doc))
        hits = []
        seen = set()
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2])):
            key = self._strings[match_id]
            if (key, start, end) in seen:
                continue
            seen.add((key, start, end))
            sent = bisect_right(sent_starts, start) - 1
            sent_start = sent_starts[sent]
            hits.append(Hit(key, start, end, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), sent,
                            doc[start:end].text, _negated(doc, start, sent_start),
                            _hypothetical(doc, start, sent_start, sent_starts, sent)))
        return hits


def _stem_pattern(pattern: list[dict]) -> list[dict]:
    """Stem the words listed under ``LEMMA`` in a token pattern (the stems are what ``token.lemma`` holds)."""
    out = []
    for spec in pattern:
        spec = dict(spec)
        lemma = spec.get("LEMMA")
        if isinstance(lemma, str):
            spec["LEMMA"] = stem(lemma)
        elif isinstance(lemma, dict) and "IN" in lemma:
            spec["LEMMA"] = {"IN": sorted({stem(w) for w in lemma["IN"]})}
        out.append(spec)
    return out


def _negated(doc: "Doc", start: int, sent_start: int) -> bool:
    """A negator within :data:`NEGATION_WINDOW` tokens before ``start``, without a clause break between."""
    i = start - 1
    while i >= max(sent_start, start - NEGATION_WINDOW):
        low = doc[i].norm_
        if low in _CLAUSE_BREAK or doc[i].is_punct:
            return False
        if low in NEGATORS:
            return True
        i -= 1
    return False


def _hypothetical(doc: "Doc", start: int, sent_start: int, sent_starts: list[int], sent: int) -> bool:
    """A modal or wish before the hit in its sentence, or "if" with a modal anywhere in the sentence."""
    sent_end = sent_starts[sent + 1] if sent + 1 < len(sent_starts) else len(doc)
    has_if = False
    for i in range(sent_start, sent_end):
        low = doc[i].norm_
        if low in MODALS and i < start:
            return True
        if low in ("if", "whether") and i < start:
            has_if = True
    if has_if:
        return any(doc[i].norm_ in MODALS for i in range(sent_start, sent_end))
    return False
