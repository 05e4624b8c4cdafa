"""Bulkhead: at most N concurrent calls per environment; the rest wait briefly, then fail fast."""

from __future__ import annotations

import threading
import time

import pytest
from shop.resilience import Bulkhead, BulkheadFullError


def wait_until_busy(bulkhead: Bulkhead) -> None:
    deadline = time.monotonic() + 5
    while bulkhead.in_flight == 0:
        assert time.monotonic() < deadline, "the holder never got its slot"
        time.sleep(0.001)


def test_at_most_max_concurrent_calls_run_at_once() -> None:
    bulkhead = Bulkhead("provider", max_concurrent=3, max_wait=2.0)
    running, peak, lock = [0], [0], threading.Lock()

    def call() -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.03)
        with lock:
            running[0] -= 1

    threads = [threading.Thread(target=bulkhead.call, args=(call,)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 3
    assert bulkhead.rejected == 0 and bulkhead.in_flight == 0


def test_caller_beyond_capacity_fails_after_max_wait() -> None:
    bulkhead = Bulkhead("provider", max_concurrent=1, max_wait=0.05)
    release = threading.Event()
    holder = threading.Thread(target=bulkhead.call, args=(release.wait, 5))
    holder.start()
    wait_until_busy(bulkhead)
    started = time.monotonic()
    with pytest.raises(BulkheadFullError):
        bulkhead.call(lambda: pytest.fail("must not run"))
    assert 0.04 <= time.monotonic() - started < 0.5
    release.set()
    holder.join()
    assert bulkhead.call(lambda: "free again") == "free again"
    assert bulkhead.rejected == 1


def test_waiting_caller_gets_the_slot_when_it_frees_in_time() -> None:
    bulkhead = Bulkhead("provider", max_concurrent=1, max_wait=1.0)
    holder = threading.Thread(target=bulkhead.call, args=(time.sleep, 0.05))
    holder.start()
    wait_until_busy(bulkhead)
    assert bulkhead.call(lambda: "waited") == "waited"
    holder.join()


def test_slot_is_released_when_the_call_raises() -> None:
    bulkhead = Bulkhead("provider", max_concurrent=1)

    @bulkhead
    def broken() -> None:
        raise RuntimeError("provider error")

    for _ in range(3):
        with pytest.raises(RuntimeError):
            broken()
    assert bulkhead.in_flight == 0 and bulkhead.rejected == 0
