"""Synthetic projects shared by the benchmarks (not a benchmark itself: run_all.py skips ``_`` files)."""
from __future__ import annotations

import random

WORDS = ("the app remembered my name and suggested a book that fitted what I had bought before, which felt "
         "helpful but also a little strange because I never told them about my back pain or my son").split()


def add_case_documents(project, rng: random.Random, n_cases: int, *, words_per_case: int, per_doc: int = 50,
                       id_width: int = 5) -> list[str]:
    """Store ``n_cases`` informant passages, ``per_doc`` to a synthetic interview, as cases; returns their ids."""
    from duocode.store.cases import Case, insert_cases
    from duocode.store.documents import Document, insert_document

    cases = []
    with project.transaction():
        for d in range((n_cases + per_doc - 1) // per_doc):
            text, spans = "", []
            for _ in range(min(per_doc, n_cases - d * per_doc)):
                text += "Interviewer: And then?\n\nInformant: " + " ".join(rng.choices(WORDS, k=20)) + ". "
                case = " ".join(rng.choices(WORDS, k=words_per_case)) + "."
                spans.append((len(text), len(text) + len(case)))
                text += case + "\n\n"
            doc_id = f"D{d + 1:03d}"
            insert_document(project, Document(id=doc_id, text=text, format="txt"))
            cases += [(doc_id, s, e) for s, e in spans]
        ids = [f"C{i:0{id_width}d}" for i in range(1, len(cases) + 1)]
        insert_cases(project, [Case(id=cid, document=doc, start=s, end=e, text="")
                               for cid, (doc, s, e) in zip(ids, cases)])
    return ids
