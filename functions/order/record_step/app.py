"""Saga step: record an inventory outcome on the order (InventoryReserved / ...ReservationFailed / ...Committed)."""

from __future__ import annotations

from typing import Any

from shop.observability import instrument
from shop.orders import saga
from shop.orders.service import OrderService

orders = OrderService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return saga.record_step(orders, event)
