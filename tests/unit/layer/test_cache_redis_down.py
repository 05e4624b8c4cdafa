"""Redis refused, silent or stopped mid-run: reads are served by the loader, quickly, and the cache's
breaker stops trying Redis."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from localcloud.redisd import start_embedded
from shop.cache import REDIS_BREAKER, TieredCache
from shop.redis_client import create_redis
from shop.resilience import CircuitBreaker


@pytest.fixture
def silent_redis_url() -> Iterator[str]:
    """A port that accepts connections and never answers (a hung or overloaded Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def read_many(cache: TieredCache, n: int) -> float:
    started = time.monotonic()
    for i in range(n):
        assert cache.get_or_load(f"p{i}", lambda i=i: {"id": i}) == {"id": i}
    return time.monotonic() - started


def test_refused_connection_falls_through_to_the_loader(closed_port_url: str) -> None:
    cache = TieredCache("product", create_redis(closed_port_url))
    assert read_many(cache, 50) < 0.5
    assert cache.counters["miss"] == 50
    assert cache.counters["redis_errors"] <= 5  # then the breaker skips Redis
    assert cache.breaker.state().state == "open"


def test_silent_redis_costs_a_few_timeouts_then_is_skipped(silent_redis_url: str) -> None:
    client = create_redis(silent_redis_url, connect_timeout=0.05, socket_timeout=0.05)
    cache = TieredCache("product", client)
    elapsed = read_many(cache, 50)
    assert cache.counters["redis_errors"] <= 5
    assert elapsed < 5 * 0.05 * 2 + 0.3  # a handful of timeouts, not one per Redis command
    assert cache.breaker.state().state == "open"


def test_l1_still_serves_hits_while_redis_is_down(closed_port_url: str) -> None:
    cache = TieredCache("product", create_redis(closed_port_url))
    calls = []
    for _ in range(5):
        cache.get_or_load("p1", lambda: calls.append(1) or {"id": 1})
    assert len(calls) == 1 and cache.counters["l1_hit"] == 4


def test_redis_stopped_mid_run_keeps_reads_served_and_recovers_without_restart() -> None:
    server = start_embedded()
    port = int(server.url.rsplit(":", 1)[1].split("/")[0])
    breaker = CircuitBreaker("redis:product", config=replace(REDIS_BREAKER, open_duration=0.2))
    try:
        client = create_redis(server.url, socket_timeout=0.2)
        cache = TieredCache("product", client, l1_ttl=0.05, breaker=breaker)
        cache.get_or_load("p0", lambda: {"id": 0})  # six successful Redis commands in the window
        assert client.exists("cache:product:v0:p0")
        server.stop()
        time.sleep(0.06)  # L1 expired: reads must go to Redis or the loader
        assert read_many(cache, 30) < 0.5
        assert 1 <= cache.counters["redis_errors"] <= 8
        assert breaker.state().state == "open"
        server = start_embedded(port=port)  # Redis is back (empty)
        time.sleep(0.25)  # the breaker lets a trial command through after its open duration
        read_many(cache, 3)
        assert breaker.state().state == "closed"
        assert client.exists("cache:product:v0:p2")  # L2 is written again
    finally:
        server.stop()


def test_environment_client_is_shared_lazy_and_fails_fast(monkeypatch: pytest.MonkeyPatch, closed_port_url: str) -> None:
    import redis as redis_module
    from shop.redis_client import redis_client, reset_redis_clients

    reset_redis_clients()
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert redis_client() is None  # no Redis configured: callers run without L2
    monkeypatch.setenv("REDIS_URL", closed_port_url)
    client = redis_client()  # no connection yet: creating it costs nothing at cold start
    assert client is redis_client()
    started = time.monotonic()
    with pytest.raises(redis_module.ConnectionError):
        client.ping()
    assert time.monotonic() - started < 0.1  # redis-py's default 10 retries with backoff are off
    reset_redis_clients()
