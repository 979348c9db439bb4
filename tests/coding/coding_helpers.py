"""Helpers of the dual-coding tests: a mini project with two documents and seven cases, some of whose texts
start with characters that spreadsheets would take for a formula; setting codes; reading and filling workbooks."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

# Case texts that a spreadsheet would evaluate if they were not stored as text.
TRICKY = ["=SUM(A1:A9) was what the clerk typed into my account.",
          "+44 20 7946 0000 rang and the agent knew my name.",
          "-5% off, because they knew it was my birthday.",
          "@home the app remembered my shoe size.",
          "\tIndented: the website greeted me by name.",
          "\rThe recommendations always fit my taste."]
PLAIN = "The bookseller suggested a novel that I loved."


def build_documents_and_cases(project, *, n_plain: int = 1, with_cases: bool = True) -> list[str]:
    """Two documents with turns and an informant each; the cases C01.. in document order (unless not
    ``with_cases``). Returns the case ids."""
    from duocode.store.cases import Case, insert_cases
    from duocode.store.documents import Document, Informant, Turn, insert_document, write_informants

    segments = {"D1": TRICKY[:3], "D2": TRICKY[3:] + [PLAIN] * n_plain}
    cases = []
    with project.transaction():
        for doc_id, texts in segments.items():
            text = "Interviewer: Tell me about it.\n\nAnna: "
            turn_start = len("Interviewer: Tell me about it.\n\n")
            spans = []
            for t in texts:
                text += "Well. "
                spans.append((len(text), len(text) + len(t)))
                text += t + " And so on."
            text += "\n"
            turns = [Turn("Interviewer", 0, turn_start - 2), Turn("Anna", turn_start, len(text))]
            insert_document(project, Document(id=doc_id, text=text, format="txt", turns=turns))
            for s, e in spans:
                cases.append((doc_id, s, e))
        write_informants(project, [Informant("INF-" + d, d, {"sex": "f"}) for d in segments])
        ids = [f"C{i:02d}" for i in range(1, len(cases) + 1)] if with_cases else []
        if ids:
            insert_cases(project, [Case(id=cid, document=d, start=s, end=e, text="") for cid, (d, s, e)
                                   in zip(ids, cases)])
    return ids


def set_codes_for(project, coder, codes: dict, memos: dict | None = None):
    from duocode.store.codes import CodeRow, set_codes, set_memo

    with project.transaction():
        project.ensure_coder(coder, "human")
        rows = [CodeRow(cid, var, coder, value) for cid, vals in codes.items() for var, value in vals.items()]
        set_codes(project, rows)
        for cid, text in (memos or {}).items():
            set_memo(project, cid, coder, text)


def sheet_rows(path):
    """(header, data rows as lists) of a coding workbook's Coding sheet, read with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    rows = [list(r) for r in wb["Coding"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def fill(path, values: dict, *, memo: dict | None = None, out=None):
    """Type values into a coding workbook: {case_id: {variable: value}}; memo: {case_id: text}."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Coding"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        cid = row[0].value
        for var, value in values.get(cid, {}).items():
            row[header.index(var)].value = value
        if memo and cid in memo:
            row[header.index("memo")].value = memo[cid]
    wb.save(out or path)
    return out or path


def snapshot(project) -> dict:
    """``snapshot`` of the root tests/conftest.py (loaded by path: each test folder's conftest is a module
    named ``conftest``, so a plain import would find this folder's)."""
    import importlib.util
    import sys

    name = "_duocode_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name].snapshot(project)
