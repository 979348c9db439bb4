"""The worker processes: same results, in the same order, whatever the number of workers."""
import os
import sys

import pytest

from duocode.workers import parallel_items, parallel_map, workers

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")


def test_workers_follow_the_environment(monkeypatch):
    monkeypatch.setenv("DUOCODE_WORKERS", "3")
    assert workers() == 3
    monkeypatch.setenv("DUOCODE_WORKERS", "zero")   # not a number: the default, at least one
    assert 1 <= workers() <= 4


@linux_only
def test_results_come_back_in_order_from_other_processes(monkeypatch):
    monkeypatch.setenv("DUOCODE_WORKERS", "2")
    offset = 100   # a closure: inherited by the forked workers, never pickled
    out = parallel_map(lambda x: (x + offset, os.getpid()), list(range(12)))
    assert [v for v, _pid in out] == list(range(100, 112))
    assert os.getpid() not in {pid for _v, pid in out}


def test_one_worker_runs_in_this_process(monkeypatch):
    monkeypatch.setenv("DUOCODE_WORKERS", "1")
    assert {pid for pid in parallel_map(lambda _x: os.getpid(), range(4))} == {os.getpid()}


@linux_only
def test_an_error_in_a_worker_is_raised_here(monkeypatch):
    monkeypatch.setenv("DUOCODE_WORKERS", "2")

    def boom(x):
        if x == 3:
            raise ValueError("item 3 is bad")
        return x

    with pytest.raises(ValueError, match="item 3 is bad"):
        parallel_map(boom, range(6))


@linux_only
def test_a_nested_call_runs_inside_the_worker(monkeypatch):
    monkeypatch.setenv("DUOCODE_WORKERS", "2")
    out = parallel_map(lambda x: parallel_map(lambda y: (y, os.getpid()), [x, x]), [1, 2])
    for inner in out:
        assert inner[0][1] == inner[1][1] != os.getpid()


@pytest.mark.parametrize("n", ["1", "2"])
def test_items_in_batches_come_back_flat_in_order_and_report_how_many_are_done(monkeypatch, n):
    monkeypatch.setenv("DUOCODE_WORKERS", n)
    seen: list[int] = []
    out = parallel_items(lambda x: x * x, range(37), most=5, done=seen.append)
    assert out == [x * x for x in range(37)]
    assert seen[0] == 0 and seen[-1] == 37 and seen == sorted(seen) and all(k % 5 == 0 for k in seen[:-1])
