"""The control API under /_localcloud/ on the AWS port: WSGI middleware in front of moto.

GET  /_localcloud/health                  ready + what runs
GET  /_localcloud/functions               per-function counters and environments
POST /_localcloud/schedules/<rule>/run    fire a scheduled rule now
POST /_localcloud/drain?timeout=30        block until async work, deliveries and pollers are idle
POST /_localcloud/counters/reset          zero the per-function counters
GET  /_localcloud/iam                     per role: grants, what was used; refusals (IAM enforcement)
POST /_localcloud/iam/reset               forget what was used so far (what does one flow use?)
(and the operations console's routes, localcloud.console.web, through `extension`)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol
from urllib.parse import parse_qs

PREFIX = "/_localcloud/"
# requests after which a poller may have work: DynamoDB writes (streams) and SQS sends (queues)
READS = ("Get", "Query", "Scan", "Describe", "List", "BatchGet")
WAKING_TARGETS = ("DynamoDB_20120810.", "AmazonSQS.Send", "AWSEvents.PutEvents", "AmazonSQS.ChangeMessageVisibility")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ControlTarget(Protocol):
    """What the control API asks of the running local cloud (localcloud.cloud.LocalCloud)."""

    def health(self) -> dict[str, Any]: ...
    def function_stats(self) -> dict[str, Any]: ...
    def run_schedule(self, rule: str) -> bool: ...
    def drain(self, timeout: float) -> bool: ...
    def reset_counters(self) -> None: ...
    def iam_usage(self) -> dict[str, Any]: ...
    def reset_iam_usage(self) -> None: ...


class ControlMiddleware:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.target: ControlTarget | None = None  # set once the stack is up; until then: starting
        self.on_write: Callable[[], None] | None = None  # wakes the pollers after a write
        # more routes under the prefix (the console): a WSGI app that answers None for paths not its own
        self.extension: Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes] | None] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            response = self.app(environ, start_response)
            if self.on_write is not None and _may_feed_a_poller(environ.get("HTTP_X_AMZ_TARGET", "")):
                self.on_write()
            return response
        if self.extension is not None and self.target is not None:
            answer = self.extension(environ, start_response)
            if answer is not None:
                return answer
        status, body = self._handle(environ["REQUEST_METHOD"], path[len(PREFIX):].strip("/"),
                                    parse_qs(environ.get("QUERY_STRING", "")))
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _handle(self, method: str, route: str, query: dict[str, list[str]]) -> tuple[str, Any]:
        target = self.target
        if route == "health" and method == "GET":
            if target is None:
                return "503 Service Unavailable", {"ready": False}
            return "200 OK", target.health()
        if target is None:
            return "503 Service Unavailable", {"error": "the local cloud is starting"}
        if route == "functions" and method == "GET":
            return "200 OK", target.function_stats()
        if route == "drain" and method == "POST":
            timeout = float(query.get("timeout", ["30"])[0])
            drained = target.drain(timeout)
            return ("200 OK" if drained else "504 Gateway Timeout"), {"drained": drained}
        if route == "iam" and method == "GET":
            return "200 OK", target.iam_usage()
        if route == "iam/reset" and method == "POST":
            target.reset_iam_usage()
            return "200 OK", {"reset": True}
        if route == "counters/reset" and method == "POST":
            target.reset_counters()
            return "200 OK", {"reset": True}
        parts = route.split("/")
        if len(parts) == 3 and parts[0] == "schedules" and parts[2] == "run" and method == "POST":
            if target.run_schedule(parts[1]):
                return "202 Accepted", {"fired": parts[1]}
            return "404 Not Found", {"error": f"no scheduled rule {parts[1]}"}
        return "404 Not Found", {"error": f"no control route {method} /_localcloud/{route}"}


def _may_feed_a_poller(target: str) -> bool:
    if not target.startswith(WAKING_TARGETS):
        return False
    operation = target.split(".", 1)[1]
    return not operation.startswith(READS)
