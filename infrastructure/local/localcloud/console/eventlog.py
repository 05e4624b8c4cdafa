"""What went on the buses: every PutEvents entry moto accepted, with the rules it matched.

moto keeps no record of events (only rule targets receive them), so the local cloud wraps
`EventsBackend.put_events` (moto 5.2.5, private API: covered by tests/integration/localcloud) and
keeps the most recent entries in memory for the console (`GET /_localcloud/events`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from typing import Any

from moto.events.models import EventsBackend

DEFAULT_CAPACITY = 5000


def order_id_of(detail: Any) -> str | None:
    """The order an event is about: the envelope's data.orderId (or a bare detail.orderId)."""
    if not isinstance(detail, dict):
        return None
    data = detail.get("data")
    for source in (data if isinstance(data, dict) else {}, detail):
        value = source.get("orderId")
        if isinstance(value, str):
            return value
    return None


class EventLog:
    """A bounded, thread-safe log of bus events, newest last; each has a `seq` to page from."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = itertools.count(1)

    def record(self, *, event_id: str, bus: str, source: str, detail_type: str, detail: Any,
               resources: list[str], at: float, rules: list[str]) -> None:
        with self._lock:
            self._entries.append({
                "seq": next(self._seq), "id": event_id, "bus": bus, "source": source, "detailType": detail_type,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at * 1000) % 1000:03d}Z",
                "orderId": order_id_of(detail), "rules": rules, "resources": resources, "detail": detail,
            })

    def entries(self, *, order_id: str | None = None, after: int = 0, limit: int = 200,
                detail_type: str | None = None) -> list[dict[str, Any]]:
        """The newest `limit` entries with seq > `after` (optionally about one order / of one type), newest first."""
        with self._lock:
            found = [e for e in self._entries if e["seq"] > after
                     and (order_id is None or e["orderId"] == order_id)
                     and (detail_type is None or e["detailType"] == detail_type)]
        return list(reversed(found[-limit:])) if limit > 0 else []

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_original: Any = None


def install(log: EventLog) -> None:
    """Record every event put on any bus of the in-process moto into `log`."""
    global _original
    uninstall()
    original = EventsBackend.put_events

    def put_events(self: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries = original(self, events)
        for event, entry in zip(events, entries, strict=False):
            if "EventId" in entry:
                _record(self, log, event, entry["EventId"])
        return entries

    _original = original
    EventsBackend.put_events = put_events  # type: ignore[method-assign]


def uninstall() -> None:
    global _original
    if _original is not None:
        EventsBackend.put_events = _original  # type: ignore[method-assign]
        _original = None


def _record(backend: EventsBackend, log: EventLog, event: dict[str, Any], event_id: str) -> None:
    try:
        detail = json.loads(event["Detail"])
    except (KeyError, ValueError):
        detail = event.get("Detail")
    at = event.get("Time")
    at = at.timestamp() if hasattr(at, "timestamp") else float(at) if isinstance(at, int | float) else time.time()
    bus_name = event.get("EventBusName") or "default"
    message = {"version": "0", "id": event_id, "detail-type": event.get("DetailType"), "source": event.get("Source"),
               "account": backend.account_id, "time": at, "region": backend.region_name,
               "resources": event.get("Resources", []), "detail": detail}
    rules: list[str] = []
    try:
        bus = backend.describe_event_bus(backend._normalize_event_bus_arn(event.get("EventBusName")))  # noqa: SLF001
        bus_name = bus.name
        for rule in bus.rules.values():
            if rule.state == "ENABLED" and not rule.scheduled_expression and rule.event_pattern.get_pattern() \
                    and rule.event_pattern.matches_event(message):
                rules.append(rule.name)
    except Exception:  # noqa: BLE001 - the log is an observer: never fail the caller's PutEvents
        pass
    log.record(event_id=event_id, bus=bus_name, source=str(event.get("Source")), detail_type=str(event.get("DetailType")),
               detail=detail, resources=list(event.get("Resources", [])), at=at, rules=sorted(rules))
