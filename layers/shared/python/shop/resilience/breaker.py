"""Circuit breaker with resilience4j's semantics, its state shared by every environment through Redis.

Closed: outcomes go into a count-based sliding window; once it holds `minimum_calls` outcomes and
the failure rate (or slow-call rate) reaches its threshold, the breaker opens. Open: calls fail
fast with CircuitOpenError for `open_duration`. Half-open: exactly `half_open_calls` trial calls
are admitted (across all environments); when all have reported, the breaker closes if their
failure and slow rates are under the thresholds, else opens again.

Each transition bumps an epoch; an outcome reported under an older epoch (a call admitted before
the breaker changed state) is ignored, so late results never skew the new state's window.

The window, counters, state and half-open permits live in one Redis hash and list, changed only
by Lua scripts (atomic across environments, timed by the Redis clock). While Redis cannot be
reached, each environment falls back to an in-memory breaker with the same rules.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from shop.errors import ServiceUnavailable

if TYPE_CHECKING:
    import redis

T = TypeVar("T")
_log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
_FAILED, _SLOW = 1, 2  # outcome bits stored in the window


class CircuitOpenError(ServiceUnavailable):
    """The breaker is open (or half-open with no trial permit left): the call was not made.

    The class name is part of the contract: the checkout saga's Catch matches "CircuitOpenError".
    An expected outcome (a ShopError, 503): logged as a warning with its code, never as an ERROR.
    """

    code = "CIRCUIT_OPEN"

    def __init__(self, name: str, state: str, retry_after: float = 0.0) -> None:
        super().__init__(
            f"circuit {name!r} is {state}; retry after {retry_after:.2f}s",
            details={"circuit": name, "state": state, "retryAfter": round(retry_after, 2)},
        )
        self.name = name
        self.state = state
        self.retry_after = retry_after


@dataclass(frozen=True)
class BreakerConfig:
    """Thresholds and durations; the defaults follow the platform's design (resilience4j's names).

    `minimum_calls` is 20 rather than resilience4j's 100, so that a low-traffic function reacts
    after ~10 failures instead of 50; the window still holds the last 100 calls.
    """

    failure_rate_threshold: float = 50.0  # percent of recorded calls that failed
    slow_call_rate_threshold: float = 100.0  # percent of recorded calls slower than slow_call_duration
    slow_call_duration: float = 60.0  # seconds
    sliding_window_size: int = 100  # calls
    minimum_calls: int = 20  # calls in the window before the rates are judged
    open_duration: float = 10.0  # seconds open before trial calls are let through
    half_open_calls: int = 5  # trial calls admitted in half-open
    half_open_max_wait: float = 30.0  # seconds half-open may wait for trial results (0: forever)
    record_exceptions: tuple[type[BaseException], ...] = (Exception,)  # count as failures
    ignore_exceptions: tuple[type[BaseException], ...] = ()  # count as nothing (business errors)
    redis_retry_interval: float = 5.0  # after a Redis error, use the local breaker this long
    key_prefix: str = "cb"
    key_ttl: float = 86400.0  # idle breakers disappear from Redis


@dataclass(frozen=True)
class BreakerState:
    """What `CircuitBreaker.state()` reports (for logs, metrics and the health route)."""

    name: str
    state: str
    backend: str  # "redis" or "memory"
    calls: int
    failures: int
    slow_calls: int

    @property
    def failure_rate(self) -> float:
        return 100.0 * self.failures / self.calls if self.calls else 0.0

    @property
    def slow_call_rate(self) -> float:
        return 100.0 * self.slow_calls / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class _Permit:
    backend: str
    epoch: int


# ----------------------------------------------------------------------------- shared (Redis) state

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h, w = KEYS[1], KEYS[2]
local st = redis.call('HGET', h, 'state') or 'closed'
local epoch = tonumber(redis.call('HGET', h, 'epoch') or '0')
local function trip()
  epoch = epoch + 1
  st = 'open'
  redis.call('HSET', h, 'state', st, 'epoch', epoch, 'since', now, 'calls', 0, 'fail', 0, 'slow', 0)
  redis.call('DEL', w)
end
"""

# ARGV: open_ms, half_open_calls, half_open_max_wait_ms, ttl_ms -> {admitted, state, epoch, retry_after_ms}
_ACQUIRE = _NOW + """
local open_ms, permits, max_wait_ms, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
if st == 'open' then
  local waited = now - tonumber(redis.call('HGET', h, 'since'))
  if waited < open_ms then return {0, st, epoch, open_ms - waited} end
  epoch = epoch + 1
  st = 'half_open'
  redis.call('HSET', h, 'state', st, 'epoch', epoch, 'since', now,
             'ho_left', permits, 'ho_calls', 0, 'ho_fail', 0, 'ho_slow', 0)
  redis.call('PEXPIRE', h, ttl)
end
if st == 'half_open' then
  if tonumber(redis.call('HGET', h, 'ho_left')) > 0 then
    redis.call('HINCRBY', h, 'ho_left', -1)
    return {1, st, epoch, 0}
  end
  if max_wait_ms > 0 and now - tonumber(redis.call('HGET', h, 'since')) >= max_wait_ms then
    trip()
    redis.call('PEXPIRE', h, ttl)
    return {0, st, epoch, open_ms}
  end
  return {0, st, epoch, 0}
end
return {1, st, epoch, 0}
"""

# ARGV: epoch, outcome bits, window, minimum_calls, failure_thr, slow_thr, half_open_calls, ttl_ms
_RECORD = _NOW + """
if tonumber(ARGV[1]) ~= epoch then return {st, epoch} end
local outcome = tonumber(ARGV[2])
local failed, slow = outcome % 2, math.floor(outcome / 2)
local size, min_calls = tonumber(ARGV[3]), tonumber(ARGV[4])
local fail_thr, slow_thr, permits, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
if st == 'closed' then
  redis.call('LPUSH', w, outcome)
  local calls = redis.call('HINCRBY', h, 'calls', 1)
  local fails = redis.call('HINCRBY', h, 'fail', failed)
  local slows = redis.call('HINCRBY', h, 'slow', slow)
  if calls > size then
    local old = tonumber(redis.call('RPOP', w))
    calls = redis.call('HINCRBY', h, 'calls', -1)
    fails = redis.call('HINCRBY', h, 'fail', 0 - old % 2)
    slows = redis.call('HINCRBY', h, 'slow', 0 - math.floor(old / 2))
  end
  if calls >= min_calls and (fails * 100 >= fail_thr * calls or slows * 100 >= slow_thr * calls) then
    trip()
  end
elseif st == 'half_open' then
  local calls = redis.call('HINCRBY', h, 'ho_calls', 1)
  local fails = redis.call('HINCRBY', h, 'ho_fail', failed)
  local slows = redis.call('HINCRBY', h, 'ho_slow', slow)
  if calls >= permits then
    if fails * 100 >= fail_thr * calls or slows * 100 >= slow_thr * calls then
      trip()
    else
      epoch = epoch + 1
      st = 'closed'
      redis.call('HSET', h, 'state', st, 'epoch', epoch, 'since', now, 'calls', 0, 'fail', 0, 'slow', 0)
      redis.call('DEL', w)
    end
  end
end
redis.call('PEXPIRE', h, ttl)
if redis.call('EXISTS', w) == 1 then redis.call('PEXPIRE', w, ttl) end
return {st, epoch}
"""

# ARGV: epoch. A half-open permit whose call ended in an ignored exception goes back to the pool.
_RELEASE = _NOW + """
if tonumber(ARGV[1]) == epoch and st == 'half_open' then redis.call('HINCRBY', h, 'ho_left', 1) end
return 1
"""


class _RedisWindow:
    def __init__(self, client: redis.Redis, name: str, config: BreakerConfig) -> None:
        self.client = client
        self.config = config
        tag = f"{config.key_prefix}:{{{name}}}"  # one hash slot for both keys (cluster mode)
        self.keys = [f"{tag}:state", f"{tag}:window"]
        self._acquire = client.register_script(_ACQUIRE)
        self._record = client.register_script(_RECORD)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> tuple[bool, str, int, float]:
        c = self.config
        admitted, state, epoch, retry_ms = self._acquire(
            keys=self.keys,
            args=[int(c.open_duration * 1000), c.half_open_calls, int(c.half_open_max_wait * 1000),
                  int(c.key_ttl * 1000)],
        )
        return bool(admitted), _text(state), int(epoch), int(retry_ms) / 1000.0

    def record(self, epoch: int, outcome: int) -> None:
        c = self.config
        self._record(keys=self.keys, args=[
            epoch, outcome, c.sliding_window_size, c.minimum_calls, c.failure_rate_threshold,
            c.slow_call_rate_threshold, c.half_open_calls, int(c.key_ttl * 1000),
        ])

    def release(self, epoch: int) -> None:
        self._release(keys=self.keys, args=[epoch])

    def snapshot(self) -> tuple[str, int, int, int]:
        fields = {_text(k): _text(v) for k, v in self.client.hgetall(self.keys[0]).items()}
        state = fields.get("state", CLOSED)
        prefix = "ho_" if state == HALF_OPEN else ""
        return (state, int(fields.get(f"{prefix}calls", 0)), int(fields.get(f"{prefix}fail", 0)),
                int(fields.get(f"{prefix}slow", 0)))

    def reset(self) -> None:
        self.client.delete(*self.keys)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# ----------------------------------------------------------------------------- local (memory) state

class _MemoryWindow:
    """The same rules as the Lua scripts, for one environment (used while Redis is unreachable)."""

    def __init__(self, config: BreakerConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.state, self.epoch, self.since = CLOSED, 0, self.clock()
        self.window: deque[int] = deque()
        self.calls = self.fails = self.slows = 0
        self.half_open_left = 0

    def _enter(self, state: str) -> None:
        self.state, self.epoch, self.since = state, self.epoch + 1, self.clock()
        self.window.clear()
        self.calls = self.fails = self.slows = 0
        self.half_open_left = self.config.half_open_calls if state == HALF_OPEN else 0

    def _tripped(self) -> bool:
        c = self.config
        return (self.fails * 100 >= c.failure_rate_threshold * self.calls
                or self.slows * 100 >= c.slow_call_rate_threshold * self.calls)

    def acquire(self) -> tuple[bool, str, int, float]:
        c = self.config
        with self.lock:
            if self.state == OPEN:
                waited = self.clock() - self.since
                if waited < c.open_duration:
                    return False, OPEN, self.epoch, c.open_duration - waited
                self._enter(HALF_OPEN)
            if self.state == HALF_OPEN:
                if self.half_open_left > 0:
                    self.half_open_left -= 1
                    return True, HALF_OPEN, self.epoch, 0.0
                if c.half_open_max_wait > 0 and self.clock() - self.since >= c.half_open_max_wait:
                    self._enter(OPEN)
                    return False, OPEN, self.epoch, c.open_duration
                return False, HALF_OPEN, self.epoch, 0.0
            return True, CLOSED, self.epoch, 0.0

    def record(self, epoch: int, outcome: int) -> None:
        c = self.config
        with self.lock:
            if epoch != self.epoch or self.state == OPEN:
                return
            self.calls += 1
            self.fails += outcome & _FAILED
            self.slows += (outcome & _SLOW) >> 1
            if self.state == CLOSED:
                self.window.append(outcome)
                if len(self.window) > c.sliding_window_size:
                    old = self.window.popleft()
                    self.calls -= 1
                    self.fails -= old & _FAILED
                    self.slows -= (old & _SLOW) >> 1
                if self.calls >= c.minimum_calls and self._tripped():
                    self._enter(OPEN)
            elif self.calls >= c.half_open_calls:
                self._enter(OPEN if self._tripped() else CLOSED)

    def release(self, epoch: int) -> None:
        with self.lock:
            if epoch == self.epoch and self.state == HALF_OPEN:
                self.half_open_left += 1

    def snapshot(self) -> tuple[str, int, int, int]:
        with self.lock:
            return self.state, self.calls, self.fails, self.slows


# ----------------------------------------------------------------------------- the breaker

class CircuitBreaker:
    """`CircuitBreaker("payment-provider", redis=client, config=BreakerConfig(...))`.

    Use `breaker.call(fn, *args)`, `@breaker` on a function, or `with breaker.guard(): ...`.
    With `redis=None` the breaker is local to the environment.
    """

    def __init__(
        self,
        name: str,
        *,
        redis: redis.Redis | None = None,
        config: BreakerConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.config = config or BreakerConfig()
        self._clock = clock
        self._shared = _RedisWindow(redis, name, self.config) if redis is not None else None
        self._local = _MemoryWindow(self.config, clock)
        self._redis_down_until = 0.0
        self._redis_errors: tuple[type[BaseException], ...] = (OSError,)
        if redis is not None:
            import redis as redis_module  # noqa: PLC0415 - only when a client was given (cold start)

            self._redis_errors += (redis_module.RedisError,)

    # -- public API

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        with self.guard():
            return fn(*args, **kwargs)

    def __call__(self, fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(fn, *args, **kwargs)

        return guarded

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Raises CircuitOpenError before the block runs when the breaker rejects the call."""
        permit = self._acquire()
        started = time.monotonic()
        try:
            yield
        except BaseException as exc:
            if isinstance(exc, self.config.ignore_exceptions) or not isinstance(exc, Exception):
                self._release(permit)
            else:
                failed = isinstance(exc, self.config.record_exceptions)
                self._record(permit, failed, time.monotonic() - started)
            raise
        self._record(permit, False, time.monotonic() - started)

    def state(self) -> BreakerState:
        window, backend = self._window()
        try:
            state, calls, fails, slows = window.snapshot()
        except self._redis_errors as exc:
            self._mark_redis_down(exc)
            backend = "memory"
            state, calls, fails, slows = self._local.snapshot()
        return BreakerState(self.name, state, backend, calls, fails, slows)

    def reset(self) -> None:
        """Back to closed with an empty window (operators and tests)."""
        self._local.reset()
        if self._shared is not None:
            self._shared.reset()

    # -- internals

    def _window(self) -> tuple[_RedisWindow | _MemoryWindow, str]:
        if self._shared is not None and self._clock() >= self._redis_down_until:
            return self._shared, "redis"
        return self._local, "memory"

    def _mark_redis_down(self, exc: BaseException) -> None:
        _log.warning("circuit %r: Redis unusable (%s: %s); using the local breaker for %.1fs",
                     self.name, type(exc).__name__, exc, self.config.redis_retry_interval)
        self._redis_down_until = self._clock() + self.config.redis_retry_interval

    def _acquire(self) -> _Permit:
        window, backend = self._window()
        try:
            admitted, state, epoch, retry_after = window.acquire()
        except self._redis_errors as exc:
            self._mark_redis_down(exc)
            backend = "memory"
            admitted, state, epoch, retry_after = self._local.acquire()
        if not admitted:
            raise CircuitOpenError(self.name, state, retry_after)
        return _Permit(backend, epoch)

    def _backend(self, permit: _Permit) -> _RedisWindow | _MemoryWindow:
        return self._shared if permit.backend == "redis" and self._shared is not None else self._local

    def _record(self, permit: _Permit, failed: bool, duration: float) -> None:
        outcome = (_FAILED if failed else 0) | (_SLOW if duration > self.config.slow_call_duration else 0)
        try:
            self._backend(permit).record(permit.epoch, outcome)
        except self._redis_errors as exc:  # the outcome is lost; the next calls use the local breaker
            self._mark_redis_down(exc)

    def _release(self, permit: _Permit) -> None:
        try:
            self._backend(permit).release(permit.epoch)
        except self._redis_errors as exc:
            self._mark_redis_down(exc)

