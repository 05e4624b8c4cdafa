"""The event store's events as domain events on the bus: the outbox relay.

Each stored event becomes the envelope of its `shop.events` model, keeping the stored event id, so
a stream batch delivered twice publishes the same ids and consumers drop the duplicates.
Order-internal events with no public model (PaymentVoided) stay in the timeline only, and so do
the reservation events the inventory publishes itself from its own stream (one producer per event).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shop.events import Envelope, UnknownEventType, envelope_model, event_model
from shop.orders.domain import StoredEvent

# Published by the inventory service from its table's stream; recorded here for the timeline.
PUBLISHED_ELSEWHERE = frozenset({"InventoryReserved", "InventoryCommitted", "InventoryReleased"})


def envelope_of(event: StoredEvent) -> Envelope | None:
    """The envelope to publish for a stored event, or None when this service does not publish it."""
    if event.type in PUBLISHED_ELSEWHERE:
        return None
    try:
        model = event_model(event.type)
    except UnknownEventType:
        return None
    data = model.model_validate(event.data)
    return envelope_model(model)(
        event_id=event.event_id,
        type=model.event_type,
        schema_version=model.schema_version,
        source=model.source,
        time=datetime.fromisoformat(event.at.replace("Z", "+00:00")),
        correlation_id=event.correlation_id or event.event_id,
        data=data,
    )


def envelopes_of(events: Iterable[StoredEvent]) -> list[Envelope]:
    return [envelope for envelope in map(envelope_of, events) if envelope is not None]
