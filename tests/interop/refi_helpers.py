"""Helpers of the REFI-QDA tests: a small coded project, and writing hand-made .qdpx files (good and bad)."""
from __future__ import annotations

import zipfile
from pathlib import Path

MINI = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"

DOC_A = ("Interviewer: How did the shop greet you?\n\nAna P.: They used my name on the phone 🙂 and it felt "
         "nice.\n\nInterviewer: And later?\n\nAna P.: The app kept suggesting shoes I had already bought.\n")
DOC_B = "Q: Anything else?\n\nR: The bank set up my account exactly the way I asked, twice.\n"
CASES = {"C01": ("A", "They used my name on the phone 🙂 and it felt nice."),
         "C02": ("A", "The app kept suggesting shoes I had already bought."),
         "C03": ("B", "The bank set up my account exactly the way I asked, twice.")}


def build_small_project(directory: Path):
    """Two documents (one with an emoji before a case), three cases, two coders (ana, ben) with codes and a
    memo, consensus with reasons and a "not coded" decision, informants (one attribute blank), case proposals
    merged, and a pre-coder candidate (which an export leaves out)."""
    from duocode.codebook import load_codebook
    from duocode.ingest.text import find_turns
    from duocode.store import Project
    from duocode.store.cases import Case, insert_cases
    from duocode.store.codes import CodeRow, set_codes, set_memo
    from duocode.store.documents import Document, Informant, insert_document, write_informants
    from duocode.store.proposals import insert_proposals, list_proposals, link_proposals

    project = Project.create(directory, load_codebook(MINI))
    texts = {"A": DOC_A, "B": DOC_B}
    with project.transaction():
        for doc_id, text in texts.items():
            insert_document(project, Document(id=doc_id, text=text, format="txt", turns=find_turns(text)))
        write_informants(project, [Informant("Ana P.", "A", {"sex": "female", "age_band": None}),
                                   Informant("R-2", "B", {"sex": "male", "age_band": "40-49"})])
        cases = []
        for cid, (doc, quote) in CASES.items():
            start = texts[doc].index(quote)
            cases.append(Case(cid, doc, start, start + len(quote), ""))
        insert_cases(project, cases)
        cand = texts["B"].index("Anything else?")
        insert_cases(project, [Case("C04", "B", cand, cand + 14, "", source="precoder", status="candidate",
                                    confidence=0.4, explanation="a question")])
        spans = {c.id: (c.document, c.start, c.end) for c in cases}
        insert_proposals(project, "ana", [spans["C01"], spans["C02"]])
        insert_proposals(project, "ben", [spans["C01"], spans["C03"]])
        link_proposals(project, [(p, next(cid for cid, s in spans.items() if s == (p.document, p.start, p.end)))
                                 for p in list_proposals(project)])
        rows = []
        for coder, codes in {"ana": {"C01": {"is_case": "yes", "kind": "alpha", "good": "yes", "mood": "high"},
                                     "C02": {"is_case": "yes", "kind": "beta", "good": "no", "count": "3"},
                                     "C03": {"is_case": "no"}},
                             "ben": {"C01": {"is_case": "yes", "kind": "alpha", "good": "no", "mood": "high"},
                                     "C02": {"is_case": "no"},
                                     "C03": {"is_case": "yes", "kind": "beta", "count": "12"}}}.items():
            for cid, values in codes.items():
                rows += [CodeRow(cid, var, coder, value) for var, value in values.items()]
        rows += [CodeRow("C01", "kind", "precoder", "beta", confidence=0.7, explanation="cue")]
        set_codes(project, rows)
        set_codes(project, [CodeRow("C01", "kind", "consensus", "alpha", reason="agreed", decided_by="auto"),
                            CodeRow("C01", "mood", "consensus", "high", reason="agreed", decided_by="auto"),
                            CodeRow("C01", "good", "consensus", "yes", reason="she says it felt nice",
                                    decided_by="ana & ben"),
                            CodeRow("C01", "count", "consensus", "", reason="no number in the passage",
                                    decided_by="ana & ben"),
                            CodeRow("C02", "is_case", "consensus", "yes", reason="a recommendation practice",
                                    decided_by="ana & ben")], action="consensus")
        set_memo(project, "C01", "ana", "Recognition on the phone: illusionary benevolence?")
    return project


def write_qdpx(path: Path, entries: dict[str, bytes | str], *, compress: bool = True) -> Path:
    """A zip with these entries (text is UTF-8 encoded), in the given order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def project_xml(body: str, *, origin: str = "test tool", users: str | None = None) -> str:
    """A project.qde around ``body`` (the elements after CodeBook), with two users and a small code tree."""
    users = users if users is not None else (
        '<Users><User guid="11111111-1111-4111-8111-111111111111" name="ana"/>'
        '<User guid="22222222-2222-4222-8222-222222222222" name="ben"/></Users>')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="t" '
            f'origin="{origin}">{users}<CodeBook><Codes>'
            '<Code guid="a0000000-0000-4000-8000-000000000001" name="Channel" isCodable="false">'
            '<Code guid="a0000000-0000-4000-8000-000000000002" name="Phone" isCodable="true"/>'
            '<Code guid="a0000000-0000-4000-8000-000000000003" name="Web" isCodable="true"/></Code>'
            '<Code guid="a0000000-0000-4000-8000-000000000004" name="Praise" isCodable="true"/>'
            f'</Codes></CodeBook>{body}</Project>')


ANA = "11111111-1111-4111-8111-111111111111"
BEN = "22222222-2222-4222-8222-222222222222"
PHONE, WEB, PRAISE = ("a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003",
                      "a0000000-0000-4000-8000-000000000004")
SOURCE = "7d3c9f0e-1b2a-4c5d-8e6f-0a1b2c3d4e5f"


def selection(guid_n: int, start: int, end: int, user: str | None, codes: list[str], name: str = "",
              coding_user: str | None = None) -> str:
    """A PlainTextSelection with one coding per code."""
    codings = "".join(f'<Coding guid="e0000000-0000-4000-8000-{guid_n:06d}{k:06d}"'
                      + (f' creatingUser="{coding_user or user}"' if (coding_user or user) else "")
                      + f'><CodeRef targetGUID="{c}"/></Coding>' for k, c in enumerate(codes))
    attrs = f' creatingUser="{user}"' if user else ""
    name_attr = f' name="{name}"' if name else ""
    return (f'<PlainTextSelection guid="d0000000-0000-4000-8000-{guid_n:012d}"{name_attr} startPosition="{start}" '
            f'endPosition="{end}"{attrs}>{codings}</PlainTextSelection>')


def one_source(selections: str, *, path: str = f"internal://{SOURCE}.txt", name: str = "interview 1",
               extra: str = "") -> str:
    return (f'<Sources><TextSource guid="{SOURCE}" name="{name}" plainTextPath="{path}">{selections}{extra}'
            '</TextSource></Sources>')
