"""Coding in the terminal (``duocode code --coder NAME``), case by case, resumable.

Shows a case with a little context before and after, then asks each variable in turn with numbered choices.
Keys: a number (or a value id / label, or a number for interval variables) answers; Enter keeps the current
value (or skips); ``?`` shows the definition; ``s`` skips; ``b`` goes back one question; ``m`` writes a memo on
the case; ``q`` quits. Every answer is saved at once in its own small transaction, so quitting (or a closed
terminal) loses nothing, and the next session resumes at the first case with a question left.

Like every stage it never prints: it talks through ``input_fn`` / ``output_fn``, so piped input works and tests
drive it directly. A variable whose ``applies_to`` condition is known not to hold for the case (from the
coder's own codes) is not asked, nor is the case-finding variable ``is_case`` when the cases came from one agreed
list (no coder proposed cases; it can still be asked by naming it in ``variables``). Once the coder answers
``is_case`` = ``no`` the passage is not a case for them: nothing further is asked and the session moves on to
the next case. No other coder's codes are ever shown, and the pre-coder's suggestion only when the coder asks
for it (``with_suggestions``) and the project allows it: it is then shown under each question, labelled as the
pre-coder's, with its confidence and reason, and never pre-selected; the showing is logged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from duocode.codebook import CASE_VARIABLE
from duocode.coding._common import (AGREED_LIST_NOTE, applies, case_finding_not_coded, check_coder,
                                    log_suggestions_shown, not_a_case, plural, precoder_suggestions, select_cases,
                                    select_variables, suggestion_text)
from duocode.errors import InputError
from duocode.store import ADOPT_ACTION

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Variable
    from duocode.store import Project

NOT_A_CASE_NOTE = "not a case: no further questions"
KEYS_HELP = "number = choose, Enter = keep/skip, ? = definition, s = skip, b = back, m = memo, q = quit"
SOURCE = "terminal"


@dataclass(frozen=True)
class CaseScreen:
    """What the terminal shows of a case before its questions; drawn by the ``draw_case`` function given to
    :func:`code_interactively` (the command line draws it with rich, :func:`duocode.render.case_screen`)."""

    heading: str          # "Case C01 (1/7) · document D1 · informant P01 · speaker Anna"
    case_id: str
    before: str           # context before and after the case, stripped ("" when none)
    text: str
    after: str
    memo: str | None      # the coder's own memo on the case


def plain_case_screen(screen: CaseScreen, *, color: bool = False, width: int = 100) -> str:
    """A case screen as plain lines (no styling), for callers that give no ``draw_case``."""
    lines = [screen.heading, *([screen.before] if screen.before else []), f"[case {screen.case_id}] {screen.text}",
             *([screen.after] if screen.after else []), *([f"your memo: {screen.memo}"] if screen.memo else [])]
    return "\n".join(lines)


@dataclass
class TerminalResult:
    coder: str
    total_cases: int
    saved: int = 0
    memos: int = 0
    skipped: int = 0
    quit: bool = False
    remaining_cases: int = 0
    not_asked: str | None = None        # e.g. "is_case (cases came from an agreed list)"

    def to_dict(self) -> dict:
        return {"coder": self.coder, "total_cases": self.total_cases, "codes_saved": self.saved,
                "memos_saved": self.memos, "skipped": self.skipped, "quit": self.quit,
                "cases_with_questions_left": self.remaining_cases, "not_asked": self.not_asked}


class _Session:
    def __init__(self, project: "Project", coder: str, variables: list["Variable"], cases: list, *,
                 input_fn: Callable[[str], str], output_fn: Callable[[str], None], color: bool, width: int,
                 context_chars: int, suggestions: dict | None = None,
                 draw_case: Callable[..., str] = plain_case_screen):
        from duocode.store import codes_by_case, memos

        self.project, self.coder, self.variables, self.cases = project, coder, variables, cases
        self.input_fn, self.output_fn = input_fn, output_fn
        self.color, self.width, self.context_chars = color, width, context_chars
        self.draw_case = draw_case
        self.suggestions = suggestions      # None: not asked for (nothing of the pre-coder is shown)
        # the coder's is_case is read even when it is not asked: "no" means nothing else is asked on that case
        wanted = [v.id for v in variables]
        if CASE_VARIABLE in project.codebook.variables_by_id and CASE_VARIABLE not in wanted:
            wanted.append(CASE_VARIABLE)
        self.codes = codes_by_case(project, coder, variables=wanted)
        self.memos = memos(project, coder)
        self.result = TerminalResult(coder, len(cases))
        # what each answered cell held when the session started: "saved" counts the cells that differ at the
        # end, so answering a question again after going back is one stored change, not two
        self.before: dict[tuple[str, str], str | None] = {}

    # -- what is left to ask ---------------------------------------------------------------------------------
    def applies(self, case_id: str, var: "Variable") -> bool:
        return applies(var, self.codes.get(case_id, {}), self.project.codebook)

    def pending(self, case_id: str, var: "Variable") -> bool:
        return var.id not in self.codes.get(case_id, {}) and self.applies(case_id, var)

    def remaining(self) -> int:
        return sum(1 for c in self.cases if any(self.pending(c.id, v) for v in self.variables))

    def suggestion(self, case_id: str, var: "Variable"):
        """The pre-coder's suggestion shown for this question (None when none is stored or none was asked for)."""
        return (self.suggestions or {}).get(case_id, {}).get(var.id)

    # -- output ----------------------------------------------------------------------------------------------
    def show_case(self, index: int) -> None:
        from duocode.store import case_context, case_informant, case_speaker

        case = self.cases[index]
        before, after = case_context(self.project, case, self.context_chars)
        bits = [f"Case {case.id} ({index + 1}/{len(self.cases)})", f"document {case.document}"]
        informant, speaker = case_informant(self.project, case), case_speaker(self.project, case)
        if informant:
            bits.append(f"informant {informant}")
        if speaker:
            bits.append(f"speaker {speaker}")
        screen = CaseScreen(" · ".join(bits), case.id, before.strip(), case.text.strip(), after.strip(),
                            self.memos.get(case.id) or None)
        self.output_fn(self.draw_case(screen, color=self.color, width=self.width))

    def show_question(self, case_id: str, var: "Variable", position: int) -> None:
        lines = [f"{var.id} ({var.label}) [{position}/{len(self.variables)}]"]
        if var.is_categorical:
            lines.append("   ".join(f"{i}) {v.id}" for i, v in enumerate(var.values, start=1)))
        else:
            lines.append(f"enter {var.allowed_text()}")
        sug = self.suggestion(case_id, var)
        if sug is not None:
            lines.append(f"pre-coder suggests (check it, it is not a coder): {suggestion_text(sug)}")
        self.output_fn("\n".join(lines))

    def show_definition(self, var: "Variable") -> None:
        lines = [f"{var.label}: {var.definition}"]
        if var.include:
            lines.append(f"  include: {var.include}")
        if var.exclude:
            lines.append(f"  exclude: {var.exclude}")
        for i, v in enumerate(var.values, start=1):
            lines.append(f"  {i}) {v.id} - {v.label}: {v.definition}".rstrip(": "))
            if v.include:
                lines.append(f"       include: {v.include}")
            if v.exclude:
                lines.append(f"       exclude: {v.exclude}")
            if v.examples:
                lines.append(f"       e.g. \"{v.examples[0]}\"")
        if var.applies_to:
            lines.append(f"  only coded when: {var.applies_to}")
        self.output_fn("\n".join(lines))

    # -- saving ----------------------------------------------------------------------------------------------
    def save(self, case_id: str, var: "Variable", value: str) -> None:
        from duocode.store import CodeRow, set_codes

        # As in a returned workbook that showed suggestions: a value equal to the one shown is logged as taken
        # from the pre-coder, so that an audit can see where a judgement may have been anchored.
        sug = self.suggestion(case_id, var)
        action = ADOPT_ACTION if sug is not None and sug.value == value else "code"
        with self.project.transaction():
            self.project.ensure_coder(self.coder, "human")
            set_codes(self.project, [CodeRow(case_id, var.id, self.coder, value)], source_file=SOURCE,
                      action=action)
        key = (case_id, var.id)
        if key not in self.before:
            self.before[key] = self.codes.get(case_id, {}).get(var.id)
        self.codes.setdefault(case_id, {})[var.id] = value

    def stored_changes(self) -> int:
        return sum(1 for (cid, vid), old in self.before.items() if self.codes.get(cid, {}).get(vid) != old)

    def save_memo(self, case_id: str, text: str | None) -> None:
        from duocode.store import set_memo

        with self.project.transaction():
            self.project.ensure_coder(self.coder, "human")
            changed = set_memo(self.project, case_id, self.coder, text, source_file=SOURCE)
        if text and text.strip():
            self.memos[case_id] = text.strip()
        else:
            self.memos.pop(case_id, None)
        self.result.memos += int(changed)

    def ask(self, prompt: str) -> str | None:
        try:
            return self.input_fn(prompt)
        except EOFError:
            return None

    # -- the loop --------------------------------------------------------------------------------------------
    def run(self) -> TerminalResult:
        steps = [(ci, vi) for ci in range(len(self.cases)) for vi in range(len(self.variables))]
        pos = next((k for k, (ci, vi) in enumerate(steps)
                    if self.pending(self.cases[ci].id, self.variables[vi])), None)
        if pos is None:
            self.result.remaining_cases = 0
            return self.result
        self.output_fn(f"Coding as {self.coder}: {plural(len(self.cases), 'case')}, "
                       f"{plural(len(self.variables), 'variable')}. Keys: {KEYS_HELP}."
                       + (f" Not asked: {self.result.not_asked}." if self.result.not_asked else ""))
        history: list[int] = []
        revisit = False
        shown = None
        while pos < len(steps):
            ci, vi = steps[pos]
            case, var = self.cases[ci], self.variables[vi]
            if not revisit and not self.pending(case.id, var):
                pos += 1
                continue
            if shown != ci:
                self.show_case(ci)
                shown = ci
            self.show_question(case.id, var, vi + 1)
            answer = self.handle(case, var)
            if answer == "quit":
                self.result.quit = True
                break
            if answer == "back":
                if history:
                    pos = history.pop()
                    revisit = True
                else:
                    self.output_fn("This is the first question of the session.")
                continue
            if answer == "skip":
                self.result.skipped += 1
            elif (var.id == CASE_VARIABLE and not_a_case(self.codes.get(case.id, {}))
                  and any(v.id != CASE_VARIABLE for v in self.variables[vi + 1:])):
                self.output_fn(NOT_A_CASE_NOTE)
            history.append(pos)
            pos += 1
            revisit = False
        self.result.remaining_cases = self.remaining()
        self.result.saved = self.stored_changes()
        return self.result

    def handle(self, case, var: "Variable") -> str:
        """Ask until the coder answers, skips, goes back or quits; returns ``answered|skip|back|quit``."""
        while True:
            current = self.codes.get(case.id, {}).get(var.id)
            prompt = f"{var.id}" + (f" [{current}]" if current is not None else "") + "> "
            raw = self.ask(prompt)
            if raw is None:
                return "quit"
            text = raw.strip()
            key = text.casefold()
            if key == "q":
                return "quit"
            if key == "b":
                return "back"
            if key == "s":
                return "skip"
            if key == "?":
                self.show_definition(var)
                continue
            if key == "m":
                old = self.memos.get(case.id)
                hint = f" (now: {old}; '-' clears, Enter keeps)" if old else " (Enter for none)"
                memo = self.ask(f"memo on {case.id}{hint}> ")
                if memo is None:
                    return "quit"
                memo = memo.strip()
                if memo == "-":
                    self.save_memo(case.id, None)
                elif memo:
                    self.save_memo(case.id, memo)
                continue
            if text == "":
                return "answered" if current is not None else "skip"
            value = self.parse(var, text)
            if value is None:
                choices = f"1-{len(var.values)} or a value id" if var.is_categorical else var.allowed_text()
                self.output_fn(f"'{text}' is not an answer: type {choices}, or one of ? s b m q.")
                continue
            self.save(case.id, var, value)
            return "answered"

    @staticmethod
    def parse(var: "Variable", text: str) -> str | None:
        if var.is_categorical and text.isdigit():
            k = int(text)
            return var.values[k - 1].id if 1 <= k <= len(var.values) else None
        try:
            return var.normalize(text)
        except ValueError:
            return None


def code_interactively(project: "Project", coder: str, *, input_fn: Callable[[str], str],
                       output_fn: Callable[[str], None], cases=None, variables=None, color: bool = False,
                       width: int = 100, context_chars: int = 300, with_suggestions: bool = False,
                       draw_case: Callable[..., str] | None = None) -> TerminalResult:
    """Code cases one by one through ``input_fn`` (prompt -> line; raises ``EOFError`` at the end of input)
    and ``output_fn`` (text to show).

    Parameters
    ----------
    project
        The open project.
    coder
        The human coder (``precoder`` / ``consensus`` refused).
    input_fn, output_fn
        How to ask and how to show; the CLI passes stdin / stdout readers and writers.
    cases, variables
        Restrict to these case / variable ids (comma-separated or lists); default all, in document order.
    color
        Style the output (bold case text, dimmed context) with terminal escape codes.
    width
        Width in characters for wrapping the case display.
    context_chars
        How much text before and after the case to show.
    with_suggestions
        Show the pre-coder's suggestion under each question (refused while the project hides suggestions from
        coders, the default; the showing is logged as ``show_suggestions``).
    draw_case
        ``draw_case(screen, color=, width=) -> str``: how a :class:`CaseScreen` is drawn (default: plain lines;
        the command line passes :func:`duocode.render.coding.case_screen`, a rule, the case in a panel, dimmed
        context).

    Returns
    -------
    TerminalResult
        Codes and memos saved, questions skipped, whether the coder quit, and cases with questions left.

    Raises
    ------
    InputError
        Unknown case or variable ids, or a project without cases.
    RefusedError
        A reserved coder name, or ``with_suggestions`` while the project hides suggestions from coders.
    """
    coder = check_coder(coder)
    chosen = select_cases(project, cases)
    if not chosen:
        raise InputError("the project has no cases to code", path=str(project.directory),
                         expected="cases first: `duocode cases import CSV` or `duocode cases merge`")
    chosen_vars = select_variables(project, variables)
    skipped = case_finding_not_coded(project) if variables is None else None
    if skipped:
        chosen_vars = [v for v in chosen_vars if v.id != skipped]
    suggestions = precoder_suggestions(project, [v.id for v in chosen_vars]) if with_suggestions else None
    if suggestions is not None:
        with project.transaction():
            log_suggestions_shown(project, coder, SOURCE, suggestions, chosen)
    session = _Session(project, coder, chosen_vars, chosen,
                       input_fn=input_fn, output_fn=output_fn, color=color, width=width,
                       context_chars=context_chars, suggestions=suggestions,
                       draw_case=draw_case or plain_case_screen)
    if skipped:
        session.result.not_asked = f"{skipped} ({AGREED_LIST_NOTE})"
    return session.run()
