"""Cue lexicons: what the pre-coder looks for, built from a codebook plus the detector's own cue families.

From the codebook (cold start for suggestions), for every categorical variable and value:

* each **keyword** is a phrase cue of weight 1 (stemmed, so its everyday inflections match);
* each token **rule** of :data:`duocode.precode.pipeline.RULES` counts for the values whose keywords share the
  rule's theme (:data:`RULE_THEMES`: the ``address`` rules count for values with a keyword about a *name*);
* the value's label, definition, inclusion notes, examples and keywords form a **prototype** (a bag of stems,
  names and stop words left out), compared with a case by tf-idf cosine similarity.

A categorical variable with no keywords and no examples in any value cannot be cold-started: it is listed in
:attr:`Lexicon.warnings` and skipped until humans have coded enough cases to train on.

For case detection the lexicon adds cue families of its own, written for personalization talk in general
(the issue's list: being recognised or addressed personally, remembered preferences or history,
recommendations, tailored offers, configurators and profiles, customised communications): ``practice`` cues
(something was adapted to this customer), ``reaction`` cues (how the informant took it; a case needs one) and
``mass`` cues (the same thing sent to everybody, which is not personalization). The codebook's own keywords for
the case variable (``is_case: yes``), the type variable and the typed effects join the practice cues; the
attribution and summary keywords join the reaction cues.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from duocode.codebook import CASE_VARIABLE
from duocode.precode.pipeline import RULES, CueMatcher, TextPipeline, stem

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

# -- the detector's own cue families (our own lists; weights: 1 strong, 0.5 weak) ------------------------------
PRACTICE_STRONG = (
    "my name", "my first name", "my surname", "by name", "greeted me", "addressed me", "by my name",
    "by my first name", "my name on",
    "knew my", "knows my", "remembered my", "remembers my", "remembered me", "recognised me", "recognised my",
    "just for me", "just for you", "especially for me", "specially for me", "picked for me", "picks for you",
    "chosen for me", "made for me", "based on what i", "based on my", "because i bought", "because i'd bought",
    "because you bought", "because you watched", "because you listened", "you might also like",
    "you may also like", "customers also bought", "customers who bought", "people who bought",
    "recommendation", "recommend me", "recommended to me", "recommended me", "suggested to me",
    "suggestions for me", "my history", "purchase history", "order history", "my purchases", "what i buy",
    "what i bought", "what i've bought", "what i usually", "what i watch", "what i listen to", "my usual",
    "my taste", "my preferences", "my profile", "my details", "my measurements", "my size", "my sizes",
    "profile", "questionnaire", "answer questions", "answered questions", "filled in", "filled out",
    "configurator", "configure", "build your own", "design your own", "your own", "customise", "customised",
    "customize", "customized", "personalise", "personalised", "personalize", "personalized", "tailor",
    "tailored", "tailor-made", "made to measure", "bespoke", "welcome back", "happy birthday",
    "on the screen", "on his screen", "on her screen", "in front of her", "in front of him", "already had my",
    "already knew", "they knew", "it knows", "it learned", "it learnt", "learned what i", "learnt what i",
    "keeps suggesting", "keeps recommending", "keeps showing me", "since your last", "since my last",
    "your next", "offers for me", "offer for me", "deals for me",
)
PRACTICE_WEAK = (
    "recommend", "suggest", "suggestion", "for me", "for you", "remember", "remind", "reminder", "noticed",
    "my account", "my booking", "my order", "my card", "shows me", "showed me", "sends me", "sent me",
    "emailed me", "texted me", "rang me", "called me", "asked about my", "asked after my", "picked",
    "choose the", "pick the", "options", "measurements", "preferences", "history", "they know",
    "every time i", "last time i", "the first time i", "loyalty card", "app", "newsletter", "questions",
    "asked me", "form", "quiz", "finder", "planner", "their system", "the system", "their records",
    "the records", "on file", "their computer", "his computer", "her computer", "on the screen", "database",
    "algorithm", "data", "keep notes", "found me", "gives me", "gives you", "gave me", "the right",
    "as usual", "my usual", "about me", "guessed", "decided", "typed", "entered", "suit me", "suits me",
    "my page", "by itself", "how did they", "how do they know", "where did they get", "on record",
    # what a firm sends or shows a customer, and what it holds on them (added after the H05-H10 evaluation)
    "offer", "offers", "banner", "pop-up", "popup", "notification", "message in the app", "a message",
    "an email", "an e-mail", "e-mail", "a letter", "a text", "on a tablet", "on the tablet", "the file",
    "my file", "had me down", "had him down", "had her down", "had us down", "came up with", "it came up",
    "flagged", "my miles", "my points", "my subscription", "my plan", "my policy", "my box",
)
REACTION = (
    "i thought", "i felt", "made me", "it felt", "felt like", "i loved", "i love", "i liked", "i like",
    "i hate", "i hated", "i was impressed", "impressed", "annoying", "annoyed", "irritating", "irritated",
    "nice", "lovely", "great", "brilliant", "good", "bad", "horrible", "awful", "creepy", "weird", "strange",
    "trust", "surprised", "honestly", "to be fair", "happy", "pleased", "angry", "upset", "uncomfortable",
    "glad", "useful", "useless", "helpful", "handy", "pointless", "rubbish", "clever", "stupid", "ridiculous",
    "worth", "waste", "funny", "scary", "spooky", "touched", "flattered", "special", "cared", "care",
    "fed up", "mad", "relief", "relieved", "love it", "hate it", "don't mind", "didn't mind", "fine",
    "so what", "wonder", "suspicious", "convenient", "easier", "saved me", "ages", "forever", "gave up",
    "cancelled", "switched", "stopped", "unsubscribed", "loyal", "stay with", "keep going back",
    "shop there", "watched", "perfectly", "exactly my", "exactly what", "i don't believe", "i laughed",
    "right up my", "wow", "thank god", "the difference", "i feel", "feels like", "embarrassing",
    "embarrassed", "disappointed", "frustrating", "frustrated", "amazing", "fantastic", "terrible",
    "not bad", "quite good", "really good", "favourite", "don't care", "couldn't care less", "mind",
    "odd", "to be honest",
)
MASS = (
    "everybody", "everyone", "every customer", "all customers", "all their customers", "same one",
    "same for everyone", "same as everyone", "not about me", "nothing to do with me", "generic", "mass",
    "dear customer", "dear sir", "to everybody", "to everyone", "whole street", "whole town",
)

# Valence: how the informant evaluates what happened (our own lists; negation flips them).
POSITIVE = (
    "good", "great", "nice", "lovely", "brilliant", "excellent", "perfect", "perfectly", "love", "loved",
    "i like", "i liked", "enjoy", "enjoyed", "happy", "pleased", "glad", "delighted", "impressed", "touched",
    "handy", "useful", "helpful", "convenient", "easy", "easier", "quick", "quicker", "simple", "simpler",
    "spot on", "exactly my", "exactly what i", "got it right", "fit", "fits", "fitted", "saved me", "saves me",
    "trust", "cared", "care about", "thoughtful", "friendly", "worth it", "clever", "smart",
    "wonderful", "amazing", "fantastic", "relieved", "relief", "looked after", "looking out for", "special",
    "valued", "appreciated", "thank", "grateful", "favourite", "on my side", "hugged", "rare", "for once",
    "properly", "really good", "quite good", "not bad", "cheaper",
    # more everyday praise, relief and attachment
    "wow", "thrilled", "chuffed", "pleasant", "pleasantly", "nicely", "well done", "smooth", "smoothly",
    "painless", "effortless", "reassuring", "reassured", "comforting", "warm", "welcome", "welcomed", "cared for",
    "attentive", "considerate", "generous", "honest", "fair", "decent", "reliable", "competent", "professional",
    "efficient", "accurate", "right up my street", "just right", "ideal", "exactly", "works well", "it worked",
    "that worked", "worked well", "worked a treat", "it worked out", "that worked out", "worked out well",
    "worked out fine", "all worked out",
    "recommend them", "told my friends", "go back", "keep going back", "stay with", "stick with", "loyal",
    "won me over", "best film", "best thing", "in years", "treat", "gem", "brilliant idea",
    "saved", "saves", "time saver", "less hassle", "no hassle", "peace of mind", "appreciate", "appreciated it",
    "could have hugged", "cried", "moved", "flattering", "charming", "sweet", "cute", "lucky", "fun",
    # everyday and regional praise (added after the H17-H28 evaluation)
    "gorgeous", "beautiful", "credit where", "credit to them", "miracle", "actually want", "actually wanted",
    "never have found", "years off", "bang on", "dead right", "can't fault", "no complaints", "top marks",
    "made my day", "over the moon", "cracking", "smashing", "lush", "ace", "a godsend", "godsend", "spot-on",
    "correct", "been right", "had that right", "got that right", "act together", "exactly me",
    # a firm doing more than it had to (added after the H65-H76 evaluation; stems fold "did not have to" in)
    "didn't have to",
)
NEGATIVE = (
    "bad", "awful", "terrible", "horrible", "annoying", "annoyed", "irritating", "creepy", "weird",
    "uncomfortable", "intrusive", "felt watched", "being watched", "watching me", "spying", "stalking",
    "skin crawl", "painful",
    "stab", "sloppy", "wrong", "mistake", "error", "useless", "pointless", "rubbish", "waste", "wasted",
    "waited ages", "ages to", "forever", "tedious", "muddled", "confusing", "overwhelming", "pushy", "pushing", "spam",
    "expensive", "paid extra", "costs more", "cost more", "gave up", "cancelled", "closed the", "stopped",
    "unsubscribed", "angry", "upset", "frustrated", "frustrating", "disappointed", "suspicious", "worried",
    "scared", "embarrassing", "hate", "hated", "nobody's business", "none of their business", "no right",
    "not about me", "to shift", "sell me", "selling", "dud", "never stops", "not interested", "too much",
    "far more than", "don't believe", "nobody looks", "no business",
    # more everyday complaint, unease and cost
    "horrid", "dreadful", "nasty", "rude", "cold", "off-putting", "put me off", "unsettling", "unsettled",
    "invasive", "intrusion", "invasion", "prying", "nosy", "nosey", "snooping", "big brother", "paranoid",
    "uneasy", "unnerving", "shocked", "alarmed", "freaked", "freaky", "sinister", "distrust",
    "mistrust", "don't trust", "lost trust", "manipulative", "manipulated", "pushed", "greedy",
    "only about money", "about them", "their own", "self-serving", "cynical", "fake", "gimmick", "irrelevant",
    "clueless", "stupid", "silly", "ridiculous", "absurd", "outdated", "out of date",
    "never updated", "mix-up", "mixed up", "tiresome", "exhausting", "endless", "on and on",
    "went on forever", "too long", "time-consuming", "hassle", "nuisance", "bombarded", "flooded", "cluttered",
    "junk", "overpriced", "rip-off", "charged", "extra charge", "premium", "cost me", "lost", "regret",
    "walked away", "switched", "left them", "moved my", "never again", "sad", "hurt",
    "upsetting", "awkward", "embarrassed", "humiliating", "furious", "livid", "irritated",
    # unease at what the firm knows, and profiles that never caught up with the customer (added after the
    # H17-H28 evaluation, a few after H29-H40's, from the development interviews)
    "didn't like", "did not like", "don't like", "didn't love", "watched", "who else", "what else",
    "how on earth", "how do you know", "how did they know", "how did she know", "how did he know", "the creeps",
    "could have died", "my business", "a file on", "over my shoulder", "behind my back", "stalky", "stalker",
    "sly", "buttering", "what are you after", "never noticed", "didn't notice", "doesn't notice",
    "hasn't noticed", "never notice", "never learns", "doesn't learn", "didn't learn", "never learned",
    "never learnt", "not updated", "never update", "still sends", "still sending", "still shows",
    "still showing", "still recommends", "still recommending", "still suggests", "still suggesting",
    "still thinks", "still think", "still full of", "still comes", "stuck", "froze", "frozen", "left hand",
    "not that clever", "can't tell", "slapdash", "who's running", "makes you wonder",
    "doubt", "palaver", "faff", "a pain", "pain in the", "rigmarole", "nightmare", "shambles", "had enough",
    "daft", "naff", "grim", "cheesed off", "gutted", "doing my head in", "wind me up", "winds me up", "rankled",
    "grates", "took ages", "fed up", "put out", "put my back up", "after your purse", "after my money",
    "after your money", "sceptical", "sceptically", "skeptical", "a shock", "paywall",
    # being overcharged, profiled or followed, and what an informant does about it (after H65-H76's evaluation)
    "stung", "gets my goat", "sized up", "being followed", "felt followed", "followed me around", "flinch",
    "bin them", "deleted it",
)
# Words that look like valence but are not the informant's verdict here: discourse markers ("to be honest")
# and other senses ("we moved house"). A valence cue inside one of these does not count.
NEUTRAL = (
    "to be honest", "honest with you", "if i'm honest", "i'll be honest", "in all honesty", "i moved",
    "we moved", "moved house", "moved to", "moved out", "moved in", "moved away", "moved over", "lose weight",
    "save up", "cold foam", "cold brew", "good morning", "good afternoon", "good evening", "good night",
    "thank you for", "happy birthday", "happy new year", "happy christmas", "soft touch", "moved it", "moved the",
    "exactly as before", "what i like", "what we like",
)
# Indifference: the informant shrugs the practice off (the codebook's exclusion notes: politeness dismissed as
# routine is no attribution). Lowers every attribution row.
INDIFFERENT = (
    "didn't feel anything", "didn't really feel anything", "didn't feel one way", "one way or the other",
    "didn't make any difference", "doesn't make any difference", "made no difference", "makes no difference",
    "didn't think twice", "didn't think much", "not bothered", "doesn't bother me", "didn't bother me",
    "neither here nor there", "say that to everyone", "say that to everybody", "says that to everyone",
    "says that to everybody", "their job", "doing its thing", "didn't make any odds", "makes no odds",
    "read anything into", "don't think about it", "didn't think about it", "shrugged", "shrug",
    "couldn't tell you whether", "didn't make me think", "more or less", "not one way", "template",
    "doesn't mean anything", "didn't mean anything", "means nothing", "mail merge", "insert name",
)

# Dimension cues: generic ways of talking about the three attribution dimensions of the TMP framework (our own
# lists, valence-free: "time" is about value whether it was saved or wasted). Each family counts for the codebook
# attribution dimension whose id contains the family's name; the keywords of each attribution row's ``yes`` value
# join the family of that row's dimension. A codebook without such dimensions gets nothing from them.
DIMENSION_CUES: dict[str, tuple[str, ...]] = {
    "performance": (
        "competent", "competence", "incompetent", "reliable", "unreliable", "professional", "efficient",
        "organised", "organized", "accurate", "accuracy", "inaccurate", "spot on", "got it right", "gets it right",
        "get it right", "got it wrong", "gets it wrong", "get my name right", "wrong", "mistake", "mistakes",
        "error", "errors", "glitch", "bug", "broken", "doesn't work", "didn't work", "sloppy", "clueless",
        "careless", "stupid", "clever", "smart", "know what they're doing", "knows what it's doing",
        "on the ball", "outdated", "out of date", "never updated", "still recommends", "still sends", "still puts",
        "nobody looks", "nobody checks", "system", "algorithm", "data", "records", "misspelled", "misspelt",
        "never noticed", "didn't notice", "never learns", "doesn't learn", "still shows", "still suggests",
        "still thinks", "stuck", "froze", "left hand", "slapdash",
        "who's running", "can't tell", "notice", "noticed", "learn", "learned", "learnt", "update", "updated",
        "correct", "been right", "had that right", "got that right", "act together", "somebody there",
        "someone there", "understands", "built", "fit perfectly", "fits perfectly", "they fit", "it fit",
        "late", "on time", "hit the mark", "way off", "wide of the mark", "knows my taste", "knew my taste",
        "exactly my taste", "exactly my thing", "my taste", "picked something", "got something right",
        "the right", "the wrong", "the first time", "every time", "good at", "bad at", "works well",
        "capable", "dependable", "trust them to",
    ),
    "benevolence": (
        "care", "cared", "caring", "cares", "thoughtful", "looked after", "looking out for", "on my side",
        "in my interest", "interest", "honest", "dishonest", "valued", "special", "as a person", "as a customer",
        "not just", "thinking of me", "thinking about me", "about me", "about them", "about us", "kind",
        "friendly", "personal touch", "went out of their way", "intrusive", "intrusion", "creepy", "watched",
        "watching", "spying", "stalking", "privacy", "private", "nobody's business", "none of their business",
        "no business", "no right", "pushy", "pushing", "manipulative", "manipulated", "selling", "sell me",
        "to sell", "their own", "agenda", "to shift", "motive", "motives", "meant", "intend", "kept quiet",
        "want my money", "their money", "profit", "greedy", "self-serving", "target", "respect", "rude",
        "cold", "warm", "genuine", "fake", "sincere", "knew who i", "remembered", "treated me", "treat me",
        "felt like they", "feel like they", "made me feel", "trust", "distrust", "suspicious", "uncomfortable",
        "skin crawl", "who else", "what else", "my business", "a file on", "over my shoulder", "behind my back",
        "sly", "buttering", "what are you after", "how do you know", "how did they know", "didn't have to",
    ),
    "value": (
        "time", "minutes", "hours", "evening", "evenings", "weekend", "weekends", "saturday", "ages",
        "forever", "quick", "quicker", "quickly", "fast", "slow", "easy", "easier", "simpler", "effort",
        "hassle", "tedious", "money", "price", "cost", "costs", "paid", "pay", "cheaper", "expensive",
        "euros", "pounds", "dollars", "extra", "worth", "benefit", "convenient", "handy", "useful", "useless",
        "choice", "choices", "options", "search", "searching", "scroll", "browse", "found me", "discovered",
        "never heard of", "fit", "fits", "fitted", "suit", "suits", "saved", "save", "saves", "waste",
        "wasted", "spend", "spent", "give away", "gave away", "handing", "too many", "too much", "clutter",
        "cluttered", "spam", "noise", "irrelevant", "done", "in two minutes", "instead of", "palaver", "faff",
        "rigmarole", "scrolling", "took ages",
    ),
}

# Theme families: generic ways of talking about the three broad kinds of personalization the issue lists
# (recognition in the contact; specifications given at the time of a purchase; learning from history). Each
# phrase counts 0.5 for the codebook values whose own keywords share a (stemmed) theme word (so the
# codebook decides which value a family speaks for; a codebook without such keywords gets nothing from them).
THEME_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "recognition": (("name", "greet", "recognise"), (
        "by name", "my name", "first name", "surname", "greeted", "welcome back", "hello", "good morning",
        "good afternoon", "birthday", "asked about", "asked after", "how is your", "how was your", "how are you",
        "remembered me", "recognised me", "knew who i", "personal note", "handwritten", "by hand", "dear",
        "congratulations", "mr", "mrs", "ms", "before i'd said", "before i'd even", "before i've said",
        "before we'd even", "before we've even", "before i said", "on the phone", "she goes", "he goes",
        "on the screen", "on her screen", "on his screen", "in front of her", "in front of him", "rang me",
        "phoned me", "phone call")),
    "specification": (("questionnaire", "configurator", "specifications", "profile"), (
        "questions", "questionnaire", "form", "configurator", "options", "choose", "chose", "pick the",
        "measurements", "my size", "sizes", "build your own", "design your own", "your own", "finder", "quiz",
        "ticked", "entered", "filled in", "filled out", "answered the", "answered questions", "specify",
        "narrowed", "filter", "planner", "fit", "it asks", "it asked", "it wanted", "wanted to know",
        "sign-up", "signing up", "calculator", "upload", "off a list", "build-your-own", "go through")),
    "history": (("history", "recommend", "bought"), (
        "recommend", "recommendation", "suggest", "suggestion", "picks for", "picked for", "picked out for",
        "top picks", "their picks", "because you", "based on", "history",
        "over the years", "by now", "every week", "every month", "every friday", "each week", "keeps", "learned",
        "learnt", "algorithm", "a mix", "the mix", "daily mix", "playlist", "you might like", "also bought",
        "what i bought",
        "what i watch", "what i listen", "what i read", "my taste", "before", "usually", "ever since",
        "noticed you", "we've noticed", "the year before", "the time before", "last time", "been looking at",
        "your usual", "the usual", "you enjoyed", "running low", "reorder", "on the system", "on file",
        "looked me up", "made a note", "kept a note", "every single week", "every few months", "every fortnight",
        "since then", "to this day", "weekly", "the emails started", "every year", "each year", "years running",
        "keep track", "track of", "you've been viewing", "you sent", "you ordered", "automatically", "run out",
        "my bookings")),
}

# Rule name -> stems that a value's keywords must contain for the rule to count for that value.
RULE_THEMES: dict[str, tuple[str, ...]] = {
    "address_title": ("name",),
    "address_greeting": ("name", "greet"),
    "made_for_me": ("tailor", "personaliz", "for me", "for you", "just for"),
    "they_knew": ("know", "remember", "recogniz"),
    "from_history": ("buy", "history", "watch", "bas"),
    "own_name": ("name",),
    "firm_to_me": (),
    "i_specified": ("questionnair", "configurator", "specification", "option", "profil", "enter", "fill"),
}
# A bare mention of the informant's name counts half for the values it speaks for: firms put the name at the
# head of offers built from purchase history ("Kathleen, more rhubarb as you enjoyed it"), so on its own it is
# weaker evidence of recognition than a greeting or a title (on the development interviews a bare name went
# with interaction in 29 of 46 cases, a greeting in 26 of 29). Detection still counts it in full.
OWN_NAME_WEIGHT = 0.5
RULE_LABELS = {
    "address_title": "addressed by title and surname",
    "address_greeting": "greeted by name",
    "made_for_me": "something made or picked for the customer",
    "they_knew": "the firm already knew about the customer",
    "from_history": "based on the customer's history",
    "own_name": "the informant's own name is said to them",
    "firm_to_me": "the firm doing something to or for the customer",
    "i_specified": "the customer specifying what they want",
}

FALLBACK_VALUES = ("no", "unknown", "other", "none", "neutral", "equilibrium", "not_applicable", "na", "n/a")



@dataclass(frozen=True)
class Cue:
    """One thing a matcher key stands for: a value of a variable (``family`` keyword or rule) or a detection
    cue (``variable`` None, ``family`` practice, reaction or mass)."""

    variable: str | None
    value: str | None
    family: str
    phrase: str
    weight: float


@dataclass
class AuditStructure:
    """What the codebook's audit layout says about how variables hang together (all optional).

    ``attributions`` maps each attribution row variable to its dimension word (the part of its id shared with
    the other valence's row, e.g. ``benevolence``) and its valence (from the row group's label). For each
    effect value, ``effect_dims`` holds the dimensions its definition names (not negated: "not on
    benevolence" does not count) and ``effect_valence`` the valences it names ("Positive;").
    """

    type_variable: str | None = None
    effect_variable: str | None = None
    summary_variable: str | None = None
    attributions: dict[str, tuple[str, str]] = field(default_factory=dict)
    effect_dims: dict[str, set[str]] = field(default_factory=dict)
    effect_valence: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Lexicon:
    """Cues, prototypes and the matcher for one codebook."""

    codebook: "Codebook"
    pipeline: TextPipeline
    matcher: CueMatcher
    cues: dict[str, list[Cue]]
    prototypes: dict[str, dict[str, dict[str, float]]]   # variable -> value -> stem -> tf-idf weight
    idf: dict[str, float]
    max_idf: float
    cold_variables: list[str]                            # categorical variables that can be cold-started
    warnings: list[str] = field(default_factory=list)
    fallback: dict[str, str | None] = field(default_factory=dict)
    structure: AuditStructure = field(default_factory=AuditStructure)
    # document analyses made with this lexicon, by (document id, text): see features.analyze_document
    analyses: dict = field(default_factory=dict, repr=False, compare=False)

    def stem_vector(self, stems: list[str]) -> dict[str, float]:
        """tf-idf vector (log tf) of content stems, unit length."""
        counts = Counter(stems)
        vec = {s: (1.0 + math.log(n)) * self.idf.get(s, self.max_idf) for s, n in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {s: x / norm for s, x in vec.items()}

    def similarity(self, vector: dict[str, float], variable: str, value: str) -> float:
        proto = self.prototypes.get(variable, {}).get(value)
        if not proto:
            return 0.0
        return sum(x * proto.get(s, 0.0) for s, x in vector.items())


def is_content(token, *, skip_names: bool = True) -> bool:
    """A content word: no stop word, punctuation or number; with ``skip_names``, no capitalised word inside a
    sentence either (in transcripts those are mostly names of people and firms)."""
    if token.is_stop or token.is_punct or token.is_space or token.like_num or not token.is_alpha or len(token) < 3:
        return False
    return not (skip_names and token.is_title and not token.is_sent_start and token.text != "I")


def content_stems(doc_or_span, *, skip_names: bool = True) -> list[str]:
    """Stems of the content words (:func:`is_content`) of a processed doc or span."""
    return [t.lemma_ for t in doc_or_span if is_content(t, skip_names=skip_names)]


_LEXICONS: dict[str, Lexicon] = {}   # by codebook YAML: detect, suggest and evaluate in one process share one
_LEXICON_CACHE_SIZE = 4


def build_lexicon(codebook: "Codebook", pipeline: TextPipeline | None = None) -> Lexicon:
    """The cues, prototypes and matcher for ``codebook`` (uses the shared blank pipeline by default).

    With the default pipeline, a codebook loaded from YAML gets the same lexicon (and so the same cached
    document analyses) every time it is asked for in this process."""
    if pipeline is not None or not codebook.text:
        return _build_lexicon(codebook, pipeline)
    found = _LEXICONS.get(codebook.text)
    if found is None:
        if len(_LEXICONS) >= _LEXICON_CACHE_SIZE:
            _LEXICONS.pop(next(iter(_LEXICONS)))
        found = _LEXICONS[codebook.text] = _build_lexicon(codebook, None)
    return found


def _build_lexicon(codebook: "Codebook", pipeline: TextPipeline | None) -> Lexicon:
    pipeline = pipeline or TextPipeline()
    cues: dict[str, list[Cue]] = {}
    phrases: list[str] = []
    key_of = {}

    def key(phrase: str) -> str:
        if phrase not in key_of:
            key_of[phrase] = " ".join(pipeline.stems(phrase))
        return key_of[phrase]

    def add(phrase: str, cue: Cue) -> None:
        k = key(phrase)
        if not k:
            return
        phrases.append(phrase)
        lst = cues.setdefault(k, [])
        if cue not in lst:
            lst.append(cue)

    warnings: list[str] = []
    cold: list[str] = []
    fallback: dict[str, str | None] = {}
    value_keys: dict[tuple[str, str], set[str]] = {}
    for var in codebook.variables:
        if not var.is_categorical:
            continue
        has_text = any(v.keywords or v.examples for v in var.values)
        if not has_text:
            warnings.append(f"variable '{var.id}' has no keywords or examples in any value; it is skipped in cold "
                            "start (suggested only once humans have coded enough cases to train on)")
        else:
            cold.append(var.id)
        fallback[var.id] = next((v.id for v in var.values if v.id.casefold() in FALLBACK_VALUES), None)
        for val in var.values:
            for kw in val.keywords:
                add(kw, Cue(var.id, val.id, "keyword", kw, 1.0))
                value_keys.setdefault((var.id, val.id), set()).add(key(kw))

    # Rules count for the values whose keywords share their theme, among the variables that describe the
    # practice itself (case, type, effect; every variable in a codebook without that audit layout): "wrong
    # name" among the keywords of an attribution must not turn every greeting into evidence for it.
    practice_vars = _practice_variables(codebook)
    for rule, themes in RULE_THEMES.items():
        for (var_id, val_id), keys in value_keys.items():
            if practice_vars is not None and var_id not in practice_vars:
                continue
            if any(_has_theme(k, t) for k in keys for t in themes):
                weight = OWN_NAME_WEIGHT if rule == "own_name" else 1.0
                cues.setdefault(f"rule:{rule}", []).append(Cue(var_id, val_id, "rule", rule, weight))

    for family, (themes, family_phrases) in THEME_FAMILIES.items():
        theme_keys = [" ".join(pipeline.stems(t)) for t in themes]
        for (var_id, val_id), keys in value_keys.items():
            if practice_vars is not None and var_id not in practice_vars:
                continue
            if any(_has_theme(k, t) for k in keys for t in theme_keys):
                for phrase in family_phrases:
                    add(phrase, Cue(var_id, val_id, "theme", family, 0.5))

    # Detection families: the detector's own lists plus the codebook's case, type and typed-effect keywords.
    for p in PRACTICE_STRONG:
        add(p, Cue(None, None, "practice", p, 1.0))
    for p in PRACTICE_WEAK:
        add(p, Cue(None, None, "practice", p, 0.5))
    for p in REACTION:
        add(p, Cue(None, None, "reaction", p, 0.5))
    for p in MASS:
        add(p, Cue(None, None, "mass", p, -1.0))
    for phrase, weight in _codebook_practice_phrases(codebook):
        add(phrase, Cue(None, None, "practice", phrase, weight))
    for phrase in _codebook_reaction_phrases(codebook):
        add(phrase, Cue(None, None, "reaction", phrase, 0.5))
    for p in POSITIVE:
        add(p, Cue(None, None, "positive", p, 1.0))
    for p in NEGATIVE:
        add(p, Cue(None, None, "negative", p, 1.0))
    for p in NEUTRAL:
        add(p, Cue(None, None, "neutral", p, 0.0))
    for p in INDIFFERENT:
        add(p, Cue(None, None, "indifferent", p, 1.0))
    for phrase, family in _codebook_valence_phrases(codebook):
        add(phrase, Cue(None, None, family, phrase, 1.0))
    structure = audit_structure(codebook, pipeline)
    for phrase, dim in _dimension_phrases(codebook, structure):
        add(phrase, Cue(None, None, f"dimension:{dim}", phrase, 1.0))
    for rule in RULES:
        cues.setdefault(f"rule:{rule}", []).append(Cue(None, None, "practice", rule, 1.0))
    cues.setdefault("rule:own_name", []).append(Cue(None, None, "practice", "own_name", 1.0))

    matcher = CueMatcher(pipeline, dict.fromkeys(phrases))
    prototypes, idf = _prototypes(codebook, pipeline)
    max_idf = max(idf.values(), default=1.0)
    return Lexicon(codebook, pipeline, matcher, cues, prototypes, idf, max_idf, cold, warnings, fallback,
                   structure)


def audit_structure(codebook: "Codebook", pipeline: TextPipeline) -> AuditStructure:
    """Read :class:`AuditStructure` off the codebook's ``audit`` section and effect definitions."""
    from duocode.precode.pipeline import _negated

    audit = codebook.audit or {}
    by_id = codebook.variables_by_id
    out = AuditStructure(*(audit.get(k) if audit.get(k) in by_id else None
                           for k in ("type_variable", "effect_variable", "summary_variable")))
    for group in audit.get("row_groups", []):
        valence = _valence_of_label(group.get("label", ""))
        if valence is None:
            continue
        for vid in group.get("rows", []):
            parts = [w for w in vid.split("_") if w not in ("positive", "negative", "pos", "neg")]
            if parts and vid in by_id:
                out.attributions[vid] = ("_".join(parts), valence)
    effect = by_id.get(out.effect_variable or "")
    if effect is not None and out.attributions:
        dims = {d for d, _ in out.attributions.values()}
        for val in effect.values:
            doc = pipeline(val.definition or "")
            found: set[str] = set()
            valences: set[str] = set()
            sent_start = {t.i: t.sent.start for t in doc}
            for t in doc:
                if _negated(doc, t.i, sent_start[t.i]):
                    continue
                for d in dims:
                    if t.lemma_ == stem(d.split("_")[0]):
                        found.add(d)
                if t.lower_ in ("positive", "negative"):
                    valences.add(t.lower_)
            out.effect_dims[val.id] = found
            out.effect_valence[val.id] = valences
    return out


def _practice_variables(codebook: "Codebook") -> set[str] | None:
    audit = codebook.audit or {}
    found = {v for v in (CASE_VARIABLE, audit.get("type_variable"), audit.get("effect_variable"))
             if v in codebook.variables_by_id}
    return found or None


def _has_theme(key: str, theme: str) -> bool:
    return f" {theme} " in f" {key} "


def _codebook_practice_phrases(codebook: "Codebook") -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    by_id = codebook.variables_by_id
    case_var = by_id.get(CASE_VARIABLE)
    if case_var is not None and "yes" in case_var.value_ids:
        out += [(kw, 1.0) for kw in case_var.value("yes").keywords]
    audit = codebook.audit or {}
    type_var = by_id.get(audit.get("type_variable", ""))
    if type_var is not None:
        out += [(kw, 1.0) for v in type_var.values for kw in v.keywords]
    effect_var = by_id.get(audit.get("effect_variable", ""))
    if effect_var is not None:
        out += [(kw, 0.5) for v in effect_var.values if v.types for kw in v.keywords]
    if not out:  # a codebook without the TMP roles: every keyword is a (weak) practice cue
        out = [(kw, 0.5) for var in codebook.variables for v in var.values for kw in v.keywords]
    return out


def _codebook_valence_phrases(codebook: "Codebook") -> list[tuple[str, str]]:
    """Keywords of the attribution rows' ``yes`` values and of the summary's lowest and highest values, as
    positive or negative valence cues (the row group's label says which)."""
    audit = codebook.audit or {}
    out: list[tuple[str, str]] = []
    for group in audit.get("row_groups", []):
        family = _valence_of_label(group.get("label", ""))
        if family is None:
            continue
        for vid in group.get("rows", []):
            var = codebook.variables_by_id.get(vid)
            if var is not None and "yes" in var.value_ids:
                out += [(kw, family) for kw in var.value("yes").keywords]
    summary = codebook.variables_by_id.get(audit.get("summary_variable", ""))
    if summary is not None and summary.level == "ordinal" and len(summary.values) >= 2:
        out += [(kw, "negative") for kw in summary.values[0].keywords]
        out += [(kw, "positive") for kw in summary.values[-1].keywords]
    return out


def _dimension_phrases(codebook: "Codebook", structure: AuditStructure) -> list[tuple[str, str]]:
    """Dimension cue phrases and the codebook dimension each speaks for: :data:`DIMENSION_CUES` families whose
    name is part of a dimension's id, and the keywords of every attribution row's ``yes`` value."""
    out: list[tuple[str, str]] = []
    dims = sorted({d for d, _ in structure.attributions.values()})
    for family, phrases in DIMENSION_CUES.items():
        for d in dims:
            if family in d.split("_"):
                out += [(p, d) for p in phrases]
    for vid, (d, _valence) in structure.attributions.items():
        var = codebook.variables_by_id.get(vid)
        if var is not None and "yes" in var.value_ids:
            out += [(kw, d) for kw in var.value("yes").keywords]
    return out


def _valence_of_label(label: str) -> str | None:
    low = label.casefold()
    if "positive" in low and "negative" not in low:
        return "positive"
    if "negative" in low and "positive" not in low:
        return "negative"
    return None


def _codebook_reaction_phrases(codebook: "Codebook") -> list[str]:
    audit = codebook.audit or {}
    rows = [r for g in audit.get("row_groups", []) for r in g.get("rows", [])]
    summary = audit.get("summary_variable")
    out = []
    for vid in rows + ([summary] if summary else []):
        var = codebook.variables_by_id.get(vid)
        if var is None:
            continue
        for v in var.values:
            if v.id.casefold() not in FALLBACK_VALUES:
                out += list(v.keywords)
    return out


def _prototypes(codebook: "Codebook", pipeline: TextPipeline):
    """Per variable and value, a tf-idf prototype over the value's own words; idf over all values' texts."""
    bags: dict[tuple[str, str], list[str]] = {}
    for var in codebook.variables:
        if not var.is_categorical:
            continue
        for val in var.values:
            parts = [val.label, val.definition, val.include, *val.examples, *val.keywords]
            stems: list[str] = []
            for part in parts:
                if part:
                    stems += content_stems(pipeline(part))
            bags[(var.id, val.id)] = stems
    n = len(bags) or 1
    df = Counter(s for stems in bags.values() for s in set(stems))
    idf = {s: math.log((1 + n) / (1 + d)) + 1.0 for s, d in df.items()}
    prototypes: dict[str, dict[str, dict[str, float]]] = {}
    for (var_id, val_id), stems in bags.items():
        counts = Counter(stems)
        vec = {s: (1.0 + math.log(c)) * idf[s] for s, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        prototypes.setdefault(var_id, {})[val_id] = {s: x / norm for s, x in vec.items()}
    return prototypes, idf
