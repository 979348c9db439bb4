"""Verdicts on the codebook's propositions, from the consensus codes of the audited cases.

The rules are data (docs/CODEBOOK_FORMAT.md, "Conditions" and "Verdicts"); conditions are interpreted by
:func:`duocode.codebook.conditions.matches`, never evaluated as code.

- ``supports``/``contradicts``: the *bearing* cases match ``cases`` (every audited case when absent);
  supporting = bearing cases matching ``supports``, contradicting = bearing cases matching ``contradicts`` (a
  case may be on both sides). ``no_evidence`` if both are empty, ``supported`` if only supporting,
  ``contradicted`` if only contradicting, else ``mixed`` - unless ``threshold`` t is given: then ``supported``
  when supporting / (supporting + contradicting) >= t and ``contradicted`` when <= 1 - t.
- ``compare``: a named score (``scores`` in the codebook: +1 per ``plus`` item that holds, -1 per ``minus`` item;
  an item is a variable id, holding when coded ``yes``, or a condition) is averaged over the ``higher`` group and
  each ``lower`` group, all taken among the bearing cases. ``no_evidence`` if a group is empty; ``supported`` if
  the higher mean exceeds every lower mean; ``contradicted`` if it is below every one; else ``mixed``. So that a
  comparison also traces back to quotes, a case *supports* it when it pulls its group the predicted way (a
  higher-group case scoring above the highest lower mean, a lower-group case scoring below the higher mean) and
  *contradicts* it when it pulls the other way (a higher-group case below the lowest lower mean, a lower-group
  case above the higher mean).
- ``from``: ``supported`` if all children are supported, ``contradicted`` if all are contradicted,
  ``no_evidence`` if all have no evidence, else ``mixed``; its cases are the union of its children's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from duocode.codebook import matches
from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.audit.matrix import AuditCase
    from duocode.codebook import Codebook

VERDICTS = ("supported", "contradicted", "mixed", "no_evidence")
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

    def to_dict(self) -> dict:
        """The contract's entry: verdict, supporting and contradicting case ids."""
        return {"verdict": self.verdict, "supporting": list(self.supporting),
                "contradicting": list(self.contradicting)}

    def detail(self) -> dict:
        """Everything behind the verdict (an extra key of the audit JSON)."""
        d: dict[str, Any] = {"statement": self.statement, "type": self.type, "parent": self.parent,
                             "rule": self.rule, "verdict": self.verdict, "n_cases": len(self.cases),
                             "cases": list(self.cases), "n_supporting": len(self.supporting),
                             "n_contradicting": len(self.contradicting), "explanation": self.explanation}
        if self.threshold is not None:
            d["threshold"] = self.threshold
        if self.rule == "compare":
            d["score"] = self.score
            d["higher"] = self.higher.to_dict() if self.higher else None
            d["lower"] = [g.to_dict() for g in self.lower]
        if self.children:
            d["from"] = list(self.children)
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
    threshold = prop.get("threshold")
    s, k = len(sup), len(con)
    if not s and not k:
        verdict = "no_evidence"
    elif s and not k:
        verdict = "supported"
    elif k and not s:
        verdict = "contradicted"
    elif threshold is not None:
        share = s / (s + k)
        verdict = "supported" if share >= threshold else "contradicted" if share <= 1 - threshold else "mixed"
    else:
        verdict = "mixed"
    explanation = f"{s} supporting, {k} contradicting of {len(bearing)} bearing cases"
    if s + k:
        explanation += f" ({s / (s + k):.0%} of the evidence supports"
        explanation += f"; threshold {threshold:g})" if threshold is not None else ")"
    return _base(prop, "supports/contradicts", verdict, sup, con, [c.id for c in bearing], explanation)


def _judge_compare(codebook, prop, cases) -> PropositionResult:
    spec = prop["compare"]
    name = spec["score"]
    bearing = _bearing(codebook, prop, cases)
    scores = {c.id: score_of(codebook, name, c.codes) for c in bearing}

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
    if not higher.cases or any(not g.cases for g in lowers):
        verdict = "no_evidence"
    else:
        low_means = [g.mean for g in lowers]
        if all(higher.mean > m for m in low_means):
            verdict = "supported"
        elif all(higher.mean < m for m in low_means):
            verdict = "contradicted"
        else:
            verdict = "mixed"
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
    res = _base(prop, "compare", verdict, sup, con, [c.id for c in bearing], explanation)
    res.score, res.higher, res.lower = name, higher, lowers
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
    verdicts = [c.verdict for c in children]
    if all(v == "supported" for v in verdicts):
        verdict = "supported"
    elif all(v == "contradicted" for v in verdicts):
        verdict = "contradicted"
    elif all(v == "no_evidence" for v in verdicts):
        verdict = "no_evidence"
    else:
        verdict = "mixed"

    def union(lists) -> list[str]:
        out: list[str] = []
        for ids in lists:
            out += [i for i in ids if i not in out]
        return out

    explanation = "from " + ", ".join(f"{c.id}: {c.verdict}" for c in children)
    res = _base(prop, "from", verdict, union(c.supporting for c in children),
                union(c.contradicting for c in children), union(c.cases for c in children), explanation)
    res.children = [c.id for c in children]
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
