"""Terminal coding: numbered choices, ? s b m q keys, saved at once, resumable, piped input."""
from __future__ import annotations

import pytest

import duocode.cli
from coding_helpers import TRICKY, set_codes_for, snapshot
from duocode.coding.terminal import code_interactively
from duocode.errors import RefusedError
from duocode.store.codes import codes_by_case, memos
from duocode.render import tables
from duocode.render.coding import case_screen


class Script:
    """Feeds answers to the session and records everything it shows."""

    def __init__(self, *answers: str):
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.shown: list[str] = []

    def input(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def output(self, text: str) -> None:
        self.shown.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.shown)

    @property
    def flat(self) -> str:
        """Everything shown with runs of whitespace as one space (the display wraps long lines)."""
        return " ".join(self.text.split())


@pytest.fixture
def project(project):
    """The mini project where a coder proposed cases, so that case finding (is_case) is a coded variable and
    asked first; see the agreed-list tests at the end for a project without proposals."""
    propose(project)
    return project


def propose(project):
    from duocode.store.proposals import insert_proposals

    case = project.conn.execute('SELECT document_id, start, "end" FROM cases WHERE id = ?', ("C01",)).fetchone()
    with project.transaction():
        insert_proposals(project, "ines", [tuple(case)])


def session(project, script, **kw):
    # drawn as `duocode code` draws it
    return code_interactively(project, "ines", input_fn=script.input, output_fn=script.output, draw_case=case_screen,
                              **kw)


def test_terminal_shows_the_case_with_context_and_numbered_choices(project):
    script = Script("q")
    session(project, script, cases="C02")
    assert "Case C02 (1/1)" in script.text and "document D1" in script.text and "speaker Anna" in script.text
    assert TRICKY[1] in script.flat
    assert "And so on." in script.flat                   # context after
    assert "1) yes   2) no" in script.text
    assert script.prompts == ["is_case> "]


def test_terminal_answers_by_number_value_or_label_and_saves_each_at_once(project):
    script = Script("1", "Beta", "2", "middle", "4", "q")
    result = session(project, script, cases="C01")
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "yes", "kind": "beta", "good": "no",
                                                      "mood": "mid", "count": "4"}}
    assert result.saved == 5
    assert [e["source_file"] for e in project.events(entity="code")] == ["terminal"] * 5


def test_terminal_quit_keeps_what_was_answered_and_resumes_at_the_first_uncoded_question(project):
    session(project, Script("1", "q"))
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "yes"}}
    script = Script("q")
    session(project, script)
    assert script.prompts == ["kind> "]
    assert "Case C01" in script.text


def test_terminal_resumes_at_the_first_case_with_a_question_left(project):
    set_codes_for(project, "ines", {"C01": {"is_case": "yes", "kind": "alpha", "good": "no", "mood": "low",
                                            "count": "1"}})
    script = Script("q")
    session(project, script)
    assert "Case C02 (2/7)" in script.text
    assert "Case C01" not in script.text


def test_terminal_question_mark_shows_the_definition(project):
    script = Script("?", "q")
    session(project, script, variables="kind")
    assert "Kind: Which kind of thing happened." in script.text
    assert "1) alpha - Alpha: First kind." in script.text
    assert script.prompts == ["kind> ", "kind> "]


def test_terminal_skip_leaves_the_question_uncoded_and_moves_on(project):
    result = session(project, Script("s", "2", "q"), cases="C01", variables="kind,good")
    assert codes_by_case(project, "ines") == {"C01": {"good": "no"}}
    assert result.skipped == 1 and result.remaining_cases == 1


def test_terminal_back_returns_to_the_previous_question_to_change_it(project):
    script = Script("1", "b", "2", "q")
    session(project, script, cases="C01", variables="kind,good")
    assert codes_by_case(project, "ines") == {"C01": {"kind": "beta"}}
    assert script.prompts == ["kind> ", "good> ", "kind [alpha]> ", "good> "]
    changes = [(e["old_value"], e["new_value"]) for e in project.events(entity="code")]
    assert changes == [(None, "alpha"), ("alpha", "beta")]


def test_terminal_back_crosses_to_the_previous_case(project):
    script = Script("1", "b", "", "q")
    session(project, script, cases="C01,C02", variables="kind")
    assert "Case C01" in script.shown[-2] or "Case C01" in script.text
    assert script.prompts == ["kind> ", "kind> ", "kind [alpha]> ", "kind> "]


def test_terminal_memo_key_saves_a_memo_on_the_case(project):
    session(project, Script("m", "felt uneasy", "q"), cases="C03")
    assert memos(project, "ines") == {"C03": "felt uneasy"}
    session(project, Script("m", "-", "q"), cases="C03")
    assert memos(project, "ines") == {}


def test_terminal_rejects_an_invalid_answer_and_asks_again(project):
    script = Script("7", "gamma", "2", "q")
    session(project, script, cases="C01", variables="kind")
    assert "'7' is not an answer" in script.text and "'gamma' is not an answer" in script.text
    assert codes_by_case(project, "ines") == {"C01": {"kind": "beta"}}


def test_terminal_end_of_input_is_a_quit_that_keeps_the_answers(project):
    result = session(project, Script("1", "1"), cases="C01")
    assert result.quit
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "yes", "kind": "alpha"}}


def test_terminal_reports_when_everything_is_coded(project):
    result = session(project, Script("1", "2"), cases="C01", variables="kind,good")
    assert result.remaining_cases == 0 and not result.quit
    again = Script()
    result = session(project, again, cases="C01", variables="kind,good")
    assert again.prompts == [] and result.remaining_cases == 0
    assert tables(result)[0] == "Saved 0 codes and 0 memos for coder [bold]ines[/bold]. The case is coded."
    result = session(project, Script("1", "2", "1", "1"), cases="C02,C03", variables="kind,good")
    assert tables(result)[0].endswith(" All 2 cases are coded.")


def test_terminal_never_shows_other_coders_codes(project):
    set_codes_for(project, "bertha", {"C01": {"count": "987654"}}, memos={"C01": "MEMO-OF-BERTHA"})
    script = Script("?", "s", "s", "s", "s", "q")
    session(project, script, cases="C01")
    assert "987654" not in script.text and "MEMO-OF-BERTHA" not in script.text


def store_suggestion(project):
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow("C02", "kind", "precoder", "beta", confidence=0.7,
                                    explanation="PRECODER-REASON keyword 'remembered'")])


def test_terminal_never_shows_suggestions_unless_asked_even_when_the_project_allows_them(project):
    store_suggestion(project)
    with project.transaction():
        project.set_setting("hide_suggestions", False)
    script = Script("s", "?", "s", "q")
    session(project, script, cases="C02")
    assert "PRECODER-REASON" not in script.text and "pre-coder" not in script.text
    assert project.events(action="show_suggestions") == []


def test_terminal_with_suggestions_is_refused_while_the_project_hides_them(project, runner):
    store_suggestion(project)
    before = snapshot(project)
    with pytest.raises(RefusedError, match="hides pre-coder suggestions"):
        session(project, Script("1", "q"), cases="C02", with_suggestions=True)
    result = runner.invoke(duocode.cli.main, ["code", "--coder", "ines", "--cases", "C02", "--with-suggestions",
                                              "--project", str(project.directory)], input="1\nq\n")
    assert result.exit_code == 1
    assert "duocode precode settings --show-suggestions" in result.stderr
    assert "PRECODER-REASON" not in result.output
    assert snapshot(project) == before


def test_terminal_with_suggestions_shows_them_labelled_under_their_question_never_preselected(project, runner):
    store_suggestion(project)
    with project.transaction():
        project.set_setting("hide_suggestions", False)
    script = Script("", "", "q")            # Enter on is_case and on kind: nothing is chosen for the coder
    result = session(project, script, cases="C02", with_suggestions=True)
    kind_question = next(t for t in script.shown if t.startswith("kind "))
    assert "pre-coder suggests (check it, it is not a coder): beta (70%): PRECODER-REASON" in kind_question
    is_case_question = next(t for t in script.shown if t.startswith("is_case "))
    assert "pre-coder" not in is_case_question          # no suggestion stored for it
    assert script.prompts[:2] == ["is_case> ", "kind> "]     # no current value offered
    assert codes_by_case(project, "ines") == {} and result.skipped == 2
    shown = project.events(action="show_suggestions")
    assert [(e["coder"], e["source_file"]) for e in shown] == [("ines", "terminal")]
    res = runner.invoke(duocode.cli.main, ["code", "--coder", "ines", "--cases", "C02", "--with-suggestions",
                                           "--project", str(project.directory)], input="1\n2\nq\n")
    assert res.exit_code == 0, res.output
    assert "beta (70%)" in res.stdout
    assert codes_by_case(project, "ines") == {"C02": {"is_case": "yes", "kind": "beta"}}
    taken = project.events(action="accepted-from-precoder")
    assert [(e["entity_id"], e["variable"], e["new_value"]) for e in taken] == [("C02", "kind", "beta")]
    assert all(e["variable"] != "kind" for e in project.events(action="code") if e["coder"] == "ines")


def test_terminal_refuses_reserved_coders(project):
    with pytest.raises(RefusedError):
        code_interactively(project, "precoder", input_fn=input, output_fn=print)


def test_code_command_works_with_piped_input(project, runner):
    result = runner.invoke(duocode.cli.main, ["code", "--coder", "ines", "--cases", "C04", "--project",
                                              str(project.directory)], input="1\n2\nb\n1\nq\n")
    assert result.exit_code == 0, result.output
    assert "Case C04 (1/1)" in result.stdout
    assert "Saved 2 codes" in " ".join(result.stdout.split())      # kind answered twice: one stored code
    assert codes_by_case(project, "ines") == {"C04": {"is_case": "yes", "kind": "alpha"}}


def test_code_command_refuses_the_consensus_coder_with_exit_1(project, runner):
    before = snapshot(project)
    result = runner.invoke(duocode.cli.main, ["code", "--coder", "consensus", "--project",
                                              str(project.directory)], input="1\n")
    assert result.exit_code == 1
    assert "reserved coder name" in result.stderr
    assert snapshot(project) == before


def test_terminal_does_not_ask_a_variable_that_does_not_apply(tmp_path):
    from coding_helpers import DATA, build_documents_and_cases
    from duocode.codebook import load_codebook
    from duocode.store import Project

    with Project.create(tmp_path / "p", load_codebook(DATA / "applies_codebook.yaml")) as project:
        build_documents_and_cases(project)
        script = Script("1", "2", "3", "q")
        result = session(project, script, cases="C01,C02")
        assert script.prompts == ["type> ", "type> ", "times> "]
        assert codes_by_case(project, "ines") == {"C01": {"type": "plain"}, "C02": {"type": "repeat", "times": "3"}}
        assert result.remaining_cases == 0


def test_terminal_counts_a_question_answered_again_after_going_back_as_one_saved_code(project):
    result = session(project, Script("1", "b", "2", "2", "q"), cases="C01", variables="kind,good")
    assert codes_by_case(project, "ines") == {"C01": {"kind": "beta", "good": "no"}}
    assert result.saved == 2
    result = session(project, Script("b", "1", "q"), cases="C01", variables="kind,good")   # nothing left to ask
    assert result.saved == 0
    result = session(project, Script("1", "b", "2", "q"), cases="C02", variables="kind")
    assert result.saved == 1
    result = session(project, Script("b", "q"), cases="C02", variables="kind")
    assert result.saved == 0


# -- cases from one agreed list: is_case is not coded ---------------------------------------------------------
def test_terminal_does_not_ask_is_case_when_the_cases_came_from_an_agreed_list(mini_project):
    from coding_helpers import build_documents_and_cases

    build_documents_and_cases(mini_project)
    script = Script("1", "2", "3", "4", "q")
    result = session(mini_project, script, cases="C01")
    assert script.prompts[:4] == ["kind> ", "good> ", "mood> ", "count> "]
    assert "is_case> " not in script.prompts
    assert codes_by_case(mini_project, "ines") == {"C01": {"kind": "alpha", "good": "no", "mood": "high",
                                                           "count": "4"}}
    assert result.remaining_cases == 0
    assert tables(result)[0].endswith("The case is coded. Not asked: is_case (cases came from an agreed list).")
    # naming it asks it all the same
    script = Script("1", "q")
    session(mini_project, script, cases="C01", variables="is_case")
    assert script.prompts == ["is_case> "]


def test_terminal_moves_to_the_next_case_after_is_case_no_without_asking_the_rest(project):
    script = Script("2", "q")
    result = session(project, script, cases="C01,C02")
    assert script.prompts == ["is_case> ", "is_case> "]
    assert "not a case: no further questions" in script.text
    assert "Case C02 (2/2)" in script.text
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "no"}}
    assert result.remaining_cases == 1                   # only C02 has questions left
    # resuming starts at C02: C01 has nothing left to ask
    script = Script("q")
    session(project, script, cases="C01,C02")
    assert "Case C02 (2/2)" in script.text and "Case C01" not in script.text


def test_terminal_going_back_from_is_case_no_asks_the_rest_once_it_is_changed_to_yes(project):
    script = Script("2", "b", "1", "1", "q")
    session(project, script, cases="C01,C02")
    assert script.prompts == ["is_case> ", "is_case> ", "is_case [no]> ", "kind> ", "good> "]
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "yes", "kind": "alpha"}}


def test_terminal_reports_all_coded_when_every_case_is_not_a_case(project):
    result = session(project, Script("2", "2"), cases="C01,C02")
    assert result.remaining_cases == 0 and not result.quit
    assert tables(result)[0].endswith("All 2 cases are coded.")
