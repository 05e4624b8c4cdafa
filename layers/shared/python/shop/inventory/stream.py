"""Domain events from the inventory table's stream: what was committed, never a dual write.

Counter items give `StockChanged` (per SKU and cause, with the SKU's totals read after the fact);
reservation records give `InventoryReserved` / `InventoryCommitted` / `InventoryReleased`.
Why the stream and not the step itself: the event exists only if the write committed, every writer
(admin routes, saga steps, the expiry schedule, the seed script) is covered by one publisher, and a
crash between the write and the publish cannot lose the event (the stream retries the batch).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from shop.events import (
    EventData,
    InventoryCommitted,
    InventoryReleased,
    InventoryReserved,
    StockChanged,
    StockLine,
)
from shop.events.consume import stream_images
from shop.inventory.domain import MAIN_COUNTER
from shop.inventory.repository import PENDING, RESERVATION_SK, SkuCounters

TotalsReader = Callable[[str], SkuCounters | None]


def events_from_records(records: Iterable[Mapping[str, Any]], read_totals: TotalsReader) -> list[EventData]:
    """The events a batch of stream records stands for, in record order (stock changes last)."""
    events: list[EventData] = []
    # (sku, cause) -> change of available; several counter items of one hot SKU make one event.
    stock_deltas: dict[tuple[str, str], list[int]] = {}
    for record in records:
        old, new = stream_images(record)
        image = new or old or {}
        sk = str(image.get("sk", ""))
        if sk == RESERVATION_SK:
            event = _reservation_event(old, new)
            if event is not None:
                events.append(event)
        elif sk.startswith(MAIN_COUNTER):
            available = _number(new, "available") - _number(old, "available")
            reserved = _number(new, "reserved") - _number(old, "reserved")
            if available or reserved:
                cause = str((new or {}).get("change") or "change")
                deltas = stock_deltas.setdefault((str(image["pk"]), cause), [0, 0])
                deltas[0] += available
                deltas[1] += reserved
    for (sku, cause), (available, reserved) in stock_deltas.items():
        if not (available or reserved):
            continue  # a reshard moves units between sub-counters: nothing changed for clients
        totals = read_totals(sku)
        if totals is None:
            continue
        events.append(
            StockChanged(
                sku=sku,
                available=max(totals.available, 0),
                reserved=max(totals.reserved, 0),
                delta=available,
                reason=cause[:500],
            )
        )
    return events


def _number(image: Mapping[str, Any] | None, name: str) -> int:
    return int((image or {}).get(name) or 0)


def _reservation_event(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> EventData | None:
    if new is None:
        return None  # the record's TTL ran out: nothing happened to stock
    before = (old or {}).get("status")
    after = new.get("status")
    if before == after:
        return None
    order_id = str(new["orderId"])
    items = [StockLine(sku=sku, quantity=int(quantity)) for sku, quantity in json.loads(new["lines"])]
    if after == PENDING:
        expires_at = datetime.fromtimestamp(int(new["expiresAt"]), UTC)
        return InventoryReserved(order_id=order_id, items=items, expires_at=expires_at)
    if after == "COMMITTED":
        return InventoryCommitted(order_id=order_id, items=items)
    if after == "RELEASED":
        return InventoryReleased(
            order_id=order_id, items=items, reason=str(new.get("finishReason") or "release")
        )
    return None
