"""Load the demo corpus into a project, for the pre-coder's evaluation script and tests.

The corpus lives in ``corpora/demo/``: interviews in ``interviews/*.txt`` (``Interviewer:`` and ``<Name>:``
turns) and the tables at the top (``informants.csv``, ``cases.csv``, ``codes_<coder>.csv``,
``consensus.csv``). Turns are parsed here (a line starting with ``Name:`` starts a turn; the turn runs to the next one),
so that measuring the pre-coder does not depend on the ingest stage.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError, ProblemCollector

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

_TURN = re.compile(r"^([A-Z][\w .'-]{0,40}?):[ \t]", re.MULTILINE)


@dataclass
class CorpusData:
    root: Path
    documents: dict[str, str] = field(default_factory=dict)
    informants: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    codes: dict[str, list[dict]] = field(default_factory=dict)   # coder -> wide rows
    consensus: list[dict] = field(default_factory=list)

    def split_of(self) -> dict[str, str]:
        """document id -> split (``dev`` or ``heldout``; ``dev`` where the informants table says nothing)."""
        out = {doc: "dev" for doc in self.documents}
        for row in self.informants:
            if row.get("informant") and row.get("split"):
                out[row["informant"]] = row["split"].strip()
        return out


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_corpus(root: str | Path) -> CorpusData:
    """Read the interviews and tables of a demo-style corpus folder."""
    root = Path(root)
    if not (root / "interviews").is_dir():
        raise InputError("no interviews/ folder", path=str(root), expected="a corpus folder like corpora/demo")
    data = CorpusData(root)
    for path in sorted((root / "interviews").glob("*.txt")):
        data.documents[path.stem] = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if (root / "informants.csv").is_file():
        data.informants = _read_csv(root / "informants.csv")
    if not (root / "cases.csv").is_file() and (root / "gold.csv").is_file():
        # one table of gold cases and their codes: document, quote[, case_id], then variable columns
        rows = _read_csv(root / "gold.csv")
        for n, row in enumerate(rows, start=1):
            row["case_id"] = (row.get("case_id") or "").strip() or f"G{n:03d}"
        data.cases = [{"case_id": r["case_id"], "document": r.get("document", ""), "quote": r.get("quote", "")}
                      for r in rows]
        data.consensus = rows
        return data
    if not (root / "cases.csv").is_file():  # interviews only: no tables to read
        return data
    data.cases = _read_csv(root / "cases.csv")
    for path in sorted(root.glob("codes_*.csv")):
        data.codes[path.stem[len("codes_"):]] = _read_csv(path)
    if (root / "consensus.csv").is_file():
        data.consensus = _read_csv(root / "consensus.csv")
    return data


def parse_turns(text: str):
    """``Name:`` turns of a transcript: each from its line start (label included) to the next turn."""
    from duocode.store import Turn

    starts = [(m.start(), m.group(1)) for m in _TURN.finditer(text)]
    turns = []
    for i, (start, speaker) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        turns.append(Turn(speaker.strip(), start, end))
    return turns


def load_corpus(project: "Project", data: CorpusData, *, documents: set[str] | None = None,
                coders: bool = True, consensus: bool = True) -> dict[str, int]:
    """Store the corpus (or the given documents) in ``project``: documents with turns, cases (quotes located
    in their document), each coder's codes and the consensus, in one transaction. Informant attributes are not
    stored (the pre-coder does not use them)."""
    from duocode.store import Case, CodeRow, Document, insert_cases, insert_document, set_codes

    keep = set(data.documents) if documents is None else set(documents)
    problems = ProblemCollector(InputError)
    cases = []
    for line, row in enumerate(data.cases, start=2):
        doc = row.get("document", "")
        if doc not in keep:
            continue
        text = data.documents.get(doc)
        quote = row.get("quote", "")
        if text is None:
            problems.add(f"unknown document '{doc}'", path="cases.csv", location=f"line {line}")
            continue
        start = text.find(quote)
        if start < 0 or not quote:
            problems.add(f"quote of case {row['case_id']} not found in {doc}", path="cases.csv",
                         location=f"line {line}")
            continue
        cases.append(Case(row["case_id"], doc, start, start + len(quote), quote))
    case_ids = {c.id for c in cases}
    codebook = project.codebook
    rows: list = []

    def wide(table: list[dict], coder: str, with_reason: bool) -> None:
        for line, r in enumerate(table, start=2):
            if r.get("case_id") not in case_ids:
                continue
            for var in codebook.variables:
                raw = r.get(var.id)
                try:
                    value = var.normalize(raw)
                except ValueError as exc:
                    problems.add(str(exc), path=f"{coder}.csv", location=f"line {line}")
                    continue
                if value is not None:
                    rows.append(CodeRow(r["case_id"], var.id, coder, value,
                                        reason=(r.get("reason") or None) if with_reason else None))

    if coders:
        for coder, table in sorted(data.codes.items()):
            wide(table, coder, False)
    if consensus:
        wide(data.consensus, "consensus", True)
    problems.raise_if_any()
    with project.transaction():
        for doc_id in sorted(keep & set(data.documents)):
            text = data.documents[doc_id]
            insert_document(project, Document(doc_id, text, "txt", source_path=f"{doc_id}.txt",
                                              turns=parse_turns(text)))
        insert_cases(project, cases, source_file="cases.csv")
        set_codes(project, rows, source_file="corpus")
    return {"documents": len(keep & set(data.documents)), "cases": len(cases), "codes": len(rows)}
