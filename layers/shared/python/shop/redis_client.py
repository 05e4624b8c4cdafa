"""One Redis client per execution environment, created on first use from REDIS_URL.

Timeouts are short and redis-py's built-in retries are off: a cache or a breaker that waits
seconds for a sick Redis is worse than no cache at all, so callers fall back instead of waiting.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # redis costs ~125 ms to import: only functions that use it pay for it
    import redis

DEFAULT_CONNECT_TIMEOUT = 0.2
DEFAULT_SOCKET_TIMEOUT = 0.2

_clients: dict[tuple[str, float, float], redis.Redis] = {}
_clients_lock = threading.Lock()


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def create_redis(
    url: str,
    *,
    connect_timeout: float | None = None,
    socket_timeout: float | None = None,
) -> redis.Redis:
    """A new client for `url` with short timeouts and no retries (connects lazily, on first command)."""
    import redis  # noqa: PLC0415 - lazy on purpose (cold start)
    from redis.backoff import NoBackoff  # noqa: PLC0415
    from redis.retry import Retry  # noqa: PLC0415

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=connect_timeout or _env_seconds("REDIS_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        socket_timeout=socket_timeout or _env_seconds("REDIS_SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT),
        # redis-py 6+ retries 10 times with backoff by default: that turns "Redis is down" into seconds.
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
        health_check_interval=30,
    )


def redis_client(
    url: str | None = None,
    *,
    connect_timeout: float | None = None,
    socket_timeout: float | None = None,
) -> redis.Redis | None:
    """The environment's shared client for `url` (default: REDIS_URL), or None when no URL is configured."""
    url = url or os.environ.get("REDIS_URL")
    if not url:
        return None
    key = (url, connect_timeout or 0.0, socket_timeout or 0.0)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = create_redis(url, connect_timeout=connect_timeout, socket_timeout=socket_timeout)
                _clients[key] = client
    return client


def reset_redis_clients() -> None:
    """Forget the cached clients (tests, or after REDIS_URL changes)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
