"""Saga step: append OrderConfirmed unless the order was cancelled (raises OrderCancelledError: compensate)."""

from __future__ import annotations

from typing import Any

from shop.observability import instrument
from shop.orders import saga
from shop.orders.faults import maybe_fail
from shop.orders.service import OrderService

orders = OrderService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    maybe_fail("ConfirmOrder")
    return saga.confirm(orders, event)
