"""Saga step: reserve {orderId, items:[{sku, quantity}]} -> the reservation; raises OutOfStock (Catch it)."""

from __future__ import annotations

from typing import Any

from shop.inventory import steps
from shop.inventory.service import InventoryService
from shop.observability import instrument

inventory = InventoryService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return steps.reserve(inventory, event)
