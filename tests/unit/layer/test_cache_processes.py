"""Stampede protection across processes (execution environments) sharing one Redis."""

from __future__ import annotations

import multiprocessing as mp
import time

import redis
from shop.cache import TieredCache
from shop.redis_client import create_redis

FORK = mp.get_context("fork")


def _environment(url: str, start: mp.Event, results: mp.Queue) -> None:
    client = create_redis(url, socket_timeout=1.0)
    cache = TieredCache("product", client, l1_ttl=5, l2_ttl=60, lock_wait=3.0)

    def load_from_table() -> dict:
        client.incr("loader-calls")  # counted in Redis: visible across processes
        time.sleep(0.3)
        return {"sku": "hot-1", "price": 42}

    start.wait(5)
    value = cache.get_or_load("hot-1", load_from_table)
    results.put((value, dict(cache.counters)))


def test_cold_key_read_by_many_processes_at_once_is_loaded_once(redis_db: redis.Redis, redis_url: str) -> None:
    start, results = FORK.Event(), FORK.Queue()
    processes = [FORK.Process(target=_environment, args=(redis_url, start, results)) for _ in range(6)]
    for process in processes:
        process.start()
    start.set()
    outcomes = [results.get(timeout=20) for _ in processes]
    for process in processes:
        process.join(5)
        assert process.exitcode == 0
    assert int(redis_db.get("loader-calls")) == 1
    assert all(value == {"sku": "hot-1", "price": 42} for value, _ in outcomes)
    assert sum(counters["load_errors"] + counters["redis_errors"] for _, counters in outcomes) == 0
