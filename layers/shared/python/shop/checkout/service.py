"""POST /checkout as a use case: one order per (user, Idempotency-Key), then the saga.

The order id is derived from the user and the key, so the order event store's conditional first
append is the idempotency check: a repeated or concurrent request finds the same order, whatever
the cart holds by then. The saga's execution is named by the order id, so Step Functions itself
refuses a second run (ExecutionAlreadyExists is success here).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, Protocol

from shop.checkout.models import CheckoutBody
from shop.checkout.pricing import Catalog, price_lines
from shop.errors import BadRequest, Conflict
from shop.observability import get_correlation_id
from shop.orders.service import OrderService

MAX_KEY_LENGTH = 255
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"  # visible ASCII, spaces inside only


class IdempotencyKeyMissing(BadRequest):
    code = "IDEMPOTENCY_KEY_REQUIRED"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"


class Carts(Protocol):
    """What checkout needs of the cart service: read the user's lines, clear what was ordered."""

    def lines(self, user_id: str) -> list[tuple[str, int]]: ...
    def clear_if_unchanged(self, user_id: str, lines: list[tuple[str, int]]) -> None: ...


def order_id_for(user_id: str, idempotency_key: str) -> str:
    return "ord_" + hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def request_fingerprint(body: CheckoutBody) -> str:
    """What makes two requests with one key "the same": the payment method (a token) and the address."""
    shown = {"paymentMethodId": body.paymentMethodId,
             "shippingAddress": body.shippingAddress.model_dump() if body.shippingAddress else None}
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


class CheckoutService:
    def __init__(self, orders: OrderService, carts: Carts, catalog: Catalog,
                 start_saga: Callable[[str, dict[str, Any]], None]) -> None:
        self.orders = orders
        self.carts = carts
        self.catalog = catalog
        self.start_saga = start_saga

    def checkout(self, *, user_id: str, email: str | None, idempotency_key: str | None,
                 body: CheckoutBody) -> dict[str, Any]:
        key = (idempotency_key or "").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise IdempotencyKeyMissing("send an Idempotency-Key header (1 to 255 characters)",
                                        details={"header": "Idempotency-Key"})
        order_id = order_id_for(user_id, key)
        fingerprint = request_fingerprint(body)
        order = self.orders.load(order_id)
        lines: list[tuple[str, int]] = []
        if not order.exists:
            lines = self.carts.lines(user_id)
            priced = price_lines(lines, self.catalog)
            data = {"orderId": order_id, "userId": user_id, "email": email, "items": priced.items,
                    "total": priced.total, "currency": priced.currency, "requestHash": fingerprint}
            if body.shippingAddress:
                data["shippingAddress"] = body.shippingAddress.model_dump(exclude_none=True)
            order, created = self.orders.create(order_id, data)
            if not created:
                lines = []  # a concurrent request with the same key created it
        if order.request_hash and order.request_hash != fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different checkout",
                                       details={"orderId": order_id})
        if order.status == "PENDING":
            items = [{"sku": line["sku"], "quantity": int(line["quantity"])} for line in order.items]
            self.start_saga(order_id, {"orderId": order_id, "userId": user_id,
                                       "correlationId": get_correlation_id(), "items": items,
                                       "payment": {"paymentMethodId": body.paymentMethodId}})
        if lines:
            self.carts.clear_if_unchanged(user_id, lines)
        return {"orderId": order_id, "status": order.status}
