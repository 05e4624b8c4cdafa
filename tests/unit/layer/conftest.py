"""Fixtures of the shared layer's tests.

Part A (cache, sharding, resilience): a real Redis on a DB index of its own, flushed before every
test. It is the one at REDIS_URL when that is set and answers; otherwise a redis-server started for
the session (milliseconds), so that test runs in parallel (several engineers, CI jobs) never flush
each other's data on a shared 127.0.0.1:6379.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from localcloud.redisd import RedisHandle, ensure_redis, start_embedded
from shop.redis_client import create_redis

LAYER_TEST_DB = 11  # the layer tests' own DB index: flushing it never touches other data


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisHandle]:
    url = os.environ.get("REDIS_URL")
    handle = ensure_redis(url) if url else start_embedded()
    yield handle
    handle.stop()  # stops only a server this session started


@pytest.fixture
def redis_url(redis_server: RedisHandle) -> str:
    return redis_server.url.rsplit("/", 1)[0] + f"/{LAYER_TEST_DB}"


@pytest.fixture
def redis_db(redis_url: str) -> Iterator[redis.Redis]:
    """A client with the layer's short timeouts on an empty DB."""
    client = create_redis(redis_url, connect_timeout=1.0, socket_timeout=1.0)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def closed_port_url() -> str:
    """A Redis URL where nothing listens (connection refused at once)."""
    from localcloud.redisd import free_port

    return f"redis://127.0.0.1:{free_port()}/0"
