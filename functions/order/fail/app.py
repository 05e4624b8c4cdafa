"""Saga step, after the compensations: record released stock and OrderFailed with its reason."""

from __future__ import annotations

from typing import Any

from shop.observability import instrument
from shop.orders import saga
from shop.orders.service import OrderService

orders = OrderService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return saga.fail(orders, event)
