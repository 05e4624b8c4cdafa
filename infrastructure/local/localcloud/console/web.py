"""The console over HTTP, on the AWS port next to the control API it extends:

GET /_localcloud/console/                 the console (frontend/dist-console, built by make)
GET /_localcloud/state-machines           the stack's state machines and their definitions
GET /_localcloud/executions?limit=50      recent executions, newest first
GET /_localcloud/executions/<name|arn>    one execution: what each state did, on its machine's definition
GET /_localcloud/events?orderId=&after=&limit=&type=   events put on the buses, newest first
GET /_localcloud/breakers                 the shared circuit breakers and their state in Redis
GET /_localcloud/metrics                  embedded metrics per function; cache reads per level
GET /_localcloud/emails?mentioning=       emails SES sent
GET /_localcloud/dlqs                     dead-letter queues and their depth
GET /_localcloud/dlqs/<queue>/messages    a look at what sits in one (received with visibility 0)
GET /_localcloud/orders/<orderId>         one order everywhere: its execution, its events, its emails
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from localcloud.console.service import Console

PREFIX = "/_localcloud/"
CONSOLE_PATH = "console"
CONSOLE_FILES = Path(__file__).resolve().parents[4] / "frontend" / "dist-console"  # built by `make frontend`


class ConsoleApp:
    """WSGI: answers the console's routes, None for any other path (the control API goes on)."""

    def __init__(self, console: Console, files: Path | None) -> None:
        self.console = console
        self.files = files

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        route = path[len(PREFIX):]
        if route == CONSOLE_PATH or route.startswith(CONSOLE_PATH + "/"):
            return self._file(route[len(CONSOLE_PATH):].lstrip("/"), path, start_response)
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            answer = self._data(route.strip("/").split("/"), query)
        except Exception as error:  # noqa: BLE001 - a console read must answer JSON, never take the endpoint down
            answer = "500 Internal Server Error", {"error": f"{type(error).__name__}: {error}"}
        if answer is None:
            return None
        status, body = answer
        data = json.dumps(body, default=str).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store")])
        return [data]

    def _data(self, parts: list[str], query: dict[str, str]) -> tuple[str, Any] | None:
        c = self.console
        parts = [unquote(p) for p in parts]
        head, rest = parts[0], parts[1:]
        if head == "state-machines" and not rest:
            return "200 OK", {"items": c.state_machines()}
        if head == "executions" and not rest:
            return "200 OK", {"items": c.executions(_int(query.get("limit"), 50))}
        if head == "executions" and len(rest) == 1:
            found = c.execution(rest[0])
            return ("200 OK", found) if found else ("404 Not Found", {"error": f"no execution {rest[0]}"})
        if head == "events" and not rest:
            return "200 OK", c.bus_events(order_id=query.get("orderId") or None, after=_int(query.get("after"), 0),
                                          limit=_int(query.get("limit"), 200), detail_type=query.get("type") or None)
        if head == "breakers" and not rest:
            return "200 OK", {"items": c.breakers()}
        if head == "metrics" and not rest:
            return "200 OK", c.embedded_metrics()
        if head == "emails" and not rest:
            return "200 OK", {"items": c.emails(query.get("mentioning") or None)}
        if head == "dlqs" and not rest:
            return "200 OK", {"items": c.dead_letter_queues()}
        if head == "dlqs" and len(rest) == 2 and rest[1] == "messages":
            found = c.dead_letters(rest[0], _int(query.get("limit"), 10))
            return ("200 OK", {"items": found}) if found is not None else ("404 Not Found", {"error": f"no DLQ {rest[0]}"})
        if head == "orders" and len(rest) == 1:
            return "200 OK", c.order(rest[0])
        return None

    def _file(self, name: str, path: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not name and not path.endswith("/"):  # relative asset paths need the trailing slash
            start_response("301 Moved Permanently", [("Location", path + "/"), ("Content-Length", "0")])
            return [b""]
        root = self.files
        if root is None or not (root / "index.html").is_file():
            message = b"The console is not built: run `make local` (or `npm ci && npm run build` in frontend/).\n"
            start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Content-Length", str(len(message)))])
            return [message]
        target = (root / (unquote(name) or "index.html")).resolve()
        if not target.is_file() or root.resolve() not in target.parents:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "10")])
            return [b"not found\n"]
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        cache = "no-cache" if target.name == "index.html" else "public, max-age=31536000, immutable"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data))), ("Cache-Control", cache)])
        return [data]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
