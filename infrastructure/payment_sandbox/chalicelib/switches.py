"""The fault and latency switches tests and benchmarks flip through `/_sandbox/config`."""

from __future__ import annotations

import random
import threading
from typing import Any

from .models import Switches


class SwitchBoard:
    """The current switches, changed atomically (failNext counts down once per call, across threads)."""

    def __init__(self, initial: Switches) -> None:
        self._initial = initial
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._current = self._initial.model_copy()
            self._random = random.Random(self._current.seed)  # noqa: S311 - simulated faults, repeatable by seed

    @property
    def current(self) -> Switches:
        with self._lock:
            return self._current

    def update(self, changes: dict[str, Any]) -> Switches:
        """Merge `changes` (wire names) onto the current switches; raises pydantic's ValidationError."""
        with self._lock:
            merged = Switches.model_validate({**self._current.model_dump(by_alias=True), **changes})
            if merged.seed != self._current.seed or "seed" in changes:
                self._random = random.Random(merged.seed)  # noqa: S311 - simulated faults, repeatable by seed
            self._current = merged
            return merged

    def set_defaults(self, changes: dict[str, Any]) -> Switches:
        """Merge `changes` into the start values too, so that a reset keeps them (webhook settings
        given by whoever started the sandbox); raises pydantic's ValidationError."""
        with self._lock:
            self._initial = Switches.model_validate({**self._initial.model_dump(by_alias=True), **changes})
            self._current = Switches.model_validate({**self._current.model_dump(by_alias=True), **changes})
            return self._current

    def delay_seconds(self) -> float:
        with self._lock:
            switches = self._current
            jitter = self._random.uniform(0, switches.latency_jitter_ms) if switches.latency_jitter_ms else 0.0
        return (switches.latency_ms + jitter) / 1000.0

    def injected_fault(self) -> str | None:
        """Why this call must fail with a 503 before doing anything, or None."""
        with self._lock:
            switches = self._current
            if switches.outage:
                return "outage"
            if switches.fail_next > 0:
                self._current = switches.model_copy(update={"fail_next": switches.fail_next - 1})
                return "fail_next"
            if switches.error_rate and self._random.random() < switches.error_rate:
                return "error_rate"
            return None
