"""Running independent pieces of pre-coding work side by side.

The pre-coder's heavy steps (fitting one logistic regression per variable and fold, embedding, TF-IDF) spend
most of their time in compiled code that releases Python's interpreter lock (liblinear, scipy's sparse products,
numpy), so threads use a machine's cores without copying the data into other processes. Results come back in
the order of the inputs, and every piece of work is seeded on its own, so the figures do not depend on how many
workers ran or in which order they finished.

``DUOCODE_WORKERS`` sets the number of threads (1 runs everything in the calling thread); the default is the
number of cores, at most 4.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_DEFAULT_WORKERS = 4


def workers() -> int:
    """How many threads pre-coding uses (``DUOCODE_WORKERS``, else the cores, at most 4)."""
    value = os.environ.get("DUOCODE_WORKERS", "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def parallel_map(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[function(x) for x in items]``, computed by up to :func:`workers` threads; an exception in any item is
    raised here, as the list comprehension would."""
    items = list(items)
    n = min(workers(), len(items))
    if n <= 1:
        return [function(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="duocode-precode") as pool:
        return list(pool.map(function, items))
