"""The informants CSV: one row per informant, joined to the documents holding their interviews.

Column ``informant`` names a document id (the interview file's name without extension). Every other column is
an attribute (sex, age, relationship, ...), stored as text; a blank cell stores no value. Optionally a column
``document`` names the document when informant ids differ from document ids.
"""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from duocode.rows import Column, TableSpec, read_rows
from duocode.store import Informant

INFORMANTS = TableSpec(
    "informants CSV",
    (Column("informant", required=True, kind="id", blank=False, unique=True, expected="a document id"),
     Column("document", blank=False, expected="a document id")),
    header_expected="a column 'informant' holding document ids, then attribute columns",
    unknown="keep", label=("informant", "informant {!r}: "))


def parse_informants(path: str | Path, documents: Collection[str]) -> list[Informant]:
    """Read and check an informants CSV.

    Parameters
    ----------
    path : str or Path
        The CSV file (header = line 1).
    documents : collection of str
        Document ids an informant may name: those already stored plus those ingested together with the CSV.

    Returns
    -------
    list of Informant
        In file order; ``attributes`` maps each attribute column to its cell (None when blank).

    Raises
    ------
    InputError
        Every problem at once: no ``informant`` column, blank or repeated informants, unknown documents.
    """
    table = read_rows(path, INFORMANTS)
    known = set(documents)
    out: list[Informant] = []
    for row in table:
        if not row.ok:
            continue
        inf_id = row["informant"]
        document = row["document"] if table.has("document") else inf_id
        if document not in known:
            table.add(f"informant {inf_id!r} names unknown document {document!r}", location=row.where(),
                      expected=_expected_documents(known))
            continue
        out.append(Informant(inf_id, document, dict(row.extras)))
    table.raise_if_any()
    return out


def _expected_documents(known: set[str], limit: int = 8) -> str:
    if not known:
        return "a document id, but no documents are stored or being ingested"
    names = sorted(known)
    shown = ", ".join(names[:limit]) + (f", … ({len(names)} in all)" if len(names) > limit else "")
    return f"a stored or ingested document id: {shown}"
