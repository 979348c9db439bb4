"""``ingest()`` and ``duocode ingest`` / ``documents``: storing, re-ingesting, replacing, informants, events."""
import json
import shutil
from pathlib import Path

import pytest

from ingest_helpers import snapshot
from duocode.cli import main
from duocode.errors import InputError, RefusedError
from duocode.ingest import ingest
from duocode.store.cases import Case, insert_cases
from duocode.store.documents import get_document, informants, list_documents

DATA = Path(__file__).parent / "data"
GOOD = ["rev_style.txt", "otter_style.txt", "plain_notes.md", "zoom_transcript.vtt", "zoom_cc_crlf.vtt",
        "teams_legacy.vtt", "interview.srt", "utf16_bom.txt", "cp1252.txt", "utf8_bom.txt", "lone_cr.txt"]


@pytest.fixture
def corpus(tmp_path):
    """A folder with every good fixture, plus a nested folder, a hidden file and a file of another type."""
    folder = tmp_path / "interviews"
    (folder / "more").mkdir(parents=True)
    for name in GOOD[:-1]:
        shutil.copy(DATA / name, folder / name)
    shutil.copy(DATA / GOOD[-1], folder / "more" / GOOD[-1])
    (folder / ".hidden.txt").write_text("Anna: ignored\n", encoding="utf-8")
    (folder / "~$lock.docx").write_bytes(b"lock")
    (folder / "notes.pages").write_bytes(b"PK")
    return folder


def test_ingest_folder_stores_every_supported_file_recursively(mini_project, corpus):
    result = ingest(mini_project, [corpus])
    assert sorted(result.ids("added")) == sorted(Path(n).stem for n in GOOD)
    stored = {d.id: d for d in list_documents(mini_project)}
    assert set(stored) == {Path(n).stem for n in GOOD}
    assert stored["rev_style"].speakers == ["Recording", "Interviewer", "Lena Fischer"]
    assert stored["utf16_bom"].encoding == "utf-16"


def test_stored_text_and_turns_round_trip_through_the_store(mini_project):
    ingest(mini_project, [DATA / "zoom_transcript.vtt"])
    doc = get_document(mini_project, "zoom_transcript")
    assert doc.turns[1].speaker == "Dr. Tomas Berg"
    assert doc.text[doc.turns[1].start:doc.turns[1].end].startswith("Dr. Tomas Berg: Happy to.")
    assert (doc.turns[1].media_start, doc.turns[1].media_end) == (3.9, 9.0)


def test_ingest_logs_one_event_per_document(mini_project):
    ingest(mini_project, [DATA / "rev_style.txt", DATA / "interview.srt"])
    events = mini_project.events(entity="document")
    assert [(e["action"], e["entity_id"]) for e in events] == [("ingest", "rev_style"), ("ingest", "interview")]
    assert events[0]["source_file"] == str(DATA / "rev_style.txt")
    assert json.loads(events[0]["detail"])["format"] == "txt"


def test_identical_reingest_is_a_no_op(mini_project):
    ingest(mini_project, [DATA / "rev_style.txt"])
    before = snapshot(mini_project)
    result = ingest(mini_project, [DATA / "rev_style.txt"])
    assert result.ids("unchanged") == ["rev_style"] and result.ids("added") == []
    assert snapshot(mini_project) == before


def _changed_copy(tmp_path, name="rev_style.txt"):
    path = tmp_path / "v2" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text((DATA / name).read_text(encoding="utf-8") + "\nLena Fischer:       One more thing.\n",
                    encoding="utf-8")
    return path


def test_changed_document_is_refused_without_replace(mini_project, tmp_path):
    ingest(mini_project, [DATA / "rev_style.txt"])
    before = snapshot(mini_project)
    with pytest.raises(RefusedError, match="already stored with different text"):
        ingest(mini_project, [_changed_copy(tmp_path)])
    assert snapshot(mini_project) == before


def test_replace_swaps_the_text_and_logs_old_and_new_hash(mini_project, tmp_path):
    ingest(mini_project, [DATA / "rev_style.txt"])
    old_sha = get_document(mini_project, "rev_style").sha256
    result = ingest(mini_project, [_changed_copy(tmp_path)], replace=True)
    assert result.ids("replaced") == ["rev_style"]
    doc = get_document(mini_project, "rev_style")
    assert doc.text.endswith("One more thing.\n") and doc.turns[-1].speaker == "Lena Fischer"
    event = mini_project.events(action="replace")[0]
    assert (event["old_value"], event["new_value"]) == (old_sha, doc.sha256)


def test_replace_is_refused_while_the_document_has_cases(mini_project, tmp_path):
    ingest(mini_project, [DATA / "rev_style.txt"])
    with mini_project.transaction():
        insert_cases(mini_project, [Case("C01", "rev_style", 0, 10, "")])
    before = snapshot(mini_project)
    with pytest.raises(RefusedError, match="has 1 case"):
        ingest(mini_project, [_changed_copy(tmp_path)], replace=True)
    assert snapshot(mini_project) == before


def test_duplicate_document_ids_among_inputs_are_refused(mini_project, tmp_path):
    other = tmp_path / "rev_style.md"
    other.write_text("Anna: something else\n", encoding="utf-8")
    before = snapshot(mini_project)
    with pytest.raises(InputError, match="document id 'rev_style' also comes from"):
        ingest(mini_project, [DATA / "rev_style.txt", other])
    assert snapshot(mini_project) == before


def test_same_file_given_twice_is_ingested_once(mini_project):
    result = ingest(mini_project, [DATA / "rev_style.txt", DATA / "rev_style.txt"])
    assert result.ids("added") == ["rev_style"]


def test_every_bad_file_is_reported_at_once_and_nothing_is_written(mini_project):
    before = snapshot(mini_project)
    with pytest.raises(InputError) as exc:
        ingest(mini_project, [DATA / "rev_style.txt", DATA / "bad" / "empty.txt", DATA / "bad" / "malformed.vtt",
                              DATA / "bad" / "notes.pdf", DATA / "nope"])
    assert len(exc.value.problems) == 4
    assert snapshot(mini_project) == before


def test_folder_without_transcripts_is_an_error(mini_project, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no transcript files in this folder"):
        ingest(mini_project, [tmp_path / "empty"])


def test_progress_reports_each_file(mini_project, corpus):
    calls = []
    ingest(mini_project, [corpus], progress=lambda done, total, path: calls.append((done, total)))
    assert calls == [(i + 1, len(GOOD)) for i in range(len(GOOD))]


def test_informants_are_joined_to_documents(mini_project):
    result = ingest(mini_project, [DATA / "rev_style.txt", DATA / "interview.srt"],
                    informants=DATA / "informants.csv")
    assert result.informants == {"added": 2, "updated": 0, "unchanged": 0}
    stored = informants(mini_project)
    assert stored["rev_style"].document == "rev_style"
    assert stored["rev_style"].attributes == {"sex": "female", "age": "30-39",
                                              "relationship": "6 years with an online bookshop"}
    assert stored["interview"].attributes["relationship"] is None
    assert {d.id: d.informant for d in list_documents(mini_project)} == {"rev_style": "rev_style",
                                                                        "interview": "interview"}


def test_informants_csv_may_name_documents_stored_earlier_and_updates_are_logged(mini_project, tmp_path):
    ingest(mini_project, [DATA / "rev_style.txt", DATA / "interview.srt"], informants=DATA / "informants.csv")
    csv_path = tmp_path / "informants.csv"
    csv_path.write_text("informant,sex,age\nrev_style,female,40-49\n", encoding="utf-8")
    result = ingest(mini_project, [DATA / "rev_style.txt"], informants=csv_path)
    assert result.informants == {"added": 0, "updated": 1, "unchanged": 0}
    assert informants(mini_project)["rev_style"].attributes["age"] == "40-49"
    change = [e for e in mini_project.events(entity="informant") if e["variable"] == "age"][-1]
    assert (change["old_value"], change["new_value"]) == ("30-39", "40-49")


def test_informants_csv_with_a_document_column(mini_project, tmp_path):
    csv_path = tmp_path / "informants.csv"
    csv_path.write_text("informant;document;sex\nLena;rev_style;female\n", encoding="utf-8")
    ingest(mini_project, [DATA / "rev_style.txt"], informants=csv_path)
    assert informants(mini_project)["Lena"].document == "rev_style"


def test_informants_csv_problems_are_all_reported(mini_project, tmp_path):
    csv_path = tmp_path / "informants.csv"
    csv_path.write_text("informant,sex\nrev_style,f\nrev_style,m\n,m\nH99,f\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest(mini_project, [DATA / "rev_style.txt"], informants=csv_path)
    assert [p.location for p in exc.value.problems] == ["line 3", "line 4", "line 5"]


# -- through the CLI ------------------------------------------------------------------------------------------

def _project_dir(mini_project):
    return str(mini_project.directory)


def test_cli_ingest_json_reports_added_and_unchanged(runner, mini_project):
    args = ["ingest", str(DATA / "rev_style.txt"), "--project", _project_dir(mini_project), "--format", "json"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["added"] == ["rev_style"]
    second = runner.invoke(main, args)
    assert json.loads(second.stdout)["unchanged"] == ["rev_style"]


def test_cli_ingest_table_output_for_humans(runner, mini_project):
    result = runner.invoke(main, ["ingest", str(DATA / "rev_style.txt"), "--informants",
                                  str(DATA / "informants.csv"), "--project", _project_dir(mini_project)])
    assert result.exit_code == 1  # informants.csv also names `interview`, which is not stored
    assert "informant 'interview' names unknown document 'interview'" in result.stderr


def test_cli_replace_flag(runner, mini_project, tmp_path):
    project = _project_dir(mini_project)
    runner.invoke(main, ["ingest", str(DATA / "rev_style.txt"), "--project", project])
    changed = str(_changed_copy(tmp_path))
    refused = runner.invoke(main, ["ingest", changed, "--project", project])
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {changed}: document 'rev_style' is already stored with different text "
                              "(expected --replace to replace it)\n")
    replaced = runner.invoke(main, ["ingest", changed, "--replace", "--project", project, "--format", "json"])
    assert replaced.exit_code == 0
    assert json.loads(replaced.stdout)["replaced"] == ["rev_style"]


def test_cli_documents_list_and_show(runner, mini_project):
    project = _project_dir(mini_project)
    runner.invoke(main, ["ingest", str(DATA / "teams_legacy.vtt"), str(DATA / "rev_style.txt"), "--project",
                         project])
    listed = json.loads(runner.invoke(main, ["documents", "list", "--project", project, "--format", "json"]).stdout)
    assert [d["id"] for d in listed["documents"]] == ["rev_style", "teams_legacy"]
    assert listed["documents"][1]["speakers"] == ["Priya Nair", "Jonas Weber"]
    shown = json.loads(runner.invoke(main, ["documents", "show", "teams_legacy", "--project", project,
                                            "--format", "json"]).stdout)
    assert set(shown) == {"id", "text", "format", "turns"}
    assert shown["turns"][0] == {"speaker": "Priya Nair", "start": 0, "end": 32, "media_start": 0.0,
                                 "media_end": 1.84}
    assert shown["text"][0:32] == "Priya Nair: Can you hear me now?"
    table = runner.invoke(main, ["documents", "show", "rev_style", "--project", project])
    assert table.exit_code == 0 and "[inaudible 00:01:12]" in table.stdout


def test_cli_documents_show_unknown_id_exits_1(runner, mini_project):
    result = runner.invoke(main, ["documents", "show", "H99", "--project", _project_dir(mini_project)])
    assert result.exit_code == 1
    assert "unknown document 'H99'" in result.stderr and "Traceback" not in result.output


def test_cli_documents_list_csv(runner, mini_project):
    project = _project_dir(mini_project)
    runner.invoke(main, ["ingest", str(DATA / "teams_legacy.vtt"), "--project", project])
    out = runner.invoke(main, ["documents", "list", "--project", project, "--format", "csv"]).stdout
    assert out.splitlines()[1].startswith("teams_legacy,vtt,")


def test_a_single_path_string_is_one_path_not_characters(mini_project):
    assert ingest(mini_project, str(DATA / "rev_style.txt")).ids("added") == ["rev_style"]
