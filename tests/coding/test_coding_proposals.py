"""Double-coded case finding: coders' proposals and ``cases merge``."""
from __future__ import annotations

import json

import pytest

import duocode.cli
from coding_helpers import DATA, build_documents_and_cases, snapshot
from duocode.coding.proposals import import_proposals, merge_cases, next_case_ids
from duocode.errors import InputError, RefusedError
from duocode.store.cases import list_cases
from duocode.store.codes import codes_by_case
from duocode.store.proposals import list_proposals


@pytest.fixture
def docs(mini_project):
    """The mini project with documents D1 and D2 but no cases yet."""
    build_documents_and_cases(mini_project, with_cases=False)
    return mini_project


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("document,start,end\n" + "".join(f"{d},{s},{e}\n" for d, s, e in rows), encoding="utf-8")
    return path


def spans(project):
    return [(c.id, c.document, c.start, c.end) for c in list_cases(project)]


def test_import_proposals_stores_a_coders_spans_once(docs):
    result = import_proposals(docs, DATA / "proposals_a.csv", "ines")
    assert result.added == 2
    again = import_proposals(docs, DATA / "proposals_a.csv", "ines")
    assert (again.added, again.unchanged) == (0, 2)
    props = list_proposals(docs, coder="ines")
    assert [(p.document, p.case_id) for p in props] == [("D1", None), ("D2", None)]
    assert list_cases(docs) == []


def test_import_proposals_refuses_a_bad_file_and_writes_nothing(docs, tmp_path):
    path = write(tmp_path, "bad.csv", [("D1", 10, 5), ("D9", 0, 4)])
    before = snapshot(docs)
    with pytest.raises(InputError) as err:
        import_proposals(docs, path, "ines")
    assert [p.location for p in err.value.problems] == ["line 2", "line 3"]
    assert snapshot(docs) == before


def test_import_proposals_refuses_reserved_coders(docs):
    with pytest.raises(RefusedError):
        import_proposals(docs, DATA / "proposals_a.csv", "consensus")


def test_merge_joins_overlapping_proposals_of_different_coders_into_one_case(docs, tmp_path):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 10, 50), ("D1", 100, 150)]), "ines")
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 20, 60), ("D2", 5, 25)]), "jonas")
    result = merge_cases(docs)
    assert spans(docs) == [("C01", "D1", 10, 60), ("C02", "D1", 100, 150), ("C03", "D2", 5, 25)]
    assert result.new_cases == ["C01", "C02", "C03"]
    assert result.proposals == 4 and result.linked == 0
    assert {p.id: p.case_id for p in list_proposals(docs)} == {1: "C01", 2: "C02", 3: "C01", 4: "C03"}


def test_merge_derives_each_coders_is_case_yes_where_they_proposed_and_no_where_not(docs, tmp_path):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 10, 50), ("D1", 100, 150)]), "ines")
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 20, 60), ("D2", 5, 25)]), "jonas")
    result = merge_cases(docs)
    assert codes_by_case(docs, "ines", variables=["is_case"]) == {
        "C01": {"is_case": "yes"}, "C02": {"is_case": "yes"}, "C03": {"is_case": "no"}}
    assert codes_by_case(docs, "jonas", variables=["is_case"]) == {
        "C01": {"is_case": "yes"}, "C02": {"is_case": "no"}, "C03": {"is_case": "yes"}}
    assert result.is_case == {"ines": {"yes": 2, "no": 1}, "jonas": {"yes": 2, "no": 1}}
    merged = [e for e in docs.events(entity="code") if e["action"] == "merge"]
    assert len(merged) == 6 and all(e["source_file"] == "cases merge" for e in merged)


def test_merge_links_a_proposal_overlapping_an_existing_case_and_continues_the_numbering(mini_project, tmp_path):
    build_documents_and_cases(mini_project)
    c02 = next(c for c in list_cases(mini_project) if c.id == "C02")
    import_proposals(mini_project, write(tmp_path, "a.csv", [("D1", c02.start + 3, c02.end + 2), ("D2", 0, 8)]),
                     "ines")
    result = merge_cases(mini_project)
    assert result.linked == 1 and result.new_cases == ["C08"]
    assert next(c for c in list_cases(mini_project) if c.id == "C02").end == c02.end   # the case is unchanged
    assert codes_by_case(mini_project, "ines") == {"C02": {"is_case": "yes"}, "C08": {"is_case": "yes"}}


def test_merge_again_adds_only_new_proposals_and_updates_the_derived_codes(docs, tmp_path):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 10, 50)]), "ines")
    merge_cases(docs)
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 40, 70), ("D2", 0, 9)]), "jonas")
    result = merge_cases(docs)
    assert result.linked == 1 and result.new_cases == ["C02"]
    assert spans(docs) == [("C01", "D1", 10, 50), ("C02", "D2", 0, 9)]
    assert codes_by_case(docs, "ines", variables=["is_case"]) == {"C01": {"is_case": "yes"},
                                                                  "C02": {"is_case": "no"}}
    assert codes_by_case(docs, "jonas", variables=["is_case"]) == {"C01": {"is_case": "yes"},
                                                                   "C02": {"is_case": "yes"}}


def test_merge_without_proposals_is_refused(docs, runner):
    before = snapshot(docs)
    result = runner.invoke(duocode.cli.main, ["cases", "merge", "--project", str(docs.directory)])
    assert result.exit_code == 1
    assert "no case proposals to merge" in result.stderr
    assert snapshot(docs) == before


def test_cases_import_with_coder_and_cases_merge_from_the_command_line(docs, runner, tmp_path):
    proj = str(docs.directory)
    a = write(tmp_path, "a.csv", [("D1", 10, 50)])
    b = write(tmp_path, "b.csv", [("D1", 30, 55), ("D2", 0, 9)])
    for path, coder in ((a, "ines"), (b, "jonas")):
        result = runner.invoke(duocode.cli.main, ["cases", "import", str(path), "--coder", coder, "--project",
                                                  proj])
        assert result.exit_code == 0, result.output
    result = runner.invoke(duocode.cli.main, ["cases", "merge", "--format", "json", "--project", proj])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["new_cases"] == ["C01", "C02"]
    assert data["is_case"] == {"ines": {"yes": 1, "no": 1}, "jonas": {"yes": 2, "no": 0}}


@pytest.mark.parametrize("existing, n, expected", [
    (set(), 3, ["C01", "C02", "C03"]),
    ({"C01", "C09"}, 2, ["C10", "C11"]),
    ({"C099"}, 1, ["C100"]),
    ({"H01-3", "H01-4", "X"}, 1, ["H01-5"]),
    ({"case7"}, 1, ["case8"]),
])
def test_next_case_ids_continue_the_projects_numbering(existing, n, expected):
    assert next_case_ids(existing, n) == expected


def test_merge_numbers_after_the_accepted_cases_and_never_reuses_a_candidates_id(mini_project, tmp_path):
    from duocode.store.cases import Case, insert_cases

    build_documents_and_cases(mini_project)
    with mini_project.transaction():
        insert_cases(mini_project, [Case(id=f"K{i:02d}", document="D2", start=i, end=i + 1, text="",
                                         source="precoder", status="candidate") for i in range(1, 10)]
                     + [Case(id="C08", document="D2", start=0, end=3, text="", source="precoder",
                             status="candidate")])
    import_proposals(mini_project, write(tmp_path, "a.csv", [("D1", 0, 8)]), "ines")
    assert merge_cases(mini_project).new_cases == ["C09"]


def test_merge_warns_when_the_codebook_has_no_is_case_variable(tmp_path, runner):
    from duocode.codebook import load_codebook
    from duocode.store import Project

    warning = ("the codebook has no variable 'is_case', so no case-finding codes were derived and agreement on "
               "case finding cannot be computed")
    with Project.create(tmp_path / "p", load_codebook(DATA / "applies_codebook.yaml")) as project:
        build_documents_and_cases(project, with_cases=False)
        import_proposals(project, write(tmp_path, "a.csv", [("D1", 10, 50)]), "ines")
        import_proposals(project, write(tmp_path, "b.csv", [("D1", 30, 55)]), "jonas")
        proj = str(project.directory)
    result = runner.invoke(duocode.cli.main, ["cases", "merge", "--format", "json", "--project", proj])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["new_cases"] == ["C01"] and data["is_case_codes"] == {}
    assert data["warnings"] == [warning]
    result = runner.invoke(duocode.cli.main, ["cases", "import", str(write(tmp_path, "c.csv", [("D2", 0, 9)])),
                                              "--coder", "ines", "--project", proj])
    assert result.exit_code == 0, result.output
    result = runner.invoke(duocode.cli.main, ["cases", "merge", "--project", proj])
    assert result.exit_code == 0, result.output
    assert warning in " ".join(result.stdout.split())


def test_merge_has_no_warnings_when_proposals_overlap_directly(docs, tmp_path):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 10, 50)]), "ines")
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 30, 55)]), "jonas")
    import_proposals(docs, write(tmp_path, "c.csv", [("D1", 20, 60)]), "maya")
    assert merge_cases(docs).to_dict()["warnings"] == []


def test_merge_warns_when_one_coders_longer_span_chains_two_separate_proposals_into_one_case(docs, tmp_path,
                                                                                              runner):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 12, 18)]), "ines")
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 20, 26)]), "jonas")
    import_proposals(docs, write(tmp_path, "c.csv", [("D1", 10, 30), ("D2", 0, 9)]), "maya")
    result = merge_cases(docs)
    assert spans(docs) == [("C01", "D1", 10, 30), ("C02", "D2", 0, 9)]      # the contract's rule is kept
    assert result.warnings == ["case C01 joins proposals that do not overlap each other (ines: 12-18, jonas: "
                               "20-26) through maya's longer span; check its extent"]


def test_codes_import_warns_when_blank_is_case_cells_remove_the_merges_derived_codes(docs, tmp_path, runner):
    import_proposals(docs, write(tmp_path, "a.csv", [("D1", 10, 50), ("D1", 100, 150)]), "ines")
    import_proposals(docs, write(tmp_path, "b.csv", [("D1", 20, 60)]), "jonas")
    merge_cases(docs)
    codes = tmp_path / "ines_codes.csv"
    codes.write_text("case_id,is_case,kind\nC01,,alpha\nC02,yes,beta\n", encoding="utf-8")
    result = runner.invoke(duocode.cli.main, ["codes", "import", str(codes), "--coder", "ines",
                                              "--project", str(docs.directory), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["removed"] == 1 and len(data["warnings"]) == 1
    assert "removed ines's is_case codes for 1 case (C01)" in data["warnings"][0]
    assert codes_by_case(docs, "ines", variables=["is_case"]) == {"C02": {"is_case": "yes"}}
    merge_cases(docs)      # what the warning offers: the derived codes come back
    assert codes_by_case(docs, "ines", variables=["is_case"]) == {"C01": {"is_case": "yes"}, "C02": {"is_case": "yes"}}
    # a file without the column, or with the codes filled in, warns of nothing
    codes.write_text("case_id,kind\nC01,alpha\n", encoding="utf-8")
    again = runner.invoke(duocode.cli.main, ["codes", "import", str(codes), "--coder", "ines",
                                             "--project", str(docs.directory)])
    assert again.exit_code == 0 and "Warning" not in again.output
