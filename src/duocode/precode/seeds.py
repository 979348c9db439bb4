"""Which coded seed corpus a codebook's pre-coding learns from before the project has cases of its own.

A codebook opts in with ``precode: {seed_corpus: NAME}`` (docs/CODEBOOK_FORMAT.md): NAME is a corpus folder
bundled with duocode (``duocode/data/corpora/NAME``), or a path relative to the codebook file. The folder is a
coded corpus like ``corpora/demo`` (``interviews/*.txt`` with ``cases.csv`` or ``gold.csv``): text and CSV files,
read as data and never run.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "corpora"


def seed_corpus(codebook: "Codebook") -> Path | None:
    """The folder of the codebook's seed corpus (``precode.seed_corpus``, validated as a folder name when the
    codebook was loaded), or None when it names none."""
    name = codebook.seed_corpus
    if not name:
        return None
    for folder in (BUNDLED / name, Path(codebook.source).parent / name if codebook.source else None):
        if folder is not None and (folder / "interviews").is_dir():
            return folder
    raise InputError(f"seed corpus '{name}' not found", path=codebook.source or "codebook",
                     location="precode.seed_corpus",
                     expected=f"a corpus bundled in {BUNDLED} or a folder next to the codebook")


_PROJECTS: dict[tuple[str, str], object] = {}
_DOCUMENTS: dict[str, tuple[list, dict]] = {}
SEED_PREFIX = "seed:"     # seed documents and cases carry it, so their ids never meet the project's


def seed_documents(folder: Path) -> tuple[list, dict[str, list[tuple[int, int]]]]:
    """The documents of a coded corpus folder (see :func:`duocode.precode.corpus.read_corpus`) that hold cases,
    and document -> its case spans, less the passages the consensus coded as not a case (read once per
    process and folder)."""
    from duocode.codebook import CASE_VARIABLE
    from duocode.precode.corpus import parse_turns, read_corpus
    from duocode.store import Document

    key = str(folder)
    if key not in _DOCUMENTS:
        data = read_corpus(folder)
        not_cases = {r.get("case_id") for r in data.consensus if (r.get(CASE_VARIABLE) or "").strip() == "no"}
        spans: dict[str, list[tuple[int, int]]] = {}
        for row in data.cases:
            text = data.documents.get(row.get("document", ""))
            quote = row.get("quote", "")
            start = text.find(quote) if text and quote else -1
            if start >= 0 and row.get("case_id") not in not_cases:
                spans.setdefault(row["document"], []).append((start, start + len(quote)))
        documents = [Document(d, data.documents[d], "txt", source_path=f"{d}.txt",
                              turns=parse_turns(data.documents[d])) for d in sorted(spans)]
        _DOCUMENTS[key] = documents, spans
    return _DOCUMENTS[key]


def digest(text: str) -> str:
    """A hash of the text's words (whitespace ignored): how a seed interview is recognised in a project."""
    import hashlib

    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def repeated_in(folder: Path, texts) -> set[str]:
    """Ids of the seed interviews whose text is one of ``texts``."""
    same = {digest(t) for t in texts}
    return {doc.id for doc in seed_documents(folder)[0] if digest(doc.text) in same}


def merge_labels(labels, extra, variables=None):
    """``labels`` with ``extra``'s (seed-corpus) labels added for ``variables`` (default: every variable either
    has); the project's own label wins for a case both have."""
    from duocode.precode.labels import Labels

    keys = set(labels.by_variable) | set(extra.by_variable) if variables is None else set(variables)
    by_variable, source = dict(labels.by_variable), dict(labels.source)
    for v in keys:
        by_variable[v] = {**extra.cases(v), **labels.cases(v)}
        source[v] = {**extra.source.get(v, {}), **labels.source.get(v, {})}
    return Labels(by_variable, source, labels.humans)


def seed_training(lexicon, folder: Path):
    """The seed corpus's coded cases as training data for the suggestions: ``(features, labels)`` with case ids
    prefixed :data:`SEED_PREFIX`, built once per process and codebook (the corpus is loaded into a temporary
    project, so its quotes and codes are checked as any import would check them)."""
    import atexit
    import shutil
    import tempfile

    from duocode.precode.corpus import load_corpus, read_corpus
    from duocode.precode.features import features_for_cases
    from duocode.precode.labels import Labels, training_labels
    from duocode.store import Project, list_cases

    codebook = lexicon.codebook
    key = (str(folder), codebook.sha256)
    if key not in _PROJECTS:
        tmp = tempfile.mkdtemp(prefix="duocode-seed-")
        atexit.register(shutil.rmtree, tmp, True)
        project = Project.create(Path(tmp) / "seed", codebook)
        try:
            load_corpus(project, read_corpus(folder), coders=False)
            variables = [v.id for v in codebook.variables if v.is_categorical]
            labels = training_labels(project, variables)
            feats = features_for_cases(lexicon, project, list_cases(project, status="case"))
        finally:
            project.close()
        for f in feats.values():
            f.case_id = SEED_PREFIX + f.case_id
        _PROJECTS[key] = ({SEED_PREFIX + c: f for c, f in feats.items()},
                          Labels({v: {SEED_PREFIX + c: x for c, x in per.items()} for v, per in labels.by_variable.items()},
                                 {v: {SEED_PREFIX + c: "seed-corpus consensus" for c in per}
                                  for v, per in labels.by_variable.items()}))
    return _PROJECTS[key]


def with_seed(lexicon, feats: dict, labels, min_train: int):
    """``(feats, labels)`` to train the suggestions on. A variable with at least ``min_train`` labelled cases of
    the project's own trains on those alone; one with fewer also on the codebook's seed corpus (the project's
    own labels kept, so its coding counts at once). Unchanged when the codebook has no seed corpus or every
    variable has enough."""
    folder = seed_corpus(lexicon.codebook)
    if folder is None:
        return feats, labels
    short = [v.id for v in lexicon.codebook.variables if v.is_categorical
             and len([c for c in labels.cases(v.id) if c in feats]) < min_train]
    if not short:
        return feats, labels
    seed_feats, seed_labels = seed_training(lexicon, folder)
    return {**seed_feats, **feats}, merge_labels(labels, seed_labels, short)
