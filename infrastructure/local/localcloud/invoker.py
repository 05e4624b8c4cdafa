"""The contract between whatever triggers a function (the API gateway, the state machine, event
sources, the Invoke API) and the local execution environments that run it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class InvokeResult:
    payload: Any  # the handler's return value (JSON-decoded), or the error object on failure
    error_type: str | None = None  # None on success; "Sandbox.Timedout", an exception class name, ...
    throttled: bool = False  # reserved concurrency exhausted: TooManyRequestsException / HTTP 429
    duration_ms: float = 0.0
    init_ms: float | None = None  # set on a cold start: the environment's init (imports, module setup)

    @property
    def ok(self) -> bool:
        return self.error_type is None and not self.throttled


class Invoker(Protocol):
    def invoke(self, function_name: str, event: dict[str, Any], *, source: str = "api") -> InvokeResult:
        """Run the function synchronously in one of its execution environments (blocking)."""
        ...
