"""Coding progress (``duocode status``): per coder, how many cases are coded per variable, never which values.

Showing counts only keeps the coders blind to each other while the lead watches progress.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project


@dataclass
class CoderProgress:
    coder: str
    kind: str
    coded: dict[str, int]          # variable -> coded accepted cases
    complete: int                  # cases with every variable that applies coded
    memos: int

    def to_dict(self, total: int) -> dict:
        return {"coder": self.coder, "kind": self.kind, "complete_cases": self.complete, "memos": self.memos,
                "variables": {v: {"coded": n, "total": total} for v, n in self.coded.items()}}


@dataclass
class StatusResult:
    project: str
    codebook: str
    total_cases: int
    variables: list[str]
    coders: list[CoderProgress] = field(default_factory=list)
    proposals: dict[str, int] = field(default_factory=dict)
    not_coded: dict[str, str] = field(default_factory=dict)     # variable -> why it is not part of coding

    def to_dict(self) -> dict:
        return {"project": self.project, "codebook": self.codebook, "total_cases": self.total_cases,
                "variables": self.variables, "coders": [c.to_dict(self.total_cases) for c in self.coders],
                "proposals": self.proposals, "not_coded": self.not_coded}

    def to_csv(self) -> str:
        from duocode.coding.csvcodes import write_wide_rows

        rows = [{"coder": c.coder, "kind": c.kind, "variable": v, "coded": n, "total": self.total_cases}
                for c in self.coders for v, n in c.coded.items()]
        return write_wide_rows(["coder", "kind", "variable", "coded", "total"], rows)


def _complete(project: "Project", coder: str, accepted: set[str], skip: frozenset[str] = frozenset()) -> int:
    """Cases on which ``coder`` coded every variable that applies (``applies_to``, judged from their own codes),
    leaving out the variables in ``skip``. A case the coder coded ``is_case`` = ``no`` is complete: no other
    variable applies to it (see :func:`duocode.coding._common.applies`)."""
    from duocode.coding._common import applies
    from duocode.store import codes_by_case

    codebook = project.codebook
    n = 0
    for case_id, codes in codes_by_case(project, coder).items():
        if case_id in accepted and all(v.id in codes or v.id in skip or not applies(v, codes, codebook)
                                     for v in codebook.variables):
            n += 1
    return n


def status(project: "Project") -> StatusResult:
    """Each human coder's progress (coded / total accepted cases per variable), plus the consensus's if any.

    Returns counts only: no value of any code appears in the result.
    """
    from duocode.store import case_ids, coded_counts, coder_kinds, memo_counts
    from duocode.coding._common import AGREED_LIST_NOTE, case_finding_not_coded
    from duocode.store import list_proposals

    codebook = project.codebook
    var_ids = codebook.variable_ids
    accepted = case_ids(project)
    counts = coded_counts(project)
    memo_n = memo_counts(project)
    kinds = coder_kinds(project)
    skipped = case_finding_not_coded(project)
    skip = frozenset([skipped] if skipped else [])
    coders = []
    for name, kind in kinds.items():
        if kind == "precoder":
            continue          # suggestions are not coding progress; `precode` reports them
        if kind == "consensus" and name not in counts:
            continue
        coded = {v: counts.get(name, {}).get(v, 0) for v in var_ids}
        coders.append(CoderProgress(name, kind, coded, _complete(project, name, accepted, skip), memo_n.get(name, 0)))
    coders.sort(key=lambda c: (c.kind != "human", c.coder))
    proposals: dict[str, int] = {}
    for p in list_proposals(project):
        proposals[p.coder] = proposals.get(p.coder, 0) + 1
    return StatusResult(str(project.directory), f"{codebook.id} {codebook.version}", len(case_ids(project)),
                        var_ids, coders, proposals, {v: AGREED_LIST_NOTE for v in skip})
