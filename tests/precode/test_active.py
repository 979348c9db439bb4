"""Active learning: propose uncertain uncoded cases without revealing suggestions."""
from duocode.precode.active import next_cases

from tests.precode.conftest import add_case, add_document


def test_next_proposes_only_uncoded_cases_ranked_by_uncertainty(coded_project):
    add_document(coded_project, "D2", "Informant: The chemist recommended a cream and knew my name. Odd.\n\n"
                                      "Informant: The grocer recommended a tea based on what I bought.\n")
    add_case(coded_project, "N1", "D2", "The chemist recommended a cream and knew my name. Odd.")
    add_case(coded_project, "N2", "D2", "The grocer recommended a tea based on what I bought.")
    result = next_cases(coded_project, n=5)
    assert result.pool == 2
    assert [c["case_id"] for c in result.cases] == ["N1", "N2"]   # the mixed one is the less certain
    assert result.cases[0]["uncertainty"] > result.cases[1]["uncertainty"]


def test_next_never_reveals_a_suggested_value(coded_project):
    add_document(coded_project, "D2", "Informant: The grocer recommended a tea based on what I bought.\n")
    add_case(coded_project, "N1", "D2", "The grocer recommended a tea based on what I bought.")
    data = next_cases(coded_project, n=1).to_dict()
    assert set(data["cases"][0]) == {"case_id", "document", "uncertainty", "most_uncertain"}
    assert "advice" not in str(data) and "greeting" not in str(data)


def test_next_for_a_coder_skips_cases_that_coder_finished(coded_project):
    result = next_cases(coded_project, n=3, coder="ines")
    assert result.pool == 24   # ines coded kind, liked and is_case, but not mood
    result = next_cases(coded_project, n=3, coder="newcomer")
    assert len(result.cases) == 3 and result.pool == 24
