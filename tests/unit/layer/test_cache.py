"""Tiered cache against a real Redis: read-through, stampede lock, stale copies, tombstones, versions."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import pytest
import redis
from pydantic import BaseModel
from shop.cache import REDIS_BREAKER, TieredCache
from shop.resilience import CircuitBreaker


class CountingLoader:
    """A loader that counts its calls and returns what `produce(n)` gives for the n-th call."""

    def __init__(self, produce: Callable[[int], object] = lambda n: {"name": "lamp", "load": n},
                 delay: float = 0.0) -> None:
        self.produce = produce
        self.delay = delay
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay)
        return self.produce(n)


@pytest.fixture
def make_cache(redis_db: redis.Redis):
    """A new TieredCache is a new execution environment (its own L1) on the shared Redis."""

    def make(**options) -> TieredCache:
        return TieredCache("product", redis_db, **{"l1_ttl": 5.0, "l2_ttl": 60.0, **options})

    return make


def test_second_read_is_an_l1_hit_without_calling_the_loader(make_cache) -> None:
    cache, loader = make_cache(), CountingLoader()
    first = cache.get_or_load("p1", loader)
    assert cache.get_or_load("p1", loader) == first == {"name": "lamp", "load": 1}
    assert loader.calls == 1
    assert (cache.counters["miss"], cache.counters["l1_hit"]) == (1, 1)


def test_another_environment_reads_the_value_from_redis(make_cache) -> None:
    loader = CountingLoader()
    make_cache().get_or_load("p1", loader)
    other = make_cache()
    assert other.get_or_load("p1", loader) == {"name": "lamp", "load": 1}
    assert loader.calls == 1
    assert other.counters["l2_hit"] == 1 and other.counters["miss"] == 0


def test_entry_is_reloaded_after_its_ttl(make_cache) -> None:
    cache, loader = make_cache(l1_ttl=0.1), CountingLoader()
    cache.get_or_load("p1", loader, ttl=0.15)
    time.sleep(0.2)
    assert cache.get_or_load("p1", loader, ttl=0.15)["load"] == 2


def test_concurrent_cold_reads_run_the_loader_once(make_cache) -> None:
    loader = CountingLoader(delay=0.2)
    environments = [make_cache() for _ in range(16)]
    results: list[object] = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.get_or_load("hot", loader)))
               for c in environments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loader.calls == 1
    assert results == [{"name": "lamp", "load": 1}] * 16


def test_stale_copy_is_served_while_one_environment_reloads(make_cache) -> None:
    loader = CountingLoader(delay=0.3)
    reloader, reader = make_cache(l1_ttl=0.05), make_cache(l1_ttl=0.05)
    reloader.get_or_load("p1", loader, ttl=0.1)  # load 1 (takes 0.3 s)
    time.sleep(0.15)  # fresh for 0.1 s; the stale copy stays in Redis
    background = threading.Thread(target=reloader.get_or_load, args=("p1", loader), kwargs={"ttl": 0.1})
    background.start()
    time.sleep(0.05)  # the reloader holds the lock and runs load 2
    started = time.monotonic()
    assert reader.get_or_load("p1", loader, ttl=0.1)["load"] == 1
    assert time.monotonic() - started < 0.1  # no waiting for the reload
    assert reader.counters["stale_served"] == 1
    background.join()
    assert loader.calls == 2
    assert make_cache().get_or_load("p1", loader)["load"] == 2


def test_stale_copy_is_served_when_the_loader_fails(make_cache) -> None:
    def produce(n: int) -> object:
        if n > 1:
            raise ConnectionError("table unavailable")
        return {"load": n}

    cache = make_cache(l1_ttl=0.05)
    loader = CountingLoader(produce)
    cache.get_or_load("p1", loader, ttl=0.1)
    time.sleep(0.15)
    assert cache.get_or_load("p1", loader, ttl=0.1) == {"load": 1}
    assert cache.counters["load_errors"] == 1 and cache.counters["stale_served"] == 1
    with pytest.raises(ConnectionError):  # nothing stale to fall back on
        cache.get_or_load("p2", loader)


def test_a_missing_item_is_cached_as_a_tombstone_for_the_negative_ttl(make_cache) -> None:
    loader = CountingLoader(lambda n: None)
    first, second = make_cache(negative_ttl=0.3), make_cache(negative_ttl=0.3)
    assert first.get_or_load("gone", loader) is None
    assert first.get_or_load("gone", loader) is None  # L1
    assert second.get_or_load("gone", loader) is None  # L2
    assert loader.calls == 1
    time.sleep(0.35)
    assert second.get_or_load("gone", loader) is None
    assert loader.calls == 2


def test_invalidate_removes_the_key_from_redis_and_local_memory(make_cache, redis_db: redis.Redis) -> None:
    loader = CountingLoader()
    cache = make_cache()
    cache.get_or_load("p1", loader)
    cache.get_or_load("p2", loader)
    cache.invalidate("p1")
    assert cache.get_or_load("p1", loader)["load"] == 3  # reloaded here
    assert make_cache().get_or_load("p2", loader)["load"] == 2  # other keys untouched
    assert loader.calls == 3


def test_version_bump_stops_every_environment_serving_old_values_within_l1_ttl(make_cache) -> None:
    l1_ttl = 0.3
    current = {"price": 10}
    loader = CountingLoader(lambda n: dict(current))
    reader, writer = make_cache(l1_ttl=l1_ttl), make_cache(l1_ttl=l1_ttl)
    # the reader keeps reading, so its L1 keeps being refilled from Redis with the old value
    deadline = time.monotonic() + 0.25
    while time.monotonic() < deadline:
        assert reader.get_or_load("p1", loader) == {"price": 10}
        time.sleep(0.01)
    current["price"] = 12
    bumped_at = time.monotonic()
    writer.bump_version()
    assert writer.get_or_load("p1", loader) == {"price": 12}  # the bumping environment at once
    while reader.get_or_load("p1", loader) != {"price": 12}:
        assert time.monotonic() - bumped_at < l1_ttl + 0.05, "old value served longer than the L1 TTL"
        time.sleep(0.01)
    assert loader.calls == 2


def test_metrics_are_counted_and_sent_to_the_callback(make_cache) -> None:
    sent: list[tuple[str, int]] = []
    cache = make_cache(on_metric=lambda name, value: sent.append((name, value)))
    cache.get_or_load("p1", CountingLoader())
    cache.get_or_load("p1", CountingLoader())
    with pytest.raises(ValueError):
        cache.get_or_load("p2", CountingLoader(lambda n: (_ for _ in ()).throw(ValueError("bad"))))
    assert sent == [("miss", 1), ("l1_hit", 1), ("miss", 1), ("load_errors", 1)]
    assert dict(cache.counters) == {"l1_hit": 1, "l2_hit": 0, "miss": 2, "stale_served": 0,
                                    "load_errors": 1, "redis_errors": 0}


class Product(BaseModel):
    product_id: str
    price: float


def test_pydantic_models_round_trip_through_both_levels(make_cache) -> None:
    loader = CountingLoader(lambda n: Product(product_id="p1", price=9.5))
    assert make_cache().get_or_load("p1", loader, model=Product) == Product(product_id="p1", price=9.5)
    assert make_cache().get_or_load("p1", loader, model=Product) == Product(product_id="p1", price=9.5)
    assert make_cache().get_or_load("p1", loader) == {"product_id": "p1", "price": 9.5}
    assert loader.calls == 1


def test_returned_values_cannot_corrupt_the_cache(make_cache) -> None:
    cache = make_cache()
    cache.get_or_load("p1", CountingLoader())["name"] = "mutated by a caller"
    assert cache.get_or_load("p1", CountingLoader())["name"] == "lamp"


def test_put_writes_through_to_other_environments(make_cache) -> None:
    make_cache().put("p1", {"price": 15})
    loader = CountingLoader()
    assert make_cache().get_or_load("p1", loader) == {"price": 15}
    assert loader.calls == 0


def test_powertools_callback_emits_cache_counts_as_emf_metrics(make_cache) -> None:
    from aws_lambda_powertools import Metrics
    from shop.cache import powertools_metrics_callback

    metrics = Metrics(namespace="Shop", service="catalog")
    cache = make_cache(on_metric=powertools_metrics_callback(metrics))
    cache.get_or_load("p1", CountingLoader())
    cache.get_or_load("p1", CountingLoader())
    emf = metrics.serialize_metric_set()
    assert emf["CacheMiss"] == [1.0] and emf["CacheL1Hit"] == [1.0]
    metrics.clear_metrics()


def test_invalidate_reaches_redis_even_when_this_environment_skips_it(make_cache, redis_db: redis.Redis) -> None:
    loader = CountingLoader()
    make_cache().get_or_load("p1", loader)
    breaker = CircuitBreaker("redis:product", config=REDIS_BREAKER)
    cache = make_cache(breaker=breaker)
    for _ in range(5):  # five Redis errors seen here: this environment's reads now skip Redis
        with contextlib.suppress(ConnectionError):
            breaker.call(lambda: (_ for _ in ()).throw(ConnectionError("redis timeout")))
    assert breaker.state().state == "open"
    cache.invalidate("p1")
    assert not redis_db.exists("cache:product:v0:p1")
    assert make_cache().get_or_load("p1", loader)["load"] == 2
