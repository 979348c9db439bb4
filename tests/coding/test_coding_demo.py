"""The dual-coding step of ``duocode demo``: proposals merged, workbooks written, filled and imported."""
from __future__ import annotations

from duocode.coding.demo import code_demo
from duocode.store.cases import list_cases
from duocode.store.codes import codes_by_case, memos


def test_code_demo_merges_proposals_and_round_trips_each_coders_workbook(project, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    c01 = next(c for c in list_cases(project) if c.id == "C01")
    (corpus / "proposals_ines.csv").write_text(f"document,start,end\nD1,{c01.start},{c01.end}\n", encoding="utf-8")
    (corpus / "proposals_jonas.csv").write_text("document,start,end\nD2,0,8\n", encoding="utf-8")
    # ines's is_case comes from her proposals (merge), not from the blanket column of her codes file
    (corpus / "codes_ines.csv").write_text("case_id,is_case,kind,mood,count,memo\nC01,yes,alpha,high,2,fits well\n"
                                           "C02,yes,beta,low,0,\n", encoding="utf-8")
    (corpus / "codes_jonas.csv").write_text("case_id,kind,mood\nC01,beta,high\n", encoding="utf-8")
    figures = code_demo(project, corpus, tmp_path / "workbooks")
    assert (tmp_path / "workbooks" / "ines.xlsx").exists() and (tmp_path / "workbooks" / "jonas.xlsx").exists()
    assert codes_by_case(project, "ines") == {"C01": {"is_case": "yes", "kind": "alpha", "mood": "high",
                                                      "count": "2"},
                                              "C02": {"kind": "beta", "mood": "low", "count": "0"},
                                              "C08": {"is_case": "no"}}
    assert codes_by_case(project, "jonas") == {"C01": {"is_case": "no", "kind": "beta", "mood": "high"},
                                               "C08": {"is_case": "yes"}}
    assert memos(project, "ines") == {"C01": "fits well"}
    assert figures["coders"]["ines"]["cells_filled"] == 6
    assert figures["merge"]["new_cases"] == ["C08"]
    assert figures["summary"].startswith("2 workbooks written, filled and imported (ines 6 codes, jonas 2 codes)")
    assert [e["action"] for e in project.events(entity="workbook")].count("import") == 2
