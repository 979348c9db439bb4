"""Running independent pieces of work side by side, in forked worker processes (the pre-coder's fits, span
agreement's documents).

Fitting one calibrated classifier per variable (``suggest``) and per variable and fold (``evaluate``) is many
small scikit-learn fits whose time goes mostly to Python code around the solvers, which holds the interpreter
lock: threads measured no faster on a 2-core machine. Processes are: a forked worker starts in milliseconds and
inherits the parent's data (features, vocabularies, the lexicon) without copying or pickling it; only each piece's
result comes back, pickled.

Results come back in the order of the inputs, and every piece is computed from the same inherited state with its
own seed, so the output is byte-identical whatever the number of workers (``tests/test_workers.py``).
Workers never touch the project database: the pieces are pure functions of data already read.

``DUOCODE_WORKERS`` sets the number of processes (1 runs everything in the calling process, as do platforms
without ``fork``: forking is the only start method that inherits the data for free); the default is the number of
cores this process may use, at most 4. Each piece runs with BLAS and OpenMP on one thread (see
:func:`_one_thread`), in a worker or in the calling process alike.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_DEFAULT_WORKERS = 4

_TASK: Callable | None = None      # the function the forked workers run (inherited, never pickled)
_ITEMS: Sequence | None = None
_PARENT: int | None = None          # the process that forked the workers


def in_worker() -> bool:
    """Whether this code runs in a forked worker process (which must not write to the project: it shares the
    parent's database connection)."""
    return _TASK is not None and os.getpid() != _PARENT


def workers() -> int:
    """How many processes pre-coding uses (``DUOCODE_WORKERS``, else the usable cores, at most 4)."""
    value = os.environ.get("DUOCODE_WORKERS", "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cores))


def batches(n: int, most: int = 16) -> list[range]:
    """``range(n)`` in about four pieces per worker (so that one slow piece does not hold the others up), at most
    ``most`` items in one (results come back, and memory is freed, piece by piece)."""
    size = max(1, min(most, -(-n // (4 * workers()))))
    return [range(a, min(n, a + size)) for a in range(0, n, size)]


def parallel_items(function: Callable[[T], R], items: Sequence[T], *, most: int = 16,
                   done: Callable[[int], None] | None = None) -> list[R]:
    """``[function(x) for x in items]`` like :func:`parallel_map`, with the items sent to the workers in
    :func:`batches` of at most ``most`` (one piece of work per item is too fine: each result travels back
    alone). ``done(n)``: called with 0 first, then as the first n items are done."""
    from itertools import accumulate

    items = list(items)
    pieces = batches(len(items), most)
    finished = list(accumulate(len(p) for p in pieces))
    report = done or (lambda n: None)
    report(0)
    out: list[R] = []
    for chunk in parallel_map(lambda piece: [function(items[i]) for i in piece], pieces,
                              done=lambda k: report(finished[k - 1])):
        out.extend(chunk)
    return out


def _can_fork() -> bool:
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _one_thread():
    """BLAS and OpenMP limited to one thread: no oversubscription with one worker per core, no deadlock on a
    thread pool a forked child inherited, and the same sums in the same order whatever the number of workers
    or cores (a multi-threaded BLAS adds in another order: confidences moved in the third decimal)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def _start_worker() -> None:
    _one_thread()


def _run(index: int):
    return _TASK(_ITEMS[index])


def parallel_map(function: Callable[[T], R], items: Sequence[T], *,
                 done: Callable[[int], None] | None = None) -> list[R]:
    """``[function(x) for x in items]``, computed by up to :func:`workers` forked processes; an exception in any
    item is raised here, as the list comprehension would. ``function`` may be a closure: it is inherited by the
    workers, not pickled; its results must pickle. ``done(k)``: called as the first k results are in."""
    global _TASK, _ITEMS, _PARENT
    items = list(items)
    n = min(workers(), len(items))
    tick = done or (lambda k: None)
    if _TASK is not None:   # a nested call, in a worker: run in it
        return [function(x) for x in items]
    if n <= 1 or not _can_fork():
        out = []
        with _one_thread():
            for x in items:
                out.append(function(x))
                tick(len(out))
        return out
    import multiprocessing
    import warnings
    from concurrent.futures import ProcessPoolExecutor

    _TASK, _ITEMS, _PARENT = function, items, os.getpid()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a process with threads (BLAS's, here) "may lead to deadlocks"; the
            # workers run no code that waits on those threads (OpenMP limited to one thread, see _start_worker)
            warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                                    category=DeprecationWarning)
            pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                                      initializer=_start_worker)
            out = []
            with pool:
                for result in pool.map(_run, range(len(items))):
                    out.append(result)
                    tick(len(out))
            return out
    finally:
        _TASK, _ITEMS = None, None
