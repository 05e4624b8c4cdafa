"""Background work of the local cloud (asynchronous invocations, EventBridge deliveries, retries
with delays) on a thread pool, counted so that `drain()` can wait until everything is delivered."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

log = logging.getLogger("localcloud")


class Poller(Protocol):
    """A source that is polled in the background (DynamoDB streams, SQS)."""

    name: str
    polls: int  # completed polls (monotonic)
    empty_polls: int  # consecutive polls that found nothing; 0 while work is in hand

    def poke(self) -> None: ...


class Dispatcher:
    def __init__(self, max_workers: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="localcloud-async")
        self._pending = 0
        self._idle = threading.Condition()
        self._timers: set[threading.Timer] = set()
        self._closed = False
        self.pollers: list[Poller] = []

    def submit(self, work: Callable[..., Any], *args: Any, delay: float = 0.0) -> None:
        """Run `work(*args)` in the background, after `delay` seconds; drain() waits for it."""
        with self._idle:
            if self._closed:
                return
            self._pending += 1
        if delay > 0:
            timer = threading.Timer(delay, self._start, (work, args))
            timer.daemon = True
            with self._idle:
                self._timers.add(timer)
            timer.start()
        else:
            self._start(work, args)

    def _start(self, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
        with self._idle:
            self._timers = {t for t in self._timers if t.is_alive() and t is not threading.current_thread()}
        try:
            self._pool.submit(self._run, work, args)
        except RuntimeError:  # shut down meanwhile
            self._done()

    def _run(self, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            work(*args)
        except Exception:  # background work must never take the dispatcher down
            log.exception("background delivery failed")
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    @property
    def pending(self) -> int:
        with self._idle:
            return self._pending

    def drain(self, timeout: float = 30.0) -> bool:
        """Block until no background work is pending and every poller has come back empty since."""
        deadline = time.monotonic() + timeout
        while True:
            with self._idle:
                while self._pending:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._idle.wait(remaining)
            marks = {id(p): p.polls for p in self.pollers}
            for poller in self.pollers:
                poller.poke()
            # each poller must complete a whole poll that started after this point and found nothing
            while any(p.polls < marks[id(p)] + 2 or p.empty_polls < 1 for p in self.pollers):
                if time.monotonic() > deadline:
                    return False
                for poller in self.pollers:
                    poller.poke()
                time.sleep(0.005)
            if self.pending == 0:
                return True

    def close(self) -> None:
        with self._idle:
            self._closed = True
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
