"""Which coded seed corpus a codebook's pre-coding learns from before the project has cases of its own.

A codebook opts in with ``precode: {seed_corpus: NAME}`` (docs/CODEBOOK_FORMAT.md): NAME is a corpus folder
bundled with duocode (``duocode/data/corpora/NAME``), or a path relative to the codebook file. The folder is a
coded corpus like ``corpora/demo`` (``interviews/*.txt`` with ``cases.csv`` or ``gold.csv``). The seed is data,
read with ``yaml.safe_load`` and never run.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "corpora"


def seed_corpus(codebook: "Codebook") -> Path | None:
    import yaml

    try:
        raw = yaml.safe_load(codebook.text) if codebook.text else None
    except yaml.YAMLError:
        return None
    settings = raw.get("precode") if isinstance(raw, dict) else None
    name = settings.get("seed_corpus") if isinstance(settings, dict) else None
    if not name:
        return None
    where = codebook.source or "codebook"
    if not isinstance(name, str):
        raise InputError("precode.seed_corpus must be a folder name", path=where, location="precode.seed_corpus")
    for folder in (BUNDLED / name, Path(codebook.source).parent / name if codebook.source else None):
        if folder is not None and (folder / "interviews").is_dir():
            return folder
    raise InputError(f"seed corpus '{name}' not found", path=where, location="precode.seed_corpus",
                     expected=f"a corpus bundled in {BUNDLED} or a folder next to the codebook")


_PROJECTS: dict[tuple[str, str], object] = {}
SEED_PREFIX = "seed:"


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
    from duocode.store import Project
    from duocode.store.cases import list_cases

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
    from duocode.precode.labels import Labels

    by_variable = dict(labels.by_variable)
    source = dict(labels.source)
    for v in short:
        by_variable[v] = {**seed_labels.cases(v), **labels.cases(v)}
        source[v] = {**seed_labels.source.get(v, {}), **labels.source.get(v, {})}
    return {**seed_feats, **feats}, Labels(by_variable, source, labels.humans)
