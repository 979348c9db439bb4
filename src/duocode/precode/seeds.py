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
