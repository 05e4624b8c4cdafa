"""ProductsTable stream -> uncache the product (L2 keys, namespace version) and publish ProductUpdated."""

from __future__ import annotations

from typing import Any

from shop.catalog.changes import product_change
from shop.catalog.service import CatalogService
from shop.events import EventPublisher, make_event
from shop.observability import instrument

catalog = CatalogService()
publisher = EventPublisher()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    changes = [change for record in event.get("Records", []) if (change := product_change(record))]
    if changes:
        # uncache first: a consumer reacting to the event must not read the old value back
        catalog.forget(*(image for change in changes for image in change.images))
        publisher.publish([make_event(change.event) for change in changes])
    return {"changed": len(changes)}
