"""The checkout saga's inventory steps: state machine input in, JSON out, business errors raised.

A Lambda that raises `OutOfStock` fails with errorType "OutOfStock", which the state machine Catches
(not retried); `StockContention` is transient (retry it); `InvalidReservation` means a bad input.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shop.inventory.errors import InvalidReservation
from shop.inventory.models import OrderRef, ReserveRequest
from shop.inventory.service import InventoryService

M = TypeVar("M", bound=BaseModel)


def parse_input(model: type[M], event: Any) -> M:
    try:
        return model.model_validate(event)
    except ValidationError as err:
        details = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in err.errors()]
        raise InvalidReservation("invalid step input", details=details) from None


def reserve(inventory: InventoryService, event: Any) -> dict[str, Any]:
    request = parse_input(ReserveRequest, event)
    lines = [(line.sku, line.quantity) for line in request.items]
    return inventory.reserve(request.orderId, lines).model_dump(mode="json")


def release(inventory: InventoryService, event: Any) -> dict[str, Any]:
    request = parse_input(OrderRef, event)
    return inventory.release(request.orderId, reason=str(event.get("reason") or "release")[:100]).model_dump(
        mode="json"
    )


def commit(inventory: InventoryService, event: Any) -> dict[str, Any]:
    return inventory.commit(parse_input(OrderRef, event).orderId).model_dump(mode="json")
