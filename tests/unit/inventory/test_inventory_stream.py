"""Events from the inventory table's stream records (pure: the totals reader is a dict)."""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from shop.events import InventoryCommitted, InventoryReleased, InventoryReserved, StockChanged
from shop.inventory.domain import Counter
from shop.inventory.repository import SkuCounters
from shop.inventory.stream import events_from_records

_serialize = TypeSerializer().serialize


def record(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    stream: dict[str, Any] = {}
    if old is not None:
        stream["OldImage"] = {key: _serialize(value) for key, value in old.items()}
    if new is not None:
        stream["NewImage"] = {key: _serialize(value) for key, value in new.items()}
    return {"eventSource": "aws:dynamodb", "eventName": "MODIFY", "dynamodb": stream}


def counter(sku: str, sk: str, available: int, reserved: int, change: str = "set") -> dict[str, Any]:
    return {"pk": sku, "sk": sk, "available": available, "reserved": reserved, "change": change}


def totals(available: int, reserved: int) -> Any:
    return lambda sku: SkuCounters(sku, 1, {"STOCK": Counter("STOCK", available, reserved)})


def reservation(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "pk": "ORDER#o-1",
        "sk": "RESERVATION",
        "orderId": "o-1",
        "status": status,
        "lines": json.dumps([["SKU-1", 2]]),
        "expiresAt": 1_800_000_900,
        **extra,
    }


def test_a_reservation_on_a_counter_is_a_stock_change_with_the_skus_totals() -> None:
    events = events_from_records(
        [record(counter("SKU-1", "STOCK", 10, 0), counter("SKU-1", "STOCK", 7, 3, "reserve o-1"))],
        totals(7, 3),
    )
    assert events == [StockChanged(sku="SKU-1", available=7, reserved=3, delta=-3, reason="reserve o-1")]


def test_sub_counters_of_one_change_make_one_event() -> None:
    events = events_from_records(
        [
            record(counter("HOT-1", "STOCK#0", 2, 0), counter("HOT-1", "STOCK#0", 0, 2, "reserve o-1")),
            record(counter("HOT-1", "STOCK#1", 5, 0), counter("HOT-1", "STOCK#1", 4, 1, "reserve o-1")),
        ],
        totals(30, 3),
    )
    assert [(e.sku, e.delta, e.available) for e in events] == [("HOT-1", -3, 30)]


def test_a_reshard_moving_units_between_sub_counters_is_no_event() -> None:
    events = events_from_records(
        [
            record(counter("HOT-1", "STOCK", 10, 0), counter("HOT-1", "STOCK", 0, 0, "reshard")),
            record(None, counter("HOT-1", "STOCK#0", 10, 0, "reshard")),
        ],
        totals(10, 0),
    )
    assert events == []


def test_reservation_records_become_reserved_committed_and_released_events() -> None:
    events = events_from_records(
        [
            record(None, reservation("RESERVED")),
            record(reservation("RESERVED"), reservation("COMMITTED")),
            record(reservation("RESERVED"), reservation("RELEASED", finishReason="expire")),
            record(reservation("COMMITTED"), None),  # the record's TTL ran out
        ],
        totals(0, 0),
    )
    assert [type(event) for event in events] == [InventoryReserved, InventoryCommitted, InventoryReleased]
    assert events[0].items[0].sku == "SKU-1" and events[0].items[0].quantity == 2
    assert events[2].reason == "expire"
