"""Helpers of the pre-coder tests that read one informant answer with the TMP codebook's lexicon (the
``tmp_lexicon`` fixture of this folder's conftest)."""
from __future__ import annotations

from pathlib import Path

TMP = Path(__file__).resolve().parents[2] / "codebooks" / "tmp.yaml"


def answer_features(lexicon, answer: str):
    """The case features of ``answer``, given as the whole of one informant turn after an interviewer's prompt."""
    from duocode.precode.corpus import parse_turns
    from duocode.precode.features import analyze_document, case_features
    from duocode.store.cases import Case
    from duocode.store.documents import Document

    text = f"Interviewer: Tell me more.\n\nAnna: {answer}\n"
    doc = Document("D1", text, "txt", turns=parse_turns(text))
    start = text.index(answer)
    return case_features(lexicon, analyze_document(lexicon, doc), Case("C1", "D1", start, start + len(answer),
                                                                       answer))
