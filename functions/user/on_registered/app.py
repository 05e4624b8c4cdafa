"""UsersTable stream -> UserRegistered on the bus (welcome email and the like subscribe to it)."""

from __future__ import annotations

from typing import Any

from shop.events import EventPublisher, make_event
from shop.observability import instrument
from shop.users.registrations import user_registered

publisher = EventPublisher()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    registered = [data for record in event.get("Records", []) if (data := user_registered(record))]
    if registered:
        publisher.publish([make_event(data) for data in registered])
    return {"published": len(registered)}
