"""Fixtures of the pre-coder tests: a small codebook and projects built through the store API."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SHOP = DATA / "shop.yaml"
CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "demo"

INTERVIEW = """Interviewer: Tell me about the shops you use. Did any of them ever treat you personally?

Anna: The bookshop is nice. Last month the bookshop recommended a novel based on what I bought last year. \
I loved it, honestly.

Interviewer: And the bakery?

Anna: The bakery is just a bakery. They never recommended anything to me. It would be nice if they knew my name.

Interviewer: Anything else?

Anna: At the hotel the receptionist said "Welcome back, Anna" and knew my name. \
It felt lovely, like they cared about me.
"""



@pytest.fixture(scope="session")
def tmp_lexicon():
    """The TMP codebook's lexicon (built once: it is read-only)."""
    from duocode.codebook import load_codebook
    from duocode.precode.lexicon import build_lexicon
    from precode_helpers import TMP

    return build_lexicon(load_codebook(TMP))

def add_document(project, doc_id: str, text: str) -> None:
    """Store ``text`` with its ``Name:`` turns (parsed as the demo corpus loader does)."""
    from duocode.precode.corpus import parse_turns
    from duocode.store.documents import Document, insert_document

    with project.transaction():
        insert_document(project, Document(doc_id, text, "txt", turns=parse_turns(text)))


def add_case(project, case_id: str, doc_id: str, quote: str, *, source: str = "human", status: str = "case"):
    from duocode.store.cases import Case, insert_cases
    from duocode.store.documents import document_text

    text = document_text(project, doc_id)
    start = text.index(quote)
    with project.transaction():
        insert_cases(project, [Case(case_id, doc_id, start, start + len(quote), quote, source=source,
                                    status=status)])


def set_code(project, case_id: str, coder: str, **values) -> None:
    from duocode.store.codes import CodeRow, set_codes

    with project.transaction():
        set_codes(project, [CodeRow(case_id, k, coder, v) for k, v in values.items()])


@pytest.fixture
def shop_project(tmp_path):
    """A project with the shop codebook and one interview (three informant answers)."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "shop", load_codebook(SHOP))
    add_document(project, "D1", INTERVIEW)
    yield project
    project.close()


def sentences(kind: str, i: int, liked: bool) -> str:
    """A varied informant answer of one kind (for projects with many coded cases)."""
    shops = ["the bookshop", "the florist", "the grocer", "the optician", "the chemist", "the tailor",
             "the cinema", "the garage", "the bakery", "the wine shop", "the toy shop", "the hotel"]
    shop = shops[i % len(shops)] + ("" if i < len(shops) else " at the station")
    if kind == "greeting":
        return (f"At {shop} the assistant greeted me and knew my name straight away. "
                f"{'I loved that.' if liked else 'It was a bit odd, to be honest.'}")
    return (f"{shop.capitalize()} recommended something based on what I bought before. "
            f"{'It was great, I bought it.' if liked else 'I did not buy it.'}")


@pytest.fixture
def coded_project(tmp_path):
    """The shop codebook with 24 human cases coded by two coders (who disagree on two) and no consensus."""
    from duocode.codebook import load_codebook
    from duocode.store import Project

    project = Project.create(tmp_path / "coded", load_codebook(SHOP))
    lines = ["Interviewer: Tell me about shops."]
    quotes = []
    for i in range(24):
        kind = "greeting" if i % 2 == 0 else "advice"
        liked = (i // 2) % 2 == 1
        q = sentences(kind, i, liked)
        quotes.append((f"C{i + 1:02d}", q, kind, "yes" if liked else "no"))
        lines.append(f"Informant: {q}")
        lines.append("Interviewer: Go on.")
    add_document(project, "D1", "\n\n".join(lines) + "\n")
    for cid, q, kind, liked in quotes:
        add_case(project, cid, "D1", q)
    from duocode.store.codes import CodeRow, set_codes

    rows = []
    for n, (cid, _q, kind, liked) in enumerate(quotes):
        for coder in ("ines", "jonas"):
            k = kind
            if coder == "jonas" and n in (3, 8):
                k = "advice" if kind == "greeting" else "greeting"
            rows += [CodeRow(cid, "kind", coder, k), CodeRow(cid, "liked", coder, liked),
                     CodeRow(cid, "is_case", coder, "yes")]
    with project.transaction():
        set_codes(project, rows)
    yield project
    project.close()
