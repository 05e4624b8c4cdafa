"""Several processes (execution environments) share one breaker through Redis."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import threading
import time

import redis
from shop.redis_client import create_redis
from shop.resilience import BreakerConfig, CircuitBreaker, CircuitOpenError

CONFIG = BreakerConfig(sliding_window_size=10, minimum_calls=10, open_duration=0.4, half_open_calls=5)
FORK = mp.get_context("fork")  # fast start; each child opens its own Redis connection


def _failing_environment(url: str, start: mp.Event, results: mp.Queue) -> None:
    client = create_redis(url, socket_timeout=1.0)
    breaker = CircuitBreaker("provider", redis=client, config=CONFIG)
    start.wait(5)
    rejected = 0
    for _ in range(10):
        try:
            breaker.call(lambda: client.incr("executed") and (_ for _ in ()).throw(ConnectionError("down")))
        except ConnectionError:
            pass
        except CircuitOpenError:
            rejected += 1
    try:
        breaker.call(lambda: client.incr("executed"))
        sees_open = False
    except CircuitOpenError:
        sees_open = True
    results.put((rejected, sees_open, breaker.state().state))


def _trial_environment(url: str, start: mp.Event, results: mp.Queue) -> None:
    client = create_redis(url, socket_timeout=1.0)
    breaker = CircuitBreaker("provider", redis=client, config=CONFIG)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            breaker.call(lambda: client.incr("trials") and time.sleep(0.5))
            outcomes.append("admitted")
        except CircuitOpenError:
            outcomes.append("rejected")

    start.wait(5)
    # four concurrent attempts per process: all land while the admitted trials still run (0.5 s)
    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((outcomes.count("admitted"), outcomes.count("rejected")))


def _run(target, url: str, n: int) -> list:
    start, results = FORK.Event(), FORK.Queue()
    processes = [FORK.Process(target=target, args=(url, start, results)) for _ in range(n)]
    for process in processes:
        process.start()
    start.set()
    out = [results.get(timeout=20) for _ in processes]
    for process in processes:
        process.join(5)
        assert process.exitcode == 0
    return out


def test_processes_see_one_breaker_open_after_the_failures(redis_db: redis.Redis, redis_url: str) -> None:
    results = _run(_failing_environment, redis_url, 4)
    executed = int(redis_db.get("executed"))
    # one shared window of 10 calls; a breaker per process would let all 40 calls through
    assert 10 <= executed <= 10 + 3
    assert sum(rejected for rejected, _, _ in results) == 40 - executed
    assert all(sees_open and state == "open" for _, sees_open, state in results)


def test_half_open_admits_exactly_five_trials_across_processes(redis_db: redis.Redis, redis_url: str) -> None:
    breaker = CircuitBreaker("provider", redis=redis_db, config=CONFIG)
    for _ in range(10):
        with contextlib.suppress(ZeroDivisionError):
            breaker.call(lambda: 1 / 0)
    assert breaker.state().state == "open"
    time.sleep(0.45)  # open duration over: the next callers find it half-open
    results = _run(_trial_environment, redis_url, 4)
    assert int(redis_db.get("trials")) == 5
    assert sum(admitted for admitted, _ in results) == 5
    assert sum(rejected for _, rejected in results) == 16 - 5
    assert breaker.state().state == "closed"  # five successful trials close it
