"""Schedule (every minute): release reservations past their expiresAt that were never committed."""

from __future__ import annotations

from typing import Any

from shop.inventory.service import InventoryService
from shop.observability import instrument, observability

logger, _, metrics = observability()
inventory = InventoryService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    released = inventory.expire_stale()
    if released:
        logger.info("released stale reservations", extra={"orders": released})
    metrics.add_metric(name="ReservationsExpired", unit="Count", value=len(released))
    return {"released": released}
