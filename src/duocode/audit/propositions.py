"""Verdicts on the codebook's propositions, from the consensus codes of the audited cases.

The rules are data (docs/CODEBOOK_FORMAT.md, "Conditions" and "Verdicts"); conditions are interpreted by
:func:`duocode.codebook.conditions.matches`, never evaluated as code. Every verdict weighs the evidence with a
test (the arithmetic is in :mod:`duocode.audit.verdicts`), with the settings of the codebook's ``verdicts:``
section and the proposition's own ``verdicts:`` overrides: significance level alpha (default 0.05), the share
a side must exceed t (``threshold``, 0.5), the mixed band m (``mixed_band``, 0.75), the minimum number of cases
(``min_cases``, 5), the permutation count and seed (9999, 1) and how several comparisons combine
(``combine``: ``largest_p`` or ``holm``). A verdict other than ``inconclusive`` is given only when the test
allows it; an inconclusive one says about how many more cases, at the observed share or effect, would decide it
(``cases_to_decide``, and the verdict they would give, ``would_become``).

- ``supports``/``contradicts``: the *bearing* cases match ``cases`` (every audited case when absent);
  supporting = bearing cases matching ``supports``, contradicting = bearing cases matching ``contradicts`` (a
  case may be on both sides; such a case carries no net evidence and is left out of the test). ``no_evidence``
  when no bearing case supports or contradicts it. Otherwise an exact binomial test (scipy ``binomtest``) of the
  s supporting-only against the k contradicting-only cases: p is twice the upper tail of the majority side's
  count under a share of t (for t = 0.5 the ordinary two-sided test; 9 of 10 gives p = 0.021484375), and the
  (1 - alpha) Clopper-Pearson interval of the supporting share s / (s + k) is the one this test inverts.
  ``supported`` when p < alpha with support the majority (the interval lies above t), ``contradicted`` when
  p < alpha with contradiction the majority (the interval lies below 1 - t), ``mixed`` when both sides are
  present and the interval lies inside [1 - m, m] (even at its edge neither side holds more than m of the
  evidence: they are settled as balanced), else ``inconclusive`` (also when s + k < ``min_cases``). Effect size:
  the supporting share, with Cohen's h against 0.5. A proposition's legacy ``threshold`` t sets both t and m,
  keeping its old reading (a side must reach t; mixed between 1 - t and t), now judged on the interval instead of
  the point share.
- ``compare``: a named score (``scores`` in the codebook: +1 per ``plus`` item that holds, -1 per ``minus`` item;
  an item is a variable id, holding when coded ``yes``, or a condition) is averaged over the ``higher`` group and
  each ``lower`` group, all taken among the bearing cases. ``no_evidence`` if a group is empty. Otherwise a
  two-sided permutation test of the difference in mean score between the higher group and each lower group:
  exact (scipy ``permutation_test``) when there are no more arrangements than ``permutations``, else that many
  random relabellings with the fixed seed (drawn as multivariate hypergeometric counts of each score, which is
  what a random relabelling does to the statistic, see :func:`duocode.audit.verdicts.mean_difference_p`); effect
  size the
  rank-biserial correlation of the weakest comparison. ``supported`` when every comparison is significant with
  the higher mean above, ``contradicted`` when every one is with it below, ``mixed`` when every one is
  significant but they point different ways, else ``inconclusive`` (also when a group has fewer than
  ``min_cases`` cases). Several lower groups combine by the largest p-value (an intersection-union test: every
  comparison must reject) or, with ``combine: holm``, by Holm's adjustment. So that a comparison also traces back
  to quotes, a case *supports* it when it pulls its group the predicted way (a higher-group case scoring above the
  highest lower mean, a lower-group case scoring below the higher mean) and *contradicts* it when it pulls the
  other way (a higher-group case below the lowest lower mean, a lower-group case above the higher mean).
- ``from``: a combination of its children's verdicts, no test of its own: ``supported`` if all children are
  supported, ``contradicted`` if all are contradicted, ``no_evidence`` if all have no evidence, else ``mixed``;
  an inconclusive child makes it ``inconclusive`` unless the decided children already disagree (or one is
  mixed), in which case it is ``mixed`` whatever the open child becomes. Its cases are the union of its
  children's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from duocode.audit import verdicts as vt
from duocode.codebook import matches
from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.audit.matrix import AuditCase
    from duocode.codebook import Codebook

VERDICTS = ("supported", "contradicted", "mixed", "no_evidence", "inconclusive")
NOT_CODED_GROUP = "(not coded)"
MAX_INTERVAL_GROUPS = 12


@dataclass
class Group:
    """One side of a comparison."""

    condition: dict
    cases: list[str]
    mean: float | None

    def to_dict(self) -> dict:
        return {"condition": self.condition, "n": len(self.cases), "mean": self.mean, "cases": list(self.cases)}


@dataclass
class ModeratorRow:
    """The bearing cases of one proposition that have one value (or range) of a moderator."""

    value: str
    cases: list[str]
    supporting: int
    contradicting: int
    mean: float | None = None

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"value": self.value, "n": len(self.cases), "supporting": self.supporting,
                             "contradicting": self.contradicting, "cases": list(self.cases)}
        if self.mean is not None:
            d["mean_score"] = self.mean
        return d


@dataclass
class PropositionResult:
    """The verdict on one proposition and everything behind it."""

    id: str
    statement: str
    rule: str                           # supports/contradicts | compare | from
    verdict: str
    supporting: list[str]
    contradicting: list[str]
    cases: list[str]                    # the bearing cases
    explanation: str
    type: str | None = None
    parent: str | None = None
    label: str | None = None
    threshold: float | None = None
    score: str | None = None
    higher: Group | None = None
    lower: list[Group] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    moderators: dict[str, list[ModeratorRow]] = field(default_factory=dict)
    # the test behind the verdict
    test: str = ""
    p_value: float | None = None
    reason: str | None = None           # why there is no p-value
    effect_size: float | None = None
    effect_measure: str | None = None
    ci: tuple[float, float] | None = None      # supports/contradicts: the supporting share's exact interval
    cohens_h: float | None = None
    n_both: int = 0                     # cases on both sides (left out of the binomial test)
    cases_to_decide: int | None = None  # inconclusive: about how many more cases would decide it
    would_become: str | None = None     # ... and the verdict they would give
    children_to_decide: dict[str, int | None] = field(default_factory=dict)
    comparisons: list[vt.Comparison] = field(default_factory=list)
    settings: vt.VerdictSettings | None = None

    def to_dict(self) -> dict:
        """The contract's entry: verdict, supporting and contradicting case ids, the test with its p-value (or
        the reason there is none) and the effect size; the counts; and for an inconclusive verdict how many more
        cases would decide it."""
        d: dict[str, Any] = {"verdict": self.verdict, "supporting": list(self.supporting),
                             "contradicting": list(self.contradicting), "test": self.test,
                             "p_value": self.p_value, "effect_size": self.effect_size,
                             "effect_measure": self.effect_measure, "n_cases": len(self.cases),
                             "n_supporting": len(self.supporting), "n_contradicting": len(self.contradicting)}
        if self.p_value is None:
            d["reason"] = self.reason
        if self.verdict == "inconclusive":
            d["cases_to_decide"] = self.cases_to_decide
            if self.would_become:
                d["would_become"] = self.would_become
        d["explanation"] = self.explanation
        return d

    def detail(self) -> dict:
        """Everything behind the verdict (an extra key of the audit JSON)."""
        d: dict[str, Any] = {"statement": self.statement, "type": self.type, "parent": self.parent,
                             "rule": self.rule, "verdict": self.verdict, "n_cases": len(self.cases),
                             "cases": list(self.cases), "n_supporting": len(self.supporting),
                             "n_contradicting": len(self.contradicting), "explanation": self.explanation,
                             "test": self.test, "p_value": self.p_value, "effect_size": self.effect_size,
                             "effect_measure": self.effect_measure}
        if self.settings is not None:
            d["settings"] = self.settings.to_dict()
        if self.threshold is not None:
            d["threshold"] = self.threshold
        if self.rule == "supports/contradicts":
            d["n_both"] = self.n_both
            if self.ci is not None:
                d["ci"] = list(self.ci)
                d["cohens_h"] = self.cohens_h
        if self.rule == "compare":
            d["score"] = self.score
            d["higher"] = self.higher.to_dict() if self.higher else None
            d["lower"] = [g.to_dict() for g in self.lower]
            d["comparisons"] = [c.to_dict() for c in self.comparisons]
        if self.children:
            d["from"] = list(self.children)
        if self.children_to_decide:
            d["children_to_decide"] = dict(self.children_to_decide)
        if self.verdict == "inconclusive":
            d["cases_to_decide"] = self.cases_to_decide
            d["would_become"] = self.would_become
        if self.moderators:
            d["moderators"] = {m: [row.to_dict() for row in rows] for m, rows in self.moderators.items()}
        return d


def score_of(codebook: "Codebook", name: str, codes: dict[str, str]) -> int:
    """A case's value of the named score: +1 per ``plus`` item that holds, -1 per ``minus`` item that holds."""
    spec = codebook.scores[name]

    def holds(item) -> bool:
        if isinstance(item, str):
            return codes.get(item) == "yes"
        return matches(item, codes, codebook)

    return sum(1 for i in spec.get("plus", []) if holds(i)) - sum(1 for i in spec.get("minus", []) if holds(i))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def evaluate_propositions(codebook: "Codebook", cases: list["AuditCase"]) -> dict[str, PropositionResult]:
    """The verdict on every proposition of ``codebook``, over the ``included`` cases among ``cases``.

    Returns
    -------
    dict
        proposition id -> :class:`PropositionResult`, in codebook order.

    Raises
    ------
    InputError
        Propositions whose ``from`` lists refer to each other in a circle (they cannot be judged).
    """
    included = [c for c in cases if c.status == "included"]
    by_id = {p["id"]: p for p in codebook.propositions}
    results: dict[str, PropositionResult] = {}
    visiting: list[str] = []

    def judge(pid: str) -> PropositionResult:
        if pid in results:
            return results[pid]
        if pid in visiting:
            cycle = " -> ".join(visiting[visiting.index(pid):] + [pid])
            raise InputError(f"propositions refer to each other in a circle: {cycle}", path=codebook.source,
                             expected="`from` lists that end in propositions with their own rule")
        visiting.append(pid)
        prop = by_id[pid]
        if "from" in prop:
            res = _judge_from(prop, [judge(child) for child in prop["from"]])
        elif "compare" in prop:
            res = _judge_compare(codebook, prop, included)
        else:
            res = _judge_rules(codebook, prop, included)
        res.moderators = _moderator_breakdown(codebook, prop, res, included)
        visiting.pop()
        results[pid] = res
        return res

    for prop in codebook.propositions:
        judge(prop["id"])
    return {p["id"]: results[p["id"]] for p in codebook.propositions}


def _base(prop: dict, rule: str, verdict: str, supporting, contradicting, bearing, explanation) -> PropositionResult:
    return PropositionResult(id=prop["id"], statement=" ".join(str(prop["statement"]).split()), rule=rule,
                             verdict=verdict, supporting=supporting, contradicting=contradicting, cases=bearing,
                             explanation=explanation, type=prop.get("type"), parent=prop.get("parent"),
                             label=prop.get("label"), threshold=prop.get("threshold"))


def _bearing(codebook, prop, cases) -> list["AuditCase"]:
    cond = prop.get("cases")
    return [c for c in cases if cond is None or matches(cond, c.codes, codebook)]


def _judge_rules(codebook, prop, cases) -> PropositionResult:
    bearing = _bearing(codebook, prop, cases)
    sup = [c.id for c in bearing if "supports" in prop and matches(prop["supports"], c.codes, codebook)]
    con = [c.id for c in bearing if "contradicts" in prop and matches(prop["contradicts"], c.codes, codebook)]
    st = vt.settings_for(codebook.verdicts, prop, "supports/contradicts")
    both = len(set(sup) & set(con))
    s, k = len(sup) - both, len(con) - both
    explanation = f"{len(sup)} supporting, {len(con)} contradicting of {len(bearing)} bearing cases"
    if both:
        explanation += f" ({both} on both sides, left out of the test)"
    res = _base(prop, "supports/contradicts", "no_evidence", sup, con, [c.id for c in bearing], explanation)
    res.settings, res.n_both = st, both
    res.effect_measure = "supporting share s/(s+k)"
    if not sup and not con:
        res.test = vt.binomial_test_name(st)
        res.reason = "no bearing case supports or contradicts it, so there is nothing to test"
        res.explanation += "; no evidence either way"
        return res
    out = vt.binomial_outcome(s, k, st)
    res.verdict, res.test, res.p_value, res.reason = out.verdict, out.test, out.p_value, out.reason
    res.effect_size, res.ci, res.cohens_h = out.share, out.ci, out.cohens_h
    if out.p_value is not None:
        res.explanation += (f"; supporting share {out.share:.0%} ({1 - st.alpha:.0%} CI {out.ci[0]:.2f}-"
                            f"{out.ci[1]:.2f}), p = {_p(out.p_value)}")
    if res.verdict == "inconclusive":
        res.cases_to_decide, res.would_become = vt.binomial_cases_to_decide(s, k, st)
        res.explanation += "; " + _to_decide(res, s + k < st.min_cases, st, "share")
    else:
        res.explanation += "; " + _decided_because(res.verdict, st)
    return res


def _decided_because(verdict: str, st) -> str:
    if verdict == "supported":
        return f"the share is significantly above {st.threshold:g} (alpha {st.alpha:g})"
    if verdict == "contradicted":
        return f"the share is significantly below {1 - st.threshold:g} (alpha {st.alpha:g})"
    return (f"both sides present and the interval lies within {1 - st.mixed_band:g}-{st.mixed_band:g}: "
            f"neither side dominates")


def _to_decide(res: PropositionResult, too_few: bool, st, what: str) -> str:
    if too_few:
        head = (f"inconclusive: fewer than {st.min_cases} cases carry evidence" if what == "share" else
                f"inconclusive: a group has fewer than {st.min_cases} cases")
    else:
        head = f"inconclusive at alpha {st.alpha:g}"
    if res.cases_to_decide is None:
        return head + f"; at the observed {what} no number of further cases would decide it"
    where = "observed share" if what == "share" else "observed means and spreads (normal approximation)"
    tail = f", as {res.would_become}" if res.would_become else ""
    return head + f"; about {res.cases_to_decide} more cases at the {where} would decide it{tail}"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _judge_compare(codebook, prop, cases) -> PropositionResult:
    spec = prop["compare"]
    name = spec["score"]
    bearing = _bearing(codebook, prop, cases)
    scores = {c.id: score_of(codebook, name, c.codes) for c in bearing}
    st = vt.settings_for(codebook.verdicts, prop, "compare")

    def group(cond) -> Group:
        ids = [c.id for c in bearing if matches(cond, c.codes, codebook)]
        return Group(cond, ids, _mean([scores[i] for i in ids]))

    higher = group(spec["higher"])
    lowers = [group(cond) for cond in (spec["lower"] if isinstance(spec["lower"], list) else [spec["lower"]])]
    label = codebook.scores[name].get("label", name)
    groups = [higher] + lowers
    # Name each group by what sets it apart: keys shared word for word by every group say nothing.
    shared = {k for k, v in higher.condition.items() if all(g.condition.get(k) == v for g in lowers)}
    parts = [f"{describe_condition({k: v for k, v in g.condition.items() if k not in shared} or g.condition)} "
             f"{_fmt(g.mean)} (n={len(g.cases)})" for g in groups]
    explanation = f"mean {label}: " + " vs ".join(parts)
    sup: list[str] = []
    con: list[str] = []
    res = _base(prop, "compare", "no_evidence", sup, con, [c.id for c in bearing], explanation)
    res.score, res.higher, res.lower, res.settings = name, higher, lowers, st
    res.test = vt.permutation_test_name(st, len(lowers))
    res.effect_measure = "rank-biserial correlation, higher vs lower group (weakest comparison)"
    if not higher.cases or any(not g.cases for g in lowers):
        res.reason = "a group of the comparison has no case, so there is nothing to compare"
        res.explanation += "; no evidence: a group is empty"
        return res
    low_means = [g.mean for g in lowers]
    top, bottom = max(low_means), min(low_means)
    for cid in higher.cases:
        if scores[cid] > top:
            sup.append(cid)
        elif scores[cid] < bottom:
            con.append(cid)
    for g in lowers:
        for cid in g.cases:
            if scores[cid] < higher.mean and cid not in sup:
                sup.append(cid)
            elif scores[cid] > higher.mean and cid not in con:
                con.append(cid)
    order = {c.id: i for i, c in enumerate(bearing)}
    sup.sort(key=order.__getitem__)
    con.sort(key=order.__getitem__)
    high_scores = [float(scores[i]) for i in higher.cases]
    low_scores = [[float(scores[i]) for i in g.cases] for g in lowers]
    if min(len(x) for x in [high_scores] + low_scores) < 2:
        res.verdict, res.reason = "inconclusive", ("a group has a single case, and the permutation test needs "
                                                   "at least two in each group")
        res.cases_to_decide = vt.compare_cases_to_decide(high_scores, low_scores, st)
        res.explanation += "; inconclusive: a group has a single case; " + (
            f"about {res.cases_to_decide} more cases at the observed means would decide it"
            if res.cases_to_decide is not None else "at the observed means no number of cases would decide it")
        return res
    verdict, p, comps = vt.compare_outcome(high_scores, low_scores, st)
    weakest = max(comps, key=lambda c: (c.p_adjusted, -abs(c.rank_biserial)))
    res.verdict, res.p_value, res.comparisons, res.effect_size = verdict, p, comps, weakest.rank_biserial
    res.explanation += f"; p = {_p(p)}, rank-biserial r = {weakest.rank_biserial:.2f}"
    if verdict == "inconclusive":
        too_few = len(high_scores) < st.min_cases or any(len(x) < st.min_cases for x in low_scores)
        res.cases_to_decide = vt.compare_cases_to_decide(high_scores, low_scores, st)
        if res.cases_to_decide is not None:
            signs = {c.difference > 0 for c in comps}
            res.would_become = ("supported" if signs == {True} else "contradicted" if signs == {False}
                                else "mixed")
        res.explanation += "; " + _to_decide(res, too_few, st, "means")
    else:
        res.explanation += f"; every comparison significant (alpha {st.alpha:g})"
    return res


def describe_condition(cond: dict) -> str:
    """A short reading of a condition for explanations: ``tmp_type=continuity, past_accurate_recs<=2``."""
    ops = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "eq": "=", "ne": "!=", "in": " in "}
    parts = []
    for key, operand in cond.items():
        if key in ("all", "any"):
            parts.append(f"{key}(" + "; ".join(describe_condition(c) for c in operand) + ")")
        elif key == "not":
            parts.append(f"not({describe_condition(operand)})")
        elif isinstance(operand, dict):
            parts += [f"{key}{ops.get(op, op)}{arg}" for op, arg in operand.items()]
        elif isinstance(operand, list):
            parts.append(f"{key} in [{', '.join(map(str, operand))}]")
        else:
            parts.append(f"{key}={operand}")
    return ", ".join(parts)


def _judge_from(prop, children: list[PropositionResult]) -> PropositionResult:
    verdict = vt.combine_verdicts([c.verdict for c in children])

    def union(lists) -> list[str]:
        out: list[str] = []
        for ids in lists:
            out += [i for i in ids if i not in out]
        return out

    explanation = "from " + ", ".join(f"{c.id}: {c.verdict}" for c in children)
    res = _base(prop, "from", verdict, union(c.supporting for c in children),
                union(c.contradicting for c in children), union(c.cases for c in children), explanation)
    res.children = [c.id for c in children]
    res.test = "combination of the children's verdicts (" + ", ".join(res.children) + "), no test of its own"
    res.reason = "a combination of its children's verdicts; their tests carry the p-values"
    res.settings = vt.settings_for(None, prop, "from")
    open_children = [c for c in children if c.verdict == "inconclusive"]
    if verdict == "inconclusive":
        res.children_to_decide = {c.id: c.cases_to_decide for c in open_children}
        res.explanation += "; inconclusive until " + ", ".join(
            f"{c.id} is decided" + (f" (about {c.cases_to_decide} more cases)" if c.cases_to_decide is not None
                                    else " (no number of cases at its observed evidence)")
            for c in open_children)
    elif open_children:
        res.explanation += "; decided by the other children whatever " + ", ".join(c.id for c in open_children) \
            + " turns out to be"
    return res


def _moderator_breakdown(codebook, prop, res: PropositionResult, cases) -> dict[str, list[ModeratorRow]]:
    moderators = prop.get("moderators") or []
    if not moderators:
        return {}
    by_id = {c.id: c for c in cases}
    bearing = [by_id[i] for i in res.cases if i in by_id]
    sup, con = set(res.supporting), set(res.contradicting)
    out: dict[str, list[ModeratorRow]] = {}
    for mid in moderators:
        var = codebook.variables_by_id[mid]
        rows = []
        for label, members in moderator_groups(var, bearing):
            ids = [c.id for c in members]
            mean = None
            if res.rule == "compare" and res.score:
                mean = _mean([score_of(codebook, res.score, c.codes) for c in members])
            rows.append(ModeratorRow(label, ids, sum(1 for i in ids if i in sup), sum(1 for i in ids if i in con),
                                     mean))
        out[mid] = rows
    return out


def moderator_groups(var, cases) -> list[tuple[str, list]]:
    """``(label, cases)`` per moderator value: codebook values in order, numbers ascending (in up to 12 ranges),
    then the cases where it is not coded; empty groups are left out."""
    blank = [c for c in cases if not c.codes.get(var.id)]
    coded = [c for c in cases if c.codes.get(var.id)]
    groups: list[tuple[str, list]] = []
    if var.is_categorical:
        for value in var.value_ids:
            members = [c for c in coded if c.codes[var.id] == value]
            if members:
                groups.append((value, members))
    else:
        numbers = sorted({float(c.codes[var.id]) for c in coded})
        if len(numbers) <= MAX_INTERVAL_GROUPS:
            for x in numbers:
                groups.append((_num(x), [c for c in coded if float(c.codes[var.id]) == x]))
        else:
            # Ranges with about equal numbers of distinct values, so a long tail does not hide the low counts.
            size = -(-len(numbers) // MAX_INTERVAL_GROUPS)
            for i in range(0, len(numbers), size):
                lo, hi = numbers[i], numbers[min(i + size, len(numbers)) - 1]
                members = [c for c in coded if lo <= float(c.codes[var.id]) <= hi]
                groups.append((f"{_num(lo)}–{_num(hi)}", members))
    if blank:
        groups.append((NOT_CODED_GROUP, blank))
    return groups


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
