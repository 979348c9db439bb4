"""``duocode agree``: agreement per codebook variable over a project's coded cases.

This is where the project store meets the agreement engine: :mod:`duocode.agreement` computes coefficients from
arrays and never opens a project (an import-linter contract in ``pyproject.toml`` keeps it so).

Reads the codes through ``project.codes_long(variables, coders)`` -> ``(case_id, variable, coder, value)`` and
the codebook through ``project.codebook`` (variables with ``id``, ``level`` and ordered ``value_ids``). By
default every human coder counts; the reserved ``precoder`` and ``consensus`` only when named in ``coders``.
Case finding is a variable like any other: ``is_case``, derived by ``duocode cases merge`` from the coders'
proposals, is reported with the rest.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from duocode._util import split_ids
from duocode.codebook import CASE_VARIABLE
from duocode.errors import InputError
from duocode.store import RESERVED_CODERS, adopted_codes, proposal_coders

if TYPE_CHECKING:  # pragma: no cover
    from duocode.agreement import AgreementResult, ReliabilityData


@dataclass
class ProjectAgreement:
    """Agreement per variable. ``to_dict()`` is ``{"variables": {id: AgreementResult.to_dict()}, ...}``."""

    results: dict[str, AgreementResult]
    disagreements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    coders: list[str] = field(default_factory=list)
    seed: Any = None
    # Cases that some coders coded and others left blank: not disagreements in the coefficients (a blank is a
    # missing rating), but a researcher has to see them, e.g. a value coded only under one coder's reading.
    partially_coded: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Per variable: how many of the counted codes were taken from pre-coder suggestions (`precode adopt`, or a
    # suggestion accepted in a coding workbook), so a machine-made share of "human" codes is never hidden.
    adopted_from_precoder: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, variable: str) -> AgreementResult:
        return self.results[variable]

    def to_dict(self) -> dict[str, Any]:
        variables = {}
        for var, r in self.results.items():
            variables[var] = r.to_dict()
            variables[var]["adopted_from_precoder"] = self.adopted_from_precoder.get(var, 0)
        out: dict[str, Any] = {"variables": variables,
                               "coders": list(self.coders), "disagreements": self.disagreements,
                               "partially_coded": self.partially_coded}
        if self.seed is not None:
            out["seed"] = self.seed
        return out

    def write_xlsx(self, path) -> None:
        from duocode.agreement import write_agreement_xlsx

        write_agreement_xlsx(self.results, path, disagreements=self.disagreements,
                             partially_coded=self.partially_coded)


def variable_seed(seed: int | None, variable: str) -> list[int] | None:
    """A per-variable seed: the same variable gets the same interval whichever others are selected."""
    if seed is None:
        return None
    return [int(seed), zlib.crc32(variable.encode("utf-8"))]


def agree(project, *, variables: Sequence[str] | str | None = None, coders: Sequence[str] | str | None = None,
          bootstrap: int = 0, seed: int | None = None, alpha_min: Sequence[float] = (0.667, 0.800)
          ) -> ProjectAgreement:
    """Agreement per variable over the project's coded cases.

    Parameters
    ----------
    project : duocode.store.Project (or anything with ``codes_long`` and ``codebook``)
    variables : list of variable ids or a comma-separated string, optional
        Default: every codebook variable, in codebook order.
    coders : list of coder names or a comma-separated string, optional
        Default: every human coder; ``precoder`` and ``consensus`` count only when named here.
    bootstrap : int, default 0
        Bootstrap replicates for CIs (see :func:`duocode.agreement.agreement`).
    seed : int, optional
        Makes the intervals reproducible; each variable derives its own stream from it.

    Returns
    -------
    ProjectAgreement
        Every selected variable, also those with fewer than two coders (all coefficients null, with a reason).

    Raises
    ------
    InputError
        Unknown variable ids, coders named but without any code, a code that the codebook does not allow.
    """
    from duocode.agreement import analyse   # the engine brings numpy: loaded only when agreement is computed

    codebook = project.codebook
    by_id = {v.id: v for v in codebook.variables}
    wanted = split_ids(variables)
    named = split_ids(coders)
    problems = []
    if wanted is not None:
        unknown = [v for v in wanted if v not in by_id]
        if unknown:
            problems.append(InputError(f"unknown variable {', '.join(unknown)}",
                                       expected="one of " + ", ".join(by_id)).problems[0])
    selected = [v for v in codebook.variables if wanted is None or v.id in wanted]
    if wanted is not None:
        selected.sort(key=lambda v: wanted.index(v.id))
    ids = [v.id for v in selected]
    rows = project.codes_long(variables=ids, coders=named)
    if named is None:
        rows = [r for r in rows if r[2] not in RESERVED_CODERS]
    else:
        present = {r[2] for r in rows}
        missing = [c for c in named if c not in present]
        if missing:
            # name every coder who could be asked for, not only the named ones that have codes
            humans = sorted({r[2] for r in project.codes_long(variables=ids)} - set(RESERVED_CODERS))
            reserved = sorted({r[2] for r in project.codes_long(variables=ids, coders=list(RESERVED_CODERS))})
            listed = ", ".join(humans) or "none yet"
            if reserved:
                listed += f" (and {', '.join(reserved)}, counted only when named)"
            problems.append(InputError(f"coder {', '.join(missing)} has no codes for the selected variables",
                                       expected="coders with codes for them: " + listed).problems[0])
    if problems:
        raise InputError(problems=problems)

    by_var: dict[str, list[tuple]] = {v.id: [] for v in selected}
    for case_id, var, coder, value in rows:
        if var in by_var:
            by_var[var].append((case_id, coder, value, f"case {case_id}, coder {coder}"))
    results, disagreements, partial = {}, {}, {}
    all_coders = sorted({r[2] for r in rows})
    for v in selected:
        rd = _reliability_data(v, by_var[v.id])
        results[v.id] = analyse(rd, bootstrap=bootstrap, seed=variable_seed(seed, v.id), alpha_min=alpha_min,
                                title=v.id)
        disagreements[v.id] = [{"case_id": d["unit"], "values": d["values"]}
                               for d in results[v.id].disagreements()]
        partial[v.id] = _partially_coded(by_var[v.id])
        if v.id == CASE_VARIABLE and _has_proposals(project):
            _note_case_finding(results[v.id])
    adopted = _adopted_counts(project, rows, ids)
    return ProjectAgreement(results=results, disagreements=disagreements, coders=all_coders, seed=seed,
                            partially_coded=partial, adopted_from_precoder=adopted)


def _adopted_counts(project, rows: list[tuple], variables: list[str]) -> dict[str, int]:
    """Per variable, how many of the counted codes ``rows`` were taken from pre-coder suggestions."""
    counts = {v: 0 for v in variables}
    if not hasattr(project, "conn"):  # a notebook object with codes_long() only has no event log
        return counts
    coders = sorted({r[2] for r in rows})
    if not coders:
        return counts
    adopted = adopted_codes(project, variables=variables, coders=coders)
    for case_id, var, coder, _ in rows:
        if (case_id, var, coder) in adopted:
            counts[var] += 1
    return counts


def _has_proposals(project) -> bool:
    # Notebook users may hand in any object with codes_long() and codebook; only a store has proposals.
    return hasattr(project, "conn") and bool(proposal_coders(project))


def _partially_coded(rows: list[tuple]) -> list[dict[str, Any]]:
    """Cases coded by some of the variable's coders but not all: ``{"case_id", "values", "blank"}``."""
    coders = sorted({r[1] for r in rows})
    by_case: dict[str, dict[str, str]] = {}
    for case_id, coder, value, _ in rows:
        by_case.setdefault(case_id, {})[coder] = value
    return [{"case_id": cid, "values": values, "blank": [c for c in coders if c not in values]}
            for cid, values in sorted(by_case.items()) if len(values) < len(coders)]


def _note_case_finding(result: AgreementResult) -> None:
    """Explain case-finding agreement, where chance-corrected coefficients mislead.

    Units exist only where some coder proposed a passage, so the "both say no" cell is empty by construction;
    with b and c one-sided proposals, p_o - p_e = -2bc/n^2 (two coders), so kappa, pi and alpha are at or below 0
    whenever the coders differ at all, and PABAK and AC1 are inflated by the same empty cell. The positive
    specific agreement 2a / (2a + b + c) (Fleiss 1975; Hripcsak & Rothschild 2005, doi:10.1197/jamia.M1733)
    does not depend on that cell.
    """
    d = result.diagnostics
    if d is None:
        return
    yes = next((c for c in d.per_category if str(c.category) == "yes"), None)
    psa = "" if yes is None or yes.specific_agreement is None else \
        f" Positive specific agreement on 'yes': {yes.specific_agreement:.3f}"
    d.notes = [n for n in d.notes if "kappa paradox" not in n]
    d.notes.append("case finding: a unit exists only where some coder proposed a passage, so no unit can have "
                   "every coder saying 'no'; kappa, pi and alpha are then at or below zero whenever the coders "
                   "differ, and PABAK and AC1 are inflated by the same empty cell. Report the positive specific "
                   "agreement 2a/(2a+b+c) instead (Hripcsak & Rothschild 2005)." + psa)


def _reliability_data(variable, records: list[tuple]) -> ReliabilityData:
    import pandas as pd

    from duocode.agreement import ReliabilityData

    df = pd.DataFrame(records, columns=["unit", "coder", "code", "location"])
    categories = None if variable.level == "interval" else (list(variable.value_ids) or None)
    return ReliabilityData.from_long(df, level=variable.level, categories=categories,
                                     path=f"variable {variable.id}")
