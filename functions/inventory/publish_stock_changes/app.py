"""Inventory table stream: publish StockChanged and reservation events from committed state."""

from __future__ import annotations

from typing import Any

from shop.events import EventPublisher, make_event
from shop.inventory.repository import InventoryRepository
from shop.inventory.stream import events_from_records
from shop.observability import instrument

repository = InventoryRepository()
publisher = EventPublisher()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    events = events_from_records(event.get("Records", []), repository.read_counters)
    if events:
        # Raising on failure makes the stream retry the batch: at least once, consumers deduplicate.
        publisher.publish([make_event(data) for data in events])
    return {"published": len(events)}
