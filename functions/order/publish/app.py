"""Event store stream -> EventBridge: publish every committed order event (the outbox relay)."""

from __future__ import annotations

from typing import Any

from shop.events import EventPublisher
from shop.observability import instrument
from shop.orders.publishing import envelope_of
from shop.orders.store import stored_event_from_image

publisher = EventPublisher()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = [r for r in event.get("Records", []) if r.get("eventName") == "INSERT"]
    envelopes = []
    for record in records:
        envelope = envelope_of(stored_event_from_image(record["dynamodb"]["NewImage"]))
        if envelope is not None:
            envelopes.append(envelope)
    # At least once: a failure raises and the whole batch comes again with the same event ids.
    publisher.publish(envelopes)
    return {"published": len(envelopes)}
