"""Small checks shared by the coding stages: coder names, case and variable selections, and who may see the
pre-coder's suggestions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from duocode._util import plural, split_ids  # noqa: F401  (plural: the coding modules import it from here)
from duocode.codebook import CASE_VARIABLE, matches, variables_in
from duocode.errors import InputError, ProblemCollector, RefusedError
from duocode.store import CONSENSUS, PRECODER, RESERVED_CODERS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Variable
    from duocode.store import Case, CodeRow, Project

SUGGESTIONS_HIDDEN = ("the project hides pre-coder suggestions from coders (the default, to keep their judgements "
                      "independent); a methodologist can allow them with `duocode precode settings "
                      "--show-suggestions`")


def check_coder(name: str | None) -> str:
    """A human coder's name, trimmed; refuses blanks and the reserved ``precoder`` / ``consensus``.

    Raises
    ------
    InputError
        The name is blank.
    RefusedError
        The name is reserved (in any letter case): consensus codes come from ``reconcile`` / ``consensus
        import`` and suggestions from ``precode suggest``, never from a coder's file.
    """
    text = (name or "").strip()
    if not text:
        raise InputError("the coder name is blank", expected="a name such as --coder ines")
    if text.casefold() in RESERVED_CODERS:
        hint = ("consensus codes come from `duocode reconcile` + `duocode import-sheet` or `duocode consensus "
                "import`" if text.casefold() == CONSENSUS else "suggestions come from `duocode precode suggest`")
        raise RefusedError(f"'{text}' is a reserved coder name ({hint})", expected="a human coder's own name")
    return text


def precoder_suggestions(project: "Project", variable_ids: Iterable[str]) -> dict[str, dict[str, "CodeRow"]]:
    """The pre-coder's stored suggestions for these variables (case id -> variable id -> row), for a coder who
    asked to see them; refused while the project hides suggestions from coders (the default).

    Raises
    ------
    RefusedError
        The project setting ``hide_suggestions`` is on.
    """
    from duocode.store import code_rows

    if bool(project.settings.get("hide_suggestions", True)):
        raise RefusedError(SUGGESTIONS_HIDDEN)
    wanted = set(variable_ids)
    out: dict[str, dict[str, "CodeRow"]] = {}
    for r in code_rows(project, PRECODER):
        if r.variable in wanted:
            out.setdefault(r.case_id, {})[r.variable] = r
    return out


def suggestion_text(row: "CodeRow") -> str:
    """How a suggestion reads to a coder: value, confidence and the pre-coder's reason ("yes (80%): ...")."""
    text = row.value or ""
    if row.confidence is not None:
        text += f" ({row.confidence:.0%})"
    if row.explanation:
        text += f": {row.explanation}"
    return text


def log_suggestions_shown(project: "Project", coder: str, source: str, suggestions: dict,
                          cases: list["Case"]) -> None:
    """Record in the event log that ``coder`` was shown ``suggestions`` (from :func:`precoder_suggestions`)
    while coding ``cases``; the detail counts the cases that had any."""
    project.log_event("show_suggestions", "coder", coder, coder=coder, source_file=source,
                      detail={"cases": sum(1 for c in cases if c.id in suggestions),
                              "hide_suggestions_setting": project.settings.get("hide_suggestions", True)})


def select_variables(project: "Project", ids: str | Iterable[str] | None) -> list["Variable"]:
    """The codebook's variables in codebook order, or just the named ones (every unknown name reported)."""
    codebook = project.codebook
    wanted = split_ids(ids)
    if wanted is None:
        return list(codebook.variables)
    problems = ProblemCollector(InputError)
    for vid in wanted:
        if vid not in codebook.variables_by_id:
            problems.add(f"unknown variable '{vid}' in --variables",
                         expected="one of " + ", ".join(codebook.variable_ids))
    if not wanted:
        problems.add("--variables names no variable", expected="a comma-separated list of variable ids")
    problems.raise_if_any()
    return [v for v in codebook.variables if v.id in wanted]


def select_cases(project: "Project", ids: str | Iterable[str] | None) -> list["Case"]:
    """Accepted cases in document order, or just the named ones (every unknown id reported)."""
    from duocode.store import list_cases

    wanted = split_ids(ids)
    cases = list_cases(project)
    if wanted is None:
        return cases
    by_id = {c.id: c for c in cases}
    problems = ProblemCollector(InputError)
    for cid in wanted:
        if cid not in by_id:
            problems.add(f"unknown case id '{cid}' in --cases", expected="a case id from `duocode cases list`")
    if not wanted:
        problems.add("--cases names no case", expected="a comma-separated list of case ids")
    problems.raise_if_any()
    keep = set(wanted)
    return [c for c in cases if c.id in keep]


def not_a_case(codes: dict[str, str]) -> bool:
    """Whether one coder's ``codes`` of a case say the passage is not a case (case-finding variable = ``no``)."""
    return codes.get(CASE_VARIABLE) == "no"


def applies(var: "Variable", codes: dict[str, str], codebook) -> bool:
    """Whether ``var`` is to be coded for a case with ``codes`` (one coder's): false for every variable but the
    case-finding one when the coder said the passage is not a case (``is_case`` = ``no``: nothing further is
    expected of them there), else true unless the variable's ``applies_to`` condition can be judged from those
    codes and does not hold."""
    if var.id != CASE_VARIABLE and not_a_case(codes):
        return False
    if not var.applies_to:
        return True
    if not variables_in(var.applies_to) <= set(codes):
        return True
    return matches(var.applies_to, codes, codebook)


AGREED_LIST_NOTE = "cases came from an agreed list"


def case_finding_not_coded(project: "Project") -> str | None:
    """The case-finding variable (``is_case``) when the project's cases came from one agreed list, i.e. no coder
    proposed cases: then it is not part of coding completeness and terminal coding does not ask it (a coder may
    still code it in a workbook). ``None`` when it is coded (or the codebook has no such variable)."""
    from duocode.store import proposal_coders

    if CASE_VARIABLE in project.codebook.variables_by_id and not proposal_coders(project):
        return CASE_VARIABLE
    return None
