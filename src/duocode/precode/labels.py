"""Which human codes the pre-coder learns from and is measured against.

Per case and variable, in order: the consensus code; else the code every human coder who coded it agrees on,
when at least two did; else, in a project with a single human coder, that coder's code. Cases where humans
disagree and no consensus exists yet are left out (they are exactly the ones still to be reconciled).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project


@dataclass
class Labels:
    by_variable: dict[str, dict[str, str]] = field(default_factory=dict)   # variable -> case id -> value
    source: dict[str, dict[str, str]] = field(default_factory=dict)        # variable -> case id -> kind
    humans: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # case -> variable -> coder -> v

    def cases(self, variable: str) -> dict[str, str]:
        return self.by_variable.get(variable, {})

    def source_text(self, variable: str, case_ids: Iterable[str] | None = None) -> str:
        kinds = self.source.get(variable, {})
        ids = list(kinds) if case_ids is None else [c for c in case_ids if c in kinds]
        counts: dict[str, int] = {}
        for c in ids:
            counts[kinds[c]] = counts.get(kinds[c], 0) + 1
        return " + ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no"


def training_labels(project: "Project", variables: Iterable[str]) -> Labels:
    """The labels of every categorical variable (see the module docstring)."""
    from duocode.store import labelled_codes

    variables = list(variables)
    consensus, humans = labelled_codes(project, variables)
    single = len({coder for per_case in humans.values() for per_var in per_case.values() for coder in per_var}) == 1
    out = Labels(humans=humans)
    for var in variables:
        values: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for case_id in sorted(set(consensus) | set(humans)):
            v = consensus.get(case_id, {}).get(var)
            if v is not None:
                values[case_id], kinds[case_id] = v, "consensus"
                continue
            coded = humans.get(case_id, {}).get(var, {})
            distinct = set(coded.values())
            if len(coded) >= 2 and len(distinct) == 1:
                values[case_id], kinds[case_id] = distinct.pop(), "agreed"
            elif single and len(coded) == 1:
                values[case_id], kinds[case_id] = next(iter(coded.values())), "single-coder"
        out.by_variable[var] = values
        out.source[var] = kinds
    return out
