"""The project's cache of passage embeddings (schema V3): vectors as bytes, keyed by model and the text's SHA-256.

The store knows bytes, not numbers: the pre-coder encodes and decodes the vectors. Reads and writes go in
chunks of :data:`CHUNK` keys (SQLite's statements take at most 32,766 parameters).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from duocode.store._sql import in_clause

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store.project import Project

CHUNK = 5_000


def _chunks(items: list, size: int = CHUNK):
    for a in range(0, len(items), size):
        yield items[a:a + size]


def cached_embedding_keys(project: "Project", model: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` (text SHA-256s) have a vector of ``model`` in the project."""
    out: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        args: list = [model]
        out.update(r[0] for r in project.conn.execute(
            f"SELECT text_sha256 FROM embeddings WHERE model = ? AND {in_clause('text_sha256', chunk, args)}", args))
    return out


def cached_embeddings(project: "Project", model: str, keys: Iterable[str]) -> dict[str, bytes]:
    """text SHA-256 -> the stored vector's bytes, for those of ``keys`` the project holds for ``model``."""
    out: dict[str, bytes] = {}
    for chunk in _chunks(sorted(set(keys))):
        args: list = [model]
        for key, vector in project.conn.execute(
                f"SELECT text_sha256, vector FROM embeddings WHERE model = ? AND "
                f"{in_clause('text_sha256', chunk, args)}", args):
            out[key] = bytes(vector)
    return out


def store_embeddings(project: "Project", model: str, vectors: Iterable[tuple[str, bytes]]) -> int:
    """Add ``(text SHA-256, vector bytes)`` rows of ``model`` (inside a transaction); a key already stored keeps
    its vector. Returns how many rows were offered."""
    project._require_tx()
    rows = [(model, key, vector) for key, vector in vectors]
    for chunk in _chunks(rows):
        project.conn.executemany("INSERT INTO embeddings(model, text_sha256, vector) VALUES (?, ?, ?) "
                                 "ON CONFLICT(model, text_sha256) DO NOTHING", chunk)
    return len(rows)


def count_embeddings(project: "Project", model: str | None = None) -> int:
    """How many vectors the project caches (of ``model``, or of every model)."""
    if model is None:
        return project.conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    return project.conn.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]
