"""Bulkhead: bounded concurrency for outbound calls inside one execution environment.

A slow dependency can hold at most `max_concurrent` threads of the environment; callers wait up to
`max_wait` seconds for a slot and then fail fast with BulkheadFullError instead of piling up.
(Across environments, reserved concurrency in the template is the bulkhead.)
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class BulkheadFullError(Exception):
    """No slot freed within the bulkhead's max wait: the call was not made."""

    def __init__(self, name: str, max_concurrent: int, max_wait: float) -> None:
        super().__init__(f"bulkhead {name!r} is full ({max_concurrent} in flight, waited {max_wait:.3f}s)")
        self.name = name


class Bulkhead:
    """`Bulkhead("payment-provider", max_concurrent=10, max_wait=0.05)`; `.call(fn, ...)`, `@bulkhead`, `.guard()`."""

    def __init__(self, name: str, *, max_concurrent: int = 10, max_wait: float = 0.0) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.name = name
        self.max_concurrent = max_concurrent
        self.max_wait = max_wait
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._count_lock = threading.Lock()
        self.in_flight = 0
        self.rejected = 0

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        acquired = self._slots.acquire(timeout=self.max_wait) if self.max_wait > 0 else self._slots.acquire(
            blocking=False)
        if not acquired:
            with self._count_lock:
                self.rejected += 1
            raise BulkheadFullError(self.name, self.max_concurrent, self.max_wait)
        with self._count_lock:
            self.in_flight += 1
        try:
            yield
        finally:
            with self._count_lock:
                self.in_flight -= 1
            self._slots.release()

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        with self.guard():
            return fn(*args, **kwargs)

    def __call__(self, fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(fn, *args, **kwargs)

        return guarded
