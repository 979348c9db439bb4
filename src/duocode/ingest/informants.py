"""The informants CSV: one row per informant, joined to the documents holding their interviews.

Column ``informant`` names a document id (the interview file's name without extension). Every other column is
an attribute (sex, age, relationship, ...), stored as text; a blank cell stores no value. Optionally a column
``document`` names the document when informant ids differ from document ids.
"""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from duocode.errors import InputError, ProblemCollector
from duocode.csvio import read_csv
from duocode.store import Informant


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
    table = read_csv(path, what="informants CSV")
    problems = ProblemCollector(InputError)
    inf_col = table.column("informant")
    if inf_col is None:
        raise InputError(f"no 'informant' column (found: {', '.join(table.header) or 'no columns'})",
                         path=table.path, location="line 1",
                         expected="a column 'informant' holding document ids, then attribute columns")
    doc_col = table.column("document")
    attr_cols = [c for c in table.header if c not in (inf_col, doc_col)]
    known = set(documents)
    seen: dict[str, int] = {}
    out: list[Informant] = []
    for line, row in table.rows:
        inf_id = row[inf_col]
        where = f"line {line}"
        if not inf_id:
            problems.add("the informant cell is blank", path=table.path, location=where,
                         expected="a document id")
            continue
        if inf_id in seen:
            problems.add(f"informant {inf_id!r} is listed again (first on line {seen[inf_id]})", path=table.path,
                         location=where, expected="one row per informant")
            continue
        seen[inf_id] = line
        document = row[doc_col] if doc_col else inf_id
        if not document:
            problems.add(f"informant {inf_id!r}: the document cell is blank", path=table.path, location=where,
                         expected="a document id")
            continue
        if document not in known:
            problems.add(f"informant {inf_id!r} names unknown document {document!r}", path=table.path,
                         location=where, expected=_expected_documents(known))
            continue
        out.append(Informant(inf_id, document, {c: (row[c] or None) for c in attr_cols}))
    problems.raise_if_any()
    return out


def _expected_documents(known: set[str], limit: int = 8) -> str:
    if not known:
        return "a document id, but no documents are stored or being ingested"
    names = sorted(known)
    shown = ", ".join(names[:limit]) + (f", … ({len(names)} in all)" if len(names) > limit else "")
    return f"a stored or ingested document id: {shown}"
