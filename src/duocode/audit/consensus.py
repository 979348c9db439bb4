"""The consensus layer: agreed values taken over automatically, disagreements listed, settled values imported.

Consensus codes are stored under the reserved coder ``consensus`` with the reason and who decided; the human
coders' own codes are never touched, so agreement can always be recomputed.

Who counts as having coded a variable of a case
-----------------------------------------------
The *participants* of a (case, variable) are the human coders who coded that variable for the case, plus those
who coded any other variable of the case except the case-finding variable ``is_case`` (they left this one blank,
and a blank is a judgement too: "does not apply"). A coder whose only code on a case is the ``is_case`` that
``cases merge`` derived did not code the case's content, so their blanks are not counted.

- **agreed**: two or more participants, all with the same value -> consensus, reason ``agreed``, decided by
  ``auto``. Never overwrites an existing consensus decision.
- **disagreement**: two or more participants whose values differ (a blank against a value included) and no
  consensus decision yet. Once the consensus says ``is_case`` = ``no``, the case's other disagreements are moot.
- a decision that a variable stays blank is stored as the value ``""`` ("not coded").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from duocode.codebook import CASE_VARIABLE
from duocode.store import AGREED, CONSENSUS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

AUTO = "auto"
NOT_CODED = ""                 # the stored value of "decided: not coded"
NOT_CODED_LABEL = "(not coded)"  # how workbooks show and accept it


class Disagreement(NamedTuple):
    """A (case, variable) on which the human coders differ; ``values`` maps coder -> value (``None`` = blank)."""

    case_id: str
    variable: str
    values: dict[str, str | None]


@dataclass
class VoteTable:
    """The human coders' values per (case, variable), with the current consensus, for accepted cases."""

    case_order: list[str]
    variable_order: list[str]
    votes: dict[tuple[str, str], dict[str, str | None]]        # participants only
    consensus: dict[str, dict[str, str]]

    def agreed_value(self, case_id: str, variable: str) -> str | None:
        """The value all (>= 2) participants gave, or ``None``."""
        values = self.votes.get((case_id, variable))
        if not values or len(values) < 2:
            return None
        distinct = set(values.values())
        if len(distinct) == 1:
            return next(iter(distinct))
        return None

    def differs(self, case_id: str, variable: str) -> bool:
        values = self.votes.get((case_id, variable))
        return bool(values) and len(values) >= 2 and len(set(values.values())) > 1

    def decided(self, case_id: str, variable: str) -> str | None:
        return self.consensus.get(case_id, {}).get(variable)

    def is_not_a_case(self, case_id: str) -> bool:
        """Whether the consensus (stored, or agreed by the coders) says the passage is not a case."""
        value = self.decided(case_id, CASE_VARIABLE)
        if value is None:
            value = self.agreed_value(case_id, CASE_VARIABLE)
        return value == "no"

    def open_disagreements(self) -> list[Disagreement]:
        out = []
        rank = {v: i for i, v in enumerate(self.variable_order)}
        for case_id in self.case_order:
            if self.is_not_a_case(case_id):
                continue
            for variable in sorted(self._variables_of(case_id), key=lambda v: rank.get(v, len(rank))):
                if self.differs(case_id, variable) and self.decided(case_id, variable) is None:
                    out.append(Disagreement(case_id, variable, dict(self.votes[(case_id, variable)])))
        return out

    def _variables_of(self, case_id: str) -> list[str]:
        return self._by_case.get(case_id, [])

    def __post_init__(self) -> None:
        self._by_case: dict[str, list[str]] = {}
        for case_id, variable in self.votes:
            self._by_case.setdefault(case_id, []).append(variable)


def vote_table(project: "Project") -> VoteTable:
    """Collect every human coder's codes and the consensus of the project's accepted cases."""
    from duocode.store import consensus_values, list_cases

    codebook = project.codebook
    known = set(codebook.variable_ids)
    by_case: dict[str, dict[str, dict[str, str]]] = {}
    for case_id, variable, coder, value in project.codes_long():
        if variable in known:
            by_case.setdefault(case_id, {}).setdefault(coder, {})[variable] = value
    votes: dict[tuple[str, str], dict[str, str | None]] = {}
    for case_id, coders in by_case.items():
        substantive = sorted(c for c, codes in coders.items() if any(v != CASE_VARIABLE for v in codes))
        variables = {v for codes in coders.values() for v in codes}
        for variable in variables:
            participants = set(substantive) | {c for c, codes in coders.items() if variable in codes}
            votes[(case_id, variable)] = {c: coders[c].get(variable) for c in sorted(participants)}
    order = [c.id for c in list_cases(project)]
    return VoteTable(order, codebook.variable_ids, votes, consensus_values(project))


def disagreements(project: "Project") -> list[Disagreement]:
    """Every (case, variable) where the human coders differ and no consensus has been decided yet.

    Returns
    -------
    list of Disagreement
        ``(case_id, variable, {coder: value or None})`` in document order, variables in codebook order.
    """
    return vote_table(project).open_disagreements()


@dataclass
class AutoConsensusResult:
    """What :func:`auto_consensus` wrote."""

    agreed: int
    cases: int
    open_disagreements: int

    def to_dict(self) -> dict:
        return {"agreed": self.agreed, "cases": self.cases, "open_disagreements": self.open_disagreements}


def auto_consensus(project: "Project", table: VoteTable | None = None) -> AutoConsensusResult:
    """Take every value all (>= 2) participating human coders agree on as consensus (reason ``agreed``).

    Existing consensus decisions are never overwritten. Writes in one transaction and logs each new code.
    """
    from duocode.store import CodeRow, set_codes

    table = table or vote_table(project)
    rows = []
    for (case_id, variable) in table.votes:
        if table.decided(case_id, variable) is not None:
            continue
        value = table.agreed_value(case_id, variable)
        if value is not None:
            rows.append(CodeRow(case_id, variable, CONSENSUS, value, reason=AGREED, decided_by=AUTO))
    rows.sort(key=lambda r: (r.case_id, r.variable))
    if rows:
        with project.transaction():
            set_codes(project, rows, action="consensus")
        for r in rows:
            table.consensus.setdefault(r.case_id, {})[r.variable] = r.value
    return AutoConsensusResult(len(rows), len({r.case_id for r in rows}), len(table.open_disagreements()))


def default_decided_by(coders) -> str:
    """Who settled a disagreement when nobody said: the coders who discussed it."""
    names = [c for c in coders if c]
    return " & ".join(names) if names else "team"


# -- consensus import (CSV) -----------------------------------------------------------------------------------
@dataclass
class ConsensusImportResult:
    path: str
    rows: int
    counts: dict[str, int]
    agreed: int = 0
    open_disagreements: int = 0
    kind: str = "consensus CSV"
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"file": self.path, "rows": self.rows, **self.counts, "auto_agreed": self.agreed,
                "open_disagreements": self.open_disagreements}


def import_consensus_csv(project: "Project", csv_path: str | Path, decided_by: str | None = None
                         ) -> ConsensusImportResult:
    """Import settled values from a wide CSV (``case_id``, variable columns, optional ``reason``, ``decided_by``).

    A cell states the consensus for that variable: a value, or blank for "not coded" (stored as ``""`` where
    a coder had coded it, so the disagreement counts as settled). Only the columns present are touched; a cell
    equal to the current consensus is left as it is (its earlier reason is kept). Values all coders agree on
    are taken over automatically afterwards. A later decision replaces an earlier one; the log keeps both.

    Parameters
    ----------
    project
        The open project.
    csv_path
        The CSV (same layout as ``codes import``, plus ``reason`` and ``decided_by``).
    decided_by
        Who settled these values when the row has no ``decided_by``; default: the coders, e.g. ``ines & jonas``.

    Raises
    ------
    InputError
        Every problem of the file (line, column, case id); nothing is written.
    """
    from duocode.coding import read_wide_csv
    from duocode.store import CodeRow, set_codes

    rows = read_wide_csv(project, csv_path, extra_columns=("reason", "decided_by"))
    table = vote_table(project)
    source = str(csv_path)
    writes = []
    unchanged = 0
    for row in rows:
        reason = row.extras.get("reason")
        for variable, value in row.values.items():
            coders = table.votes.get((row.case_id, variable), {})
            if value is None:
                value = NOT_CODED if any(v is not None for v in coders.values()) else None
            current = table.decided(row.case_id, variable)
            if value == current:
                unchanged += 1
                continue
            who = row.extras.get("decided_by") or decided_by or default_decided_by(coders)
            writes.append(CodeRow(row.case_id, variable, CONSENSUS, value, reason=reason, decided_by=who))
    with project.transaction():
        counts = set_codes(project, writes, source_file=source, action="consensus")
        counts["unchanged"] += unchanged
        project.log_event("import", "consensus", None, coder=CONSENSUS, source_file=source,
                          detail={"rows": len(rows), **counts})
        auto = auto_consensus(project)
    return ConsensusImportResult(source, len(rows), counts, auto.agreed, auto.open_disagreements)
