"""Passage embeddings: what a passage means, as a vector, offline on the CPU.

The default representation is WordLlama's ``l2_supercat`` static token embeddings at 256 dimensions
(Miller 2024, github.com/dleemiller/WordLlama; the token table was distilled from a large language model's input
embeddings, and a passage is the mean of its tokens' vectors). The weights (16 MB) and the tokenizer ship inside
the ``wordllama`` package from the package index, so nothing is downloaded: the loader is pointed at the
package's own folder and downloads are switched off. Load takes well under a second and embedding runs at tens
of thousands of words per second on one core (``benchmarks/bench_precode.py`` prints the figures), so every
informant sentence of a project can be embedded on each run.

Vectors are L2-normalised, so a dot product is the cosine similarity. Texts already embedded in this process
are not embedded again (a bounded cache keyed by the text), so detect, suggest and evaluate share the work.

numpy and wordllama are imported on first use only; ``import duocode.precode.embed`` stays cheap.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MODEL = "wordllama l2_supercat, 256 dimensions"
DIM = 256
_CACHE_LIMIT = 200_000     # texts kept per process (256 float32 each: ~200 MB at the limit)

_lock = threading.Lock()
_model = None
_cache: dict[str, "np.ndarray"] = {}


def model():
    """The WordLlama model, loaded once per process from the installed package (never from the network)."""
    global _model
    with _lock:
        if _model is None:
            _model = _load()
        return _model


def _load():
    import logging
    from pathlib import Path

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as exc:   # pragma: no cover - a broken install
        raise InputError("the pre-coder's embedding model is not installed (package 'wordllama')",
                         expected="`pip install wordllama` (the README's `make demo` installs it)") from exc
    finally:
        # wordllama calls logging.basicConfig(level=INFO) when imported; leave the host's logging as it was
        for h in root.handlers[:]:
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
    folder = Path(wordllama.__file__).parent   # holds weights/ and tokenizers/
    try:
        return WordLlama.load(dim=DIM, cache_dir=folder, disable_download=True)
    except FileNotFoundError as exc:   # pragma: no cover - a broken install
        raise InputError(f"the embedding model's files are missing from {folder}",
                         expected="a complete install of the 'wordllama' package") from exc


def embed(texts: list[str]) -> "np.ndarray":
    """One L2-normalised row (float32, :data:`DIM` wide) per text; an empty text gets a zero row."""
    import numpy as np

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = sorted({t for t in texts if t.strip() and t not in _cache})
    if todo:
        vectors = model().embed(todo, norm=True, batch_size=256)
        with _lock:
            if len(_cache) + len(todo) > _CACHE_LIMIT:
                _cache.clear()
            for t, v in zip(todo, vectors):
                _cache[t] = np.asarray(v, dtype=np.float32)
    for i, t in enumerate(texts):
        v = _cache.get(t)
        if v is None and t.strip():      # evicted by another thread's batch: embed it on its own
            v = np.asarray(model().embed([t], norm=True)[0], dtype=np.float32)
        if v is not None:
            out[i] = v
    return out
