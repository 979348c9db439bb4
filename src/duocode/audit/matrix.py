"""The Table II audit matrix, computed from consensus codes as the codebook's ``audit`` section lays it out.

The rule (contract, "Consensus and audit"): for each value of the type variable (a column) and each attribution
variable of the row groups (a row), the cell's ``cases`` are the cases of that type with that attribution coded
``yes``; an effect is *found* when at least one of those cases has that effect; ``not_found`` lists the type's
other candidate effects (the effect values whose ``types`` name the type). The summary row counts the cases of
each type per value of the summary variable and states a one-line synthesis generated from those counts.
Nothing here knows the TMP codebook: types, rows, effects and summary values all come from the codebook.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

YES = "yes"


@dataclass(frozen=True)
class AuditCase:
    """One case as the audit sees it: its consensus codes (blank decisions dropped) and where it comes from."""

    id: str
    document: str
    informant: str | None
    text: str
    codes: dict[str, str]
    status: str = "included"      # included | unresolved | not_a_case | no_consensus


@dataclass
class Cell:
    """One type x attribution cell."""

    type: str
    row: str
    cases: list[str]
    found: list[str]
    not_found: list[str]
    effect_counts: dict[str, int]     # effect -> number of the cell's cases with it (found effects only)
    no_effect: int = 0                # cases of the cell with no effect coded

    def to_dict(self) -> dict:
        return {"found": list(self.found), "not_found": list(self.not_found), "cases": list(self.cases)}


@dataclass
class Matrix:
    """The whole matrix plus the summary row."""

    type_variable: str
    effect_variable: str
    summary_variable: str | None
    types: list[str]
    row_groups: list[tuple[str, list[str]]]
    candidates: dict[str, list[str]]
    cells: dict[str, dict[str, Cell]]
    summary: dict[str, dict[str, int]]
    synthesis: dict[str, str]
    type_cases: dict[str, list[str]]
    no_attribution: dict[str, list[str]]
    untyped: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[str]:
        return [r for _, rows in self.row_groups for r in rows]

    def to_dict(self) -> dict:
        return {t: {r: self.cells[t][r].to_dict() for r in self.rows} for t in self.types}

    def effect_counts(self) -> dict:
        return {t: {r: dict(self.cells[t][r].effect_counts) for r in self.rows} for t in self.types}

    def found_cells(self) -> int:
        return sum(1 for t in self.types for r in self.rows if self.cells[t][r].cases)

    def not_found_cells(self) -> int:
        return sum(1 for t in self.types for r in self.rows if not self.cells[t][r].cases)


def candidate_effects(codebook: "Codebook") -> dict[str, list[str]]:
    """type value -> the effect values whose ``types`` list it, in codebook order."""
    audit = codebook.audit or {}
    type_var = codebook.variables_by_id[audit["type_variable"]]
    effect_var = codebook.variables_by_id[audit["effect_variable"]]
    return {t: [e.id for e in effect_var.values if t in e.types] for t in type_var.value_ids}


def build_matrix(codebook: "Codebook", cases: list[AuditCase]) -> Matrix:
    """The matrix of the ``included`` cases among ``cases`` (in the order given).

    Raises
    ------
    ValueError
        The codebook has no ``audit`` section (a caller's mistake: check first).
    """
    audit = codebook.audit
    if not audit:
        raise ValueError(f"codebook '{codebook.id}' has no audit section")
    type_var = codebook.variables_by_id[audit["type_variable"]]
    effect_var = codebook.variables_by_id[audit["effect_variable"]]
    summary_id = audit.get("summary_variable")
    summary_var = codebook.variables_by_id.get(summary_id) if summary_id else None
    groups = [(g["label"], list(g["rows"])) for g in audit["row_groups"]]
    rows = [r for _, rs in groups for r in rs]
    types = type_var.value_ids
    candidates = candidate_effects(codebook)
    effect_rank = {e: i for i, e in enumerate(effect_var.value_ids)}

    included = [c for c in cases if c.status == "included"]
    by_type: dict[str, list[AuditCase]] = {t: [] for t in types}
    untyped = []
    for case in included:
        t = case.codes.get(type_var.id)
        if t in by_type:
            by_type[t].append(case)
        else:
            untyped.append(case.id)

    cells: dict[str, dict[str, Cell]] = {}
    no_attribution: dict[str, list[str]] = {}
    for t in types:
        cells[t] = {}
        for r in rows:
            in_cell = [c for c in by_type[t] if c.codes.get(r) == YES]
            counts: dict[str, int] = {}
            no_effect = 0
            for c in in_cell:
                e = c.codes.get(effect_var.id)
                if e:
                    counts[e] = counts.get(e, 0) + 1
                else:
                    no_effect += 1
            found = sorted(counts, key=lambda e: effect_rank.get(e, len(effect_rank)))
            not_found = [e for e in candidates[t] if e not in counts]
            cells[t][r] = Cell(t, r, [c.id for c in in_cell], found, not_found,
                               {e: counts[e] for e in found}, no_effect)
        no_attribution[t] = [c.id for c in by_type[t] if not any(c.codes.get(r) == YES for r in rows)]

    summary: dict[str, dict[str, int]] = {}
    synthesis: dict[str, str] = {}
    if summary_var is not None:
        labels = {v.id: v.label for v in summary_var.values}
        for t in types:
            counts = {v: 0 for v in summary_var.value_ids}
            for c in by_type[t]:
                s = c.codes.get(summary_var.id)
                if s in counts:
                    counts[s] += 1
            summary[t] = counts
            synthesis[t] = synthesize(counts, labels)
    return Matrix(type_var.id, effect_var.id, summary_var.id if summary_var else None, types, groups, candidates,
                  cells, summary, synthesis, {t: [c.id for c in by_type[t]] for t in types}, no_attribution,
                  untyped)


def _lower_label(label: str) -> str:
    # "Positive surplus" -> "positive surplus", but keep acronyms such as "TV" or "CRM-based" as written.
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def synthesize(counts: dict[str, int], labels: dict[str, str] | None = None) -> str:
    """A one-line reading of the summary counts of one type.

    ``counts`` maps each summary value (in codebook order) to its number of cases; ``labels`` gives the words.
    All cases on one value: "all positive surplus (3 of 3)"; at least 60 %: "mostly positive surplus (4 of 6)"; a
    smaller majority: "slight majority positive surplus (11 of 21)" (so that 11 against 10 is not read as a clear
    pattern); a tie for the most: "split between positive surplus and negative increment (2 each of 5)"; a plurality
    without a majority: "leaning negative increment (3 of 7)"; no cases: "no cases".

    >>> synthesize({"negative": 1, "equilibrium": 1, "positive": 4},
    ...            {"negative": "Negative increment", "equilibrium": "Equilibrium", "positive": "Positive surplus"})
    'mostly positive surplus (4 of 6)'
    """
    labels = labels or {}
    n = sum(counts.values())
    if n == 0:
        return "no cases"
    order = list(counts)
    top_count = max(counts.values())
    tops = [v for v in order if counts[v] == top_count]
    words = {v: _lower_label(labels.get(v, v)) for v in order}
    if len(tops) > 1:
        names = [words[v] for v in tops]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        return f"split between {joined} ({top_count} each of {n})"
    top = tops[0]
    if top_count == n:
        return f"all {words[top]} ({n} of {n})"
    if top_count * 5 >= n * 3:
        return f"mostly {words[top]} ({top_count} of {n})"
    if top_count * 2 > n:
        return f"slight majority {words[top]} ({top_count} of {n})"
    return f"leaning {words[top]} ({top_count} of {n})"
