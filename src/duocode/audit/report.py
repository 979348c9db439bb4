"""The audit: Table II, the evidence behind every cell, and the verdicts on the propositions.

:func:`build_audit` reads the consensus codes (taking over values all coders agree on first), refuses while a
disagreement is unresolved (unless ``allow_unresolved``: those cases are then left out and the outputs say so),
and returns an :class:`AuditResult` that renders as the contract's JSON, as Markdown tables to paste into a
manuscript, as rich tables in the terminal, or as the audit workbook (``write_xlsx``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from duocode.audit.consensus import AUTO, NOT_CODED, Disagreement, auto_consensus, vote_table
from duocode.audit.matrix import AuditCase, Cell, Matrix, build_matrix
from duocode.audit.propositions import PropositionResult, evaluate_propositions, moderator_groups
from duocode.codebook import CASE_VARIABLE
from duocode.errors import DuocodeError, Problem, RefusedError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook
    from duocode.store import ConsensusEvent, Project

VERDICT_WORDS = {"supported": "supported", "contradicted": "contradicted", "mixed": "mixed",
                 "no_evidence": "no evidence", "inconclusive": "inconclusive"}
STATUS_WORDS = {"included": "in the audit", "unresolved": "left out: unresolved disagreement",
                "not_a_case": "left out: not a case (consensus)", "no_consensus": "left out: no consensus codes"}
NOT_FOUND = "Not found"
NO_LAYOUT = ("The codebook declares no Table II layout (no `audit:` section naming the type, effect and row "
             "variables; see docs/CODEBOOK_FORMAT.md), so there is no audit matrix: the cases and the propositions "
             "are reported without it.")
PROPOSITIONS_GROUP = "Research propositions"


@dataclass
class AuditResult:
    """Everything the audit found; render with :meth:`to_dict`, :meth:`to_markdown`, :meth:`write_xlsx`."""

    codebook: "Codebook"
    matrix: Matrix
    propositions: dict[str, PropositionResult]
    cases: list[AuditCase]
    unresolved: list[Disagreement] = field(default_factory=list)
    log: list["ConsensusEvent"] = field(default_factory=list)
    auto_decisions: int = 0
    informants: dict[str, dict[str, str]] = field(default_factory=dict)
    project_dir: str = ""
    project_id: str = ""
    generated_at: str = ""
    agreement_loader: Callable[[], Any] | None = None

    # -- derived -----------------------------------------------------------------------------------------------
    @property
    def has_layout(self) -> bool:
        """Whether the codebook declares a Table II layout (an ``audit:`` section)."""
        return bool(self.codebook.audit)

    def summary_group(self) -> str:
        """The label of the summary row: the codebook's label of its summary variable."""
        var = self.codebook.variables_by_id.get(self.matrix.summary_variable or "")
        return var.label if var is not None else ""

    def no_row_label(self) -> str:
        """Words for the cases of a type in none of Table II's rows, from the codebook's row groups."""
        labels = [label for label, _ in self.matrix.row_groups]
        if not labels:
            return "In no row"
        joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        return f"Not in {joined}"

    def cases_with(self, status: str) -> list[str]:
        return [c.id for c in self.cases if c.status == status]

    def moderator_table(self) -> dict[str, dict[str, dict[str, dict[str, int]]]]:
        """moderator -> type -> value -> {"n": cases, and the summary counts}: the audit's moderators by type."""
        m = self.matrix
        audit = self.codebook.audit or {}
        by_id = {c.id: c for c in self.cases}
        out: dict[str, dict] = {}
        for mid in audit.get("moderators", []):
            var = self.codebook.variables_by_id[mid]
            out[mid] = {}
            for t in m.types:
                members = [by_id[i] for i in m.type_cases[t]]
                out[mid][t] = {}
                for label, group in moderator_groups(var, members):
                    row = {"n": len(group)}
                    if m.summary_variable:
                        for value in m.summary[t]:
                            row[value] = sum(1 for c in group if c.codes.get(m.summary_variable) == value)
                    out[mid][t][label] = row
        return out

    # -- JSON ----------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The contract's ``matrix``, ``summary`` and ``propositions``, plus extra keys with what lies behind."""
        m = self.matrix
        return {
            "matrix": m.to_dict(),
            "summary": {t: dict(m.summary[t]) for t in m.types} if m.summary_variable else {},
            "propositions": {pid: p.to_dict() for pid, p in self.propositions.items()},
            "synthesis": dict(m.synthesis),
            "effect_counts": m.effect_counts(),
            "no_attribution": {t: list(m.no_attribution[t]) for t in m.types},
            "proposition_details": {pid: p.detail() for pid, p in self.propositions.items()},
            "moderators": self.moderator_table(),
            "cases": {"included": len(self.cases_with("included")), "unresolved": self.cases_with("unresolved"),
                      "not_a_case": self.cases_with("not_a_case"),
                      "no_consensus": self.cases_with("no_consensus"), "untyped": list(m.untyped)},
            "unresolved": [{"case_id": d.case_id, "variable": d.variable, "values": d.values}
                           for d in self.unresolved],
            "codebook": {"id": self.codebook.id, "version": self.codebook.version,
                         "sha256": self.codebook.sha256},
            "generated_at": self.generated_at,
            "table_ii_layout": self.has_layout,
        }

    # -- text of the Table II cells (shared by every rendering) ------------------------------------------------
    def effect_label(self, effect: str) -> str:
        var = self.codebook.variables_by_id[self.matrix.effect_variable]
        return var.value(effect).label if effect in var.value_ids else effect

    def type_label(self, t: str) -> str:
        var = self.codebook.variables_by_id.get(self.matrix.type_variable)
        return var.value(t).label if var is not None and t in var.value_ids else t

    def row_label(self, row: str) -> str:
        return self.codebook.variables_by_id[row].label

    def cell_lines(self, cell: Cell) -> list[str]:
        """``Illusionary benevolence (3 cases)`` per found effect, ``Privacy halo: Not found`` per missing
        candidate; an empty cell is just ``Not found``."""
        if not cell.cases:
            return [NOT_FOUND]
        lines = [f"{self.effect_label(e)} ({_n_cases(n)})" for e, n in cell.effect_counts.items()]
        if cell.no_effect:
            lines.append(f"Effect not coded ({_n_cases(cell.no_effect)})")
        lines += [f"{self.effect_label(e)}: {NOT_FOUND}" for e in cell.not_found]
        return lines

    def summary_lines(self, t: str) -> list[str]:
        m = self.matrix
        if not m.summary_variable:
            return []
        var = self.codebook.variables_by_id[m.summary_variable]
        counts = " · ".join(f"{var.value(v).label} {n}" for v, n in m.summary[t].items())
        return [m.synthesis[t], counts]

    def proposition_line(self, p: PropositionResult) -> str:
        head = f"{p.id}" + (f" {p.label}" if p.label else "") + f": {VERDICT_WORDS[p.verdict]}"
        stats = "" if p.p_value is None else f", p = {format_p(p.p_value)}"
        if p.rule == "compare":
            lows = ", ".join(_fmt_mean(g.mean) for g in p.lower)
            return f"{head} (mean {p.score} {_fmt_mean(p.higher.mean)} vs {lows}{stats})"
        if p.rule == "from":
            return f"{head} (from {', '.join(p.children)})"
        return f"{head} ({len(p.supporting)} supporting, {len(p.contradicting)} contradicting{stats})"

    @staticmethod
    def proposition_stats(p: PropositionResult) -> tuple[str, str, str, str]:
        """The test, p-value (or why there is none), effect size with its measure, and what would decide an
        inconclusive verdict, as text for the tables."""
        pv = format_p(p.p_value) if p.p_value is not None else f"— ({p.reason})" if p.reason else "—"
        effect = "—" if p.effect_size is None else f"{p.effect_size:.2f} ({p.effect_measure})"
        if p.verdict != "inconclusive":
            decide = ""
        elif p.rule == "from":
            decide = "when " + ", ".join(f"{c} is decided" for c in p.children_to_decide)
        elif p.cases_to_decide is None:
            decide = "no number of cases at the observed evidence"
        else:
            decide = f"about {p.cases_to_decide} more cases" + (f" ({p.would_become})" if p.would_become else "")
        return p.test, pv, effect, decide

    def propositions_of(self, t: str | None) -> list[PropositionResult]:
        return [p for p in self.propositions.values() if p.type == t]

    def notes(self) -> list[str]:
        n = len(self.cases_with("included"))
        if self.has_layout:
            out = [f"Built from the consensus codes of {n} case{'s' if n != 1 else ''}. Each cell lists the "
                   f"effects found among the cases of that type coded yes on that row (with their number of cases) "
                   f"and each candidate effect of the type that was {NOT_FOUND.lower()}."]
        else:
            out = [NO_LAYOUT, f"Built from the consensus codes of {n} case{'s' if n != 1 else ''}."]
        unresolved = self.cases_with("unresolved")
        if unresolved:
            out.append(f"Left out: {len(unresolved)} case{'s' if len(unresolved) != 1 else ''} with unresolved "
                       f"disagreements ({', '.join(unresolved)}); settle them and run the audit again.")
        if self.cases_with("not_a_case"):
            k = len(self.cases_with("not_a_case"))
            out.append(f"Left out: {k} passage{'s' if k != 1 else ''} that the consensus says "
                       f"{'are not cases' if k != 1 else 'is not a case'}.")
        if self.cases_with("no_consensus"):
            k = len(self.cases_with("no_consensus"))
            out.append(f"Left out: {k} case{'s' if k != 1 else ''} without consensus codes "
                       f"({', '.join(self.cases_with('no_consensus')[:20])}"
                       f"{', …' if len(self.cases_with('no_consensus')) > 20 else ''}).")
        if self.matrix.untyped:
            k = len(self.matrix.untyped)
            out.append(f"{k} case{'s have' if k != 1 else ' has'} no {self.matrix.type_variable} in the "
                       f"consensus and appear{'' if k != 1 else 's'} in no column.")
        return out

    # -- Markdown -------------------------------------------------------------------------------------------------
    def to_markdown(self) -> str:
        """Table II and the propositions as Markdown tables, ready to paste into a manuscript."""
        m = self.matrix
        if not self.has_layout:
            return self._markdown_without_layout()
        lines = [f"# Table II. Audit matrix: {_md(self.codebook.title)}", ""]
        lines.append("| | | " + " | ".join(_md(self.type_label(t)) for t in m.types) + " |")
        lines.append("| --- | --- | " + " | ".join("---" for _ in m.types) + " |")
        for label, rows in m.row_groups:
            for i, r in enumerate(rows):
                group = f"**{_md(label)}**" if i == 0 else ""
                cells = [_md_lines(self.cell_lines(m.cells[t][r])) for t in m.types]
                lines.append(f"| {group} | {_md(self.row_label(r))} | " + " | ".join(cells) + " |")
        if m.summary_variable:
            lines.append(f"| **{_md(self.summary_group())}** | | "
                         + " | ".join(_md_lines(self.summary_lines(t)) for t in m.types) + " |")
        if self.propositions:
            lines.append(f"| **{PROPOSITIONS_GROUP}** | | " + " | ".join(
                _md_lines([self.proposition_line(p) for p in self.propositions_of(t)]) or "—" for t in m.types)
                + " |")
        untyped = self.propositions_of(None)
        lines += [""] + [f"*{_md(n)}*" for n in self.notes()]
        if untyped:
            lines += ["", "Propositions without a type: " + "; ".join(_md(self.proposition_line(p)) for p in untyped)]
        return "\n".join(lines + self._markdown_propositions()) + "\n"

    def _markdown_without_layout(self) -> str:
        lines = [f"# Audit: {_md(self.codebook.title)}", ""] + [f"*{_md(n)}*" for n in self.notes()]
        lines += ["", "## Cases", "", "| Status | Cases |", "| --- | --- |"]
        for status, words in STATUS_WORDS.items():
            ids = self.cases_with(status)
            shown = str(len(ids)) if status == "included" else (_md(", ".join(ids)) or "—")
            lines.append(f"| {_md(words)} | {shown} |")
        if self.propositions:
            lines += self._markdown_propositions()
        return "\n".join(lines) + "\n"

    def _markdown_propositions(self) -> list[str]:
        lines = ["", "## Propositions", "",
                  "| Proposition | Type | Verdict | Supporting | Contradicting | Test | p | Effect size | "
                  "To decide | Basis |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for p in self.propositions.values():
            test, pv, effect, decide = self.proposition_stats(p)
            lines.append(f"| {_md(p.id)} | {_md(self.type_label(p.type)) if p.type else ''} | "
                         f"{VERDICT_WORDS[p.verdict]} | {_md(', '.join(p.supporting)) or '—'} | "
                         f"{_md(', '.join(p.contradicting)) or '—'} | {_md(test)} | {_md(pv)} | {_md(effect)} | "
                         f"{_md(decide) or '—'} | {_md(p.explanation)} |")
        lines += ["", "## Statements", ""]
        lines += [f"- **{_md(p.id)}** {_md(p.statement)}" for p in self.propositions.values()]
        return lines

    # -- terminal -------------------------------------------------------------------------------------------------

    # -- workbook -------------------------------------------------------------------------------------------------
    def write_xlsx(self, path) -> None:
        """The audit workbook: Table II, Evidence, Propositions, Moderators, Agreement, Cases, Informants,
        Codebook and Log."""
        from duocode.audit.workbook import write_audit_workbook

        write_audit_workbook(self, path)

    def agreement(self) -> tuple[dict | None, str | None]:
        """The agreement report as ``(data, None)``, or ``(None, why it could not be computed)``."""
        if self.agreement_loader is None:
            return None, "agreement was not computed for this audit"
        try:
            return self.agreement_loader(), None
        except DuocodeError as exc:  # e.g. too few coders: the audit stands without the agreement figures
            return None, str(exc)


def _n_cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def format_p(p: float) -> str:
    """A p-value for tables: three decimals, or ``<0.001``."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _fmt_mean(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


_MD_SPECIAL = "\\`*_"


def _md(text: str) -> str:
    """``text`` for a Markdown table cell: pipes, emphasis characters and backticks escaped, one line."""
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
    return out.replace("|", "\\|").replace("\n", " ")


def _md_lines(lines: list[str]) -> str:
    return "<br>".join(_md(x) for x in lines)


def build_audit(project: "Project", *, allow_unresolved: bool = False, auto: bool = True, bootstrap: int = 0,
                seed: int | None = None) -> AuditResult:
    """Build the audit from the project's consensus codes.

    Parameters
    ----------
    project
        The open project. Without an ``audit`` section in its codebook there is no Table II: the result's
        matrix is empty, every rendering says so, and the cases and propositions are still reported.
    allow_unresolved
        Audit even though some disagreements are not settled: the cases concerned are left out of the matrix,
        the evidence and the verdicts, and every output says so.
    auto
        Take over the values all coders agree on as consensus first (written and logged), as the CLI does.
        Nothing is written when the audit is refused.
    bootstrap, seed
        Bootstrap replicates (and their seed) for the confidence intervals of the workbook's Agreement sheet;
        agreement is computed only when the workbook is written.

    Returns
    -------
    AuditResult

    Raises
    ------
    RefusedError
        Disagreements are unresolved (each listed with its case, variable and the coders' values).
    InputError
        The codebook's propositions cannot be judged.
    """
    from duocode.store import (consensus_events, count_consensus_events, informant_attributes, informant_of_documents,
                               list_cases)

    codebook = project.codebook
    table = vote_table(project)
    open_ = table.open_disagreements()
    if open_ and not allow_unresolved:
        n_cases = len({d.case_id for d in open_})
        problems = [Problem(f"the audit needs every disagreement settled: {len(open_)} unresolved in {n_cases} "
                            f"case{'s' if n_cases != 1 else ''}",
                            expected="consensus values: `duocode reconcile -o reconcile.xlsx`, fill it, "
                                     "`duocode import-sheet reconcile.xlsx`; or audit with --allow-unresolved")]
        for d in open_:
            shown = ", ".join(f"{coder} {'(not coded)' if v is None else repr(v)}" for coder, v in d.values.items())
            problems.append(Problem(f"{d.variable} unresolved: {shown}", location=f"case {d.case_id}"))
        raise RefusedError(problems=problems)
    if auto:
        auto_consensus(project, table)

    unresolved_ids = {d.case_id for d in open_}
    informant_of = informant_of_documents(project)
    cases = []
    for case in list_cases(project):
        decided = table.consensus.get(case.id, {})
        codes = {k: v for k, v in decided.items() if v != NOT_CODED}
        if case.id in unresolved_ids:
            status = "unresolved"
        elif not decided:
            status = "no_consensus"
        elif codes.get(CASE_VARIABLE) == "no":
            status = "not_a_case"
        else:
            status = "included"
        cases.append(AuditCase(case.id, case.document, informant_of.get(case.document), case.text, codes, status))
    matrix = build_matrix(codebook, cases) if codebook.audit else _no_matrix()
    propositions = evaluate_propositions(codebook, cases)

    def load_agreement():
        from duocode.audit.agreement import agree

        return agree(project, bootstrap=bootstrap, seed=seed).to_dict()

    return AuditResult(codebook, matrix, propositions, cases, open_,
                       log=consensus_events(project, exclude_decided_by=AUTO),
                       auto_decisions=count_consensus_events(project, AUTO),
                       informants=informant_attributes(project), project_dir=str(project.directory),
                       project_id=project.project_id,
                       generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       agreement_loader=load_agreement)


def _no_matrix() -> Matrix:
    """An empty matrix, for a codebook that declares no Table II layout."""
    return Matrix("", "", None, [], [], {}, {}, {}, {}, {}, {})
