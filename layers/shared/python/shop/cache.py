"""Tiered read-through cache: L1 in the execution environment, L2 in Redis, the loader behind both.

    cache = TieredCache(namespace="product", redis=redis_client(), l1_ttl=5, l2_ttl=300)
    product = cache.get_or_load(product_id, lambda: table.get(product_id))

- L1: a bounded TTL dict per environment (cachetools), guarded by a lock.
- L2: one Redis key per entry holding "fresh-until|tombstone|json"; the key itself lives
  `stale_ttl` (longer than `l2_ttl`) so that an expired entry can still be served while one
  environment reloads it (stale-while-revalidate) or when the loader fails (stale-if-error).
- Stampede protection: on a miss, one caller across all environments takes a short Redis lock
  (SET NX PX with a token, released by a compare-and-delete Lua script: redis-py's Lock) and runs
  the loader; the others serve the stale copy if there is one, else poll L2 until it appears.
- Negative caching: a loader returning None stores a tombstone for `negative_ttl`.
- Invalidation: `invalidate(key)` deletes the entry in L2 and in this environment's L1;
  `bump_version()` moves the whole namespace to a new version. Every L2 key includes the
  namespace's version, which each environment remembers for at most `l1_ttl`, and L1 entries are
  keyed by version: after a bump no environment serves an old value longer than `l1_ttl`.
- Redis down or slow: short timeouts, a local circuit breaker skips Redis after a few failures,
  and reads fall through to the loader. Counters (l1_hit, l2_hit, miss, stale_served,
  load_errors, redis_errors) are kept on the object and sent to `on_metric(name, 1)`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from cachetools import TTLCache

from shop.resilience.breaker import BreakerConfig, CircuitBreaker, CircuitOpenError

if TYPE_CHECKING:
    import redis

M = TypeVar("M")

METRIC_NAMES = ("l1_hit", "l2_hit", "miss", "stale_served", "load_errors", "redis_errors")
MetricCallback = Callable[[str, int], None]

# Redis as a cache dependency: judge early, retry soon (the loader carries the load meanwhile).
REDIS_BREAKER = BreakerConfig(sliding_window_size=20, minimum_calls=5, failure_rate_threshold=50.0,
                              open_duration=5.0, half_open_calls=1, half_open_max_wait=2.0)


@dataclass(frozen=True)
class _Entry:
    raw: str  # the value as JSON text: every read decodes its own copy, so callers cannot corrupt it
    fresh_until: float  # epoch seconds (shared across environments)
    missing: bool = False  # a tombstone: the loader found nothing

    @property
    def value(self) -> Any:
        return json.loads(self.raw)

    def encode(self) -> str:
        return f"{self.fresh_until:.3f}|{int(self.missing)}|{self.raw}"

    @classmethod
    def decode(cls, text: str | bytes) -> _Entry:
        if isinstance(text, bytes):
            text = text.decode()
        fresh_until, missing, raw = text.split("|", 2)
        return cls(raw, float(fresh_until), missing == "1")


class TieredCache:
    def __init__(
        self,
        namespace: str,
        redis: redis.Redis | None = None,
        *,
        l1_ttl: float = 5.0,
        l2_ttl: float = 300.0,
        l1_maxsize: int = 1024,
        stale_ttl: float | None = None,
        negative_ttl: float = 30.0,
        lock_ttl: float = 5.0,
        lock_wait: float = 2.0,
        poll_interval: float = 0.02,
        key_prefix: str = "cache",
        on_metric: MetricCallback | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.namespace = namespace
        self.redis = redis
        self.l1_ttl = l1_ttl
        self.l2_ttl = l2_ttl
        self.stale_ttl = stale_ttl if stale_ttl is not None else max(l2_ttl * 2, l2_ttl + 60)
        self.negative_ttl = negative_ttl
        self.lock_ttl = lock_ttl
        self.lock_wait = lock_wait
        self.poll_interval = poll_interval
        self.key_prefix = key_prefix
        self.on_metric = on_metric
        self.counters: Counter[str] = Counter({name: 0 for name in METRIC_NAMES})
        self.breaker = breaker or CircuitBreaker(f"redis:{namespace}", config=REDIS_BREAKER)
        self._l1: TTLCache[Any, Any] = TTLCache(maxsize=l1_maxsize, ttl=l1_ttl)
        self._l1_lock = threading.Lock()
        self._redis_errors: tuple[type[BaseException], ...] = (OSError, CircuitOpenError)
        if redis is not None:
            import redis as redis_module  # noqa: PLC0415 - only when a client was given (cold start)

            self._redis_errors += (redis_module.RedisError,)

    # ------------------------------------------------------------------------- public API

    def get_or_load(
        self,
        key: str,
        loader: Callable[[], Any],
        *,
        ttl: float | None = None,
        model: type[M] | None = None,
    ) -> Any:
        """The cached value of `key`, loading it with `loader()` on a miss (None is cached as a miss).

        Values are JSON data; a pydantic model returned by the loader is stored as its JSON form,
        and `model=Product` turns the cached data back into one.
        """
        ttl = self.l2_ttl if ttl is None else ttl
        version = self._version()
        entry = self._l1_get((version, key))
        if entry is not None:
            self._count("l1_hit")
            return _as_model(entry.value, model)
        entry = self._l2_get(version, key)
        now = time.time()
        if entry is not None and entry.fresh_until > now:
            self._count("l2_hit")
            self._l1_put((version, key), entry)
            return _as_model(entry.value, model)
        self._count("miss")
        return _as_model(self._load(version, key, loader, ttl, stale=entry), model)

    def put(self, key: str, value: Any, *, ttl: float | None = None) -> None:
        """Write-through after a change this environment made (best effort: Redis errors are absorbed)."""
        ttl = self.l2_ttl if ttl is None else ttl
        version = self._version()
        data = _to_json_data(value)
        entry = _Entry(json.dumps(data, separators=(",", ":")), time.time() + ttl, data is None)
        self._l1_put((version, key), entry)
        if version is not None:
            self._l2_put(version, key, entry, max(self.stale_ttl, ttl))

    def invalidate(self, key: str) -> None:
        """Forget `key` here and in Redis (raises if Redis fails, so an event consumer retries)."""
        with self._l1_lock:
            for l1_key in [k for k in self._l1 if k[1] == key and k[0] != "__version__"]:
                self._l1.pop(l1_key, None)
        if self.redis is not None:  # straight to Redis, past the breaker: this must not silently fail
            version = int(self.redis.get(self._version_key(self.namespace)) or 0)
            self.redis.delete(self._data_key(version, key))

    def bump_version(self, namespace: str | None = None) -> int:
        """Retire every entry of the namespace at once; returns the new version.

        Other environments stop serving old entries within `l1_ttl` (raises if Redis fails).
        """
        if self.redis is None:
            self.clear_local()
            return 0
        new_version = int(self.redis.incr(self._version_key(namespace or self.namespace)))
        if namespace in (None, self.namespace):
            self.clear_local()
        return new_version

    def clear_local(self) -> None:
        """Empty this environment's L1 (tests, benchmarks, or after a local write)."""
        with self._l1_lock:
            self._l1.clear()

    # ------------------------------------------------------------------------- loading

    def _load(self, version: int | None, key: str, loader: Callable[[], Any], ttl: float,
              stale: _Entry | None) -> Any:
        if version is None:  # Redis unusable: no cross-environment lock; the loader carries the read
            return self._run_loader(None, key, loader, ttl, stale)
        lock = self._lock(version, key)
        deadline = time.monotonic() + self.lock_wait
        while True:
            locked = self._try_lock(lock)
            if locked is None:  # Redis failed mid-way: serve from the loader rather than wait
                return self._run_loader(None, key, loader, ttl, stale)
            if locked:
                try:
                    # another caller may have filled L2 between our miss and our lock
                    entry = self._l2_get(version, key)
                    if entry is not None and entry.fresh_until > time.time():
                        self._l1_put((version, key), entry)
                        return entry.value
                    return self._run_loader(version, key, loader, ttl, stale)
                finally:
                    self._unlock(lock)
            if stale is not None:
                self._count("stale_served")
                return stale.value
            if time.monotonic() >= deadline:  # the holder is too slow: availability over protection
                return self._run_loader(version, key, loader, ttl, None)
            time.sleep(self.poll_interval)
            entry = self._l2_get(version, key)
            if entry is not None and entry.fresh_until > time.time():
                self._l1_put((version, key), entry)
                return entry.value
            if self._redis_skipped():
                return self._run_loader(None, key, loader, ttl, None)

    def _run_loader(self, version: int | None, key: str, loader: Callable[[], Any], ttl: float,
                    stale: _Entry | None) -> Any:
        try:
            value = loader()
        except Exception:
            self._count("load_errors")
            if stale is not None:  # stale-if-error: an old answer beats an error page
                self._count("stale_served")
                return stale.value
            raise
        value = _to_json_data(value)
        missing = value is None
        raw = json.dumps(value, separators=(",", ":"))
        entry = _Entry(raw, time.time() + (self.negative_ttl if missing else ttl), missing)
        self._l1_put((version, key), entry)
        if version is not None:
            self._l2_put(version, key, entry, self.negative_ttl if missing else max(self.stale_ttl, ttl))
        return value

    # ------------------------------------------------------------------------- L1

    def _l1_get(self, l1_key: tuple[Any, str]) -> _Entry | None:
        if self.l1_ttl <= 0:
            return None  # L1 off: read-your-writes across functions (L2 is invalidated on change)
        with self._l1_lock:
            entry = self._l1.get(l1_key)
        if entry is not None and entry.fresh_until <= time.time():
            return None  # the entry's own TTL (a short ttl= or a tombstone) ends before L1's
        return entry

    def _l1_put(self, l1_key: tuple[Any, str], entry: _Entry) -> None:
        if self.l1_ttl <= 0:
            return
        with self._l1_lock:
            self._l1[l1_key] = entry

    # ------------------------------------------------------------------------- L2 (Redis)

    def _version_key(self, namespace: str) -> str:
        return f"{self.key_prefix}:{namespace}:version"

    def _data_key(self, version: int, key: str) -> str:
        return f"{self.key_prefix}:{self.namespace}:v{version}:{key}"

    def _version(self) -> int | None:
        """The namespace's version: from L1 (at most l1_ttl old), else Redis; None when Redis is unusable."""
        if self.redis is None:
            return None
        l1_key = ("__version__", self.namespace)
        with self._l1_lock:
            version = self._l1.get(l1_key) if self.l1_ttl > 0 else None
        if version is not None:
            return version
        raw = self._redis(self.redis.get, self._version_key(self.namespace))
        if raw is _FAILED:
            return None
        version = int(raw or 0)
        with self._l1_lock:
            self._l1[l1_key] = version
        return version

    def _l2_get(self, version: int | None, key: str) -> _Entry | None:
        if version is None or self.redis is None:
            return None
        raw = self._redis(self.redis.get, self._data_key(version, key))
        if raw is _FAILED or raw is None:
            return None
        try:
            return _Entry.decode(raw)
        except (ValueError, UnicodeDecodeError):
            return None  # not ours or corrupt: treat as a miss and overwrite it

    def _l2_put(self, version: int, key: str, entry: _Entry, keep_for: float) -> None:
        assert self.redis is not None  # noqa: S101 - for the type checker: callers check first
        self._redis(self.redis.set, self._data_key(version, key), entry.encode(), px=max(1, int(keep_for * 1000)))

    def _lock(self, version: int, key: str) -> Any:
        assert self.redis is not None  # noqa: S101 - for the type checker: callers check first
        return self.redis.lock(f"{self._data_key(version, key)}:lock", timeout=self.lock_ttl,
                               blocking=False, thread_local=False)

    def _try_lock(self, lock: Any) -> bool | None:
        """True: ours; False: another caller holds it; None: Redis did not answer."""
        acquired = self._redis(lock.acquire, blocking=False)
        return None if acquired is _FAILED else bool(acquired)

    def _unlock(self, lock: Any) -> None:
        from redis.exceptions import LockError  # noqa: PLC0415 - loaded already when a lock exists

        def release() -> bool:
            try:
                lock.release()
                return True
            except LockError:  # it expired (a loader slower than lock_ttl): not a Redis failure
                return False

        self._redis(release)

    def _redis(self, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one Redis command through the breaker; _FAILED when Redis is down, slow or skipped."""
        try:
            return self.breaker.call(op, *args, **kwargs)
        except self._redis_errors as exc:
            if not isinstance(exc, CircuitOpenError):
                self._count("redis_errors")
            return _FAILED

    def _redis_skipped(self) -> bool:
        return self.breaker.state().state == "open"

    def _count(self, name: str) -> None:
        self.counters[name] += 1
        if self.on_metric is not None:
            self.on_metric(name, 1)


_FAILED = object()  # sentinel: the Redis command did not complete


def _to_json_data(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)  # pydantic models, without importing pydantic here
    return dump(mode="json") if callable(dump) else value


def _as_model(value: Any, model: type[M] | None) -> Any:
    if model is None or value is None:
        return value
    return model.model_validate(value)  # type: ignore[attr-defined]


def powertools_metrics_callback(metrics: Any, prefix: str = "Cache") -> MetricCallback:
    """An `on_metric` that adds each count to a Powertools Metrics object (flushed by log_metrics)."""
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415 - only functions that use it

    def add(name: str, value: int) -> None:
        metrics.add_metric(name=f"{prefix}{''.join(p.title() for p in name.split('_'))}",
                           unit=MetricUnit.Count, value=value)

    return add


class PassThroughCache:
    """The TieredCache's interface with no caching at all: every read runs the loader. What a
    function uses with CACHE_ENABLED=false (the benchmarks' "initial" configuration)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.counters: Counter[str] = Counter({name: 0 for name in METRIC_NAMES})

    def get_or_load(self, key: str, loader: Callable[[], Any], *, ttl: float | None = None,
                    model: type[M] | None = None) -> Any:
        self.counters["miss"] += 1
        return _as_model(_to_json_data(loader()), model)

    def put(self, key: str, value: Any, *, ttl: float | None = None) -> None:
        pass

    def invalidate(self, key: str) -> None:
        pass

    def bump_version(self, namespace: str | None = None) -> int:
        return 0

    def clear_local(self) -> None:
        pass


def cache_for(namespace: str, **options: Any) -> TieredCache | PassThroughCache:
    """The cache a function uses: a TieredCache on the environment's Redis client, or no cache at
    all when CACHE_ENABLED is false (the same code measured with and without the technique)."""
    import os  # noqa: PLC0415

    if os.environ.get("CACHE_ENABLED", "true").strip().lower() in ("false", "0", "no", "off"):
        return PassThroughCache(namespace)
    from shop.observability import get_metrics  # noqa: PLC0415
    from shop.redis_client import redis_client  # noqa: PLC0415 - redis import only for functions that read

    # hits and misses per level as EMF metrics (CacheL1Hit, CacheMiss, ...), flushed by @instrument
    options.setdefault("on_metric", powertools_metrics_callback(get_metrics()))
    return TieredCache(namespace, redis=redis_client(), **options)
