"""The order aggregate: plain Python, folded from its events. No I/O here.

Status: PENDING from OrderCreated; CONFIRMED, FAILED or CANCELLED from the event that ends the
saga. Terminal statuses never change again, so a late or duplicated saga step cannot rewrite them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from shop.errors import Conflict, NotFound

OrderStatus = Literal["PENDING", "CONFIRMED", "FAILED", "CANCELLED"]
TERMINAL: frozenset[str] = frozenset({"FAILED", "CANCELLED"})

# Event type -> the status it sets (events absent here leave the status as it is).
STATUS_BY_EVENT: dict[str, OrderStatus] = {
    "OrderCreated": "PENDING",
    "OrderConfirmed": "CONFIRMED",
    "OrderFailed": "FAILED",
    "OrderCancelled": "CANCELLED",
}
# Data fields worth showing in the timeline (ids, amounts, the card's brand and last 4; never an address).
TIMELINE_FIELDS = ("reason", "code", "paymentId", "amount", "currency", "cardBrand", "cardLast4", "sku", "expiresAt")


class OrderNotFound(NotFound):
    """No event for this order id (or another user's order: not revealed)."""

    code = "ORDER_NOT_FOUND"


class OrderNotCancellable(Conflict):
    """The order is past the point where it can be cancelled (confirmed, failed or cancelled)."""

    code = "ORDER_NOT_CANCELLABLE"


class OrderCancelledError(Conflict):
    """The customer cancelled the order while the saga ran (saga: Catch "OrderCancelledError")."""

    code = "ORDER_CANCELLED"


@dataclass(frozen=True)
class NewEvent:
    """An event a command decided to append (the store gives it a version, id and time)."""

    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class StoredEvent:
    """An event as the store keeps it."""

    order_id: str
    version: int
    type: str
    data: dict[str, Any]
    event_id: str
    at: str
    correlation_id: str | None = None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> StoredEvent:
        """From a plain (deserialised) DynamoDB item of the event store."""
        return cls(
            order_id=str(item["orderId"]),
            version=int(item["version"]),
            type=str(item["type"]),
            data=json.loads(item["data"]) if isinstance(item["data"], str) else dict(item["data"]),
            event_id=str(item["eventId"]),
            at=str(item["at"]),
            correlation_id=item.get("correlationId"),
        )


@dataclass
class Order:
    """An order as its events say it is."""

    order_id: str
    version: int = 0
    status: OrderStatus | None = None
    user_id: str | None = None
    email: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    currency: str = "USD"
    created_at: str | None = None
    updated_at: str | None = None
    request_hash: str | None = None
    payment_id: str | None = None
    authorized_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    voided: bool = False
    reserved: bool = False
    released: bool = False
    committed: bool = False
    failure_reason: str | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # event types applied (steps record each once)

    @classmethod
    def fold(cls, order_id: str, events: Iterable[StoredEvent]) -> Order:
        order = cls(order_id)
        for event in sorted(events, key=lambda e: e.version):
            order.apply(event)
        return order

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def is_final(self) -> bool:
        return self.status in TERMINAL or self.status == "CONFIRMED"

    def has(self, event_type: str) -> bool:
        return event_type in self.seen

    def apply(self, event: StoredEvent) -> None:
        data = event.data
        self.version = event.version
        self.updated_at = event.at
        self.seen.add(event.type)
        new_status = STATUS_BY_EVENT.get(event.type)
        if new_status is not None and (self.status is None or self.status not in TERMINAL):
            self.status = new_status
        kind = event.type
        if kind == "OrderCreated":
            self.user_id = data["userId"]
            self.email = data.get("email")
            self.items = list(data["items"])
            self.total = int(data["total"])
            self.currency = data.get("currency", "USD")
            self.created_at = event.at
            self.request_hash = data.get("requestHash")
        elif kind == "InventoryReserved":
            self.reserved = True
        elif kind == "InventoryReleased":
            self.released = True
        elif kind == "InventoryCommitted":
            self.committed = True
        elif kind == "PaymentAuthorized":
            self.payment_id = data["paymentId"]
            self.authorized_amount = int(data["amount"])
        elif kind == "PaymentCaptured":
            self.captured_amount = int(data["amount"])
        elif kind == "PaymentRefunded":
            self.refunded_amount += int(data["amount"])
        elif kind == "PaymentVoided":
            self.voided = True
        elif kind in ("OrderFailed", "OrderCancelled"):
            self.failure_reason = self.failure_reason or data.get("reason")
        entry = {"type": kind, "at": event.at, "version": event.version}
        entry.update({name: data[name] for name in TIMELINE_FIELDS if name in data})
        self.timeline.append(entry)

    # ------------------------------------------------------------------ decisions (no I/O)

    def require_exists(self) -> None:
        if not self.exists:
            raise OrderNotFound(f"order {self.order_id} not found", details={"orderId": self.order_id})

    def ensure_not_cancelled(self) -> None:
        """Saga steps call this before acting: a cancelled order only runs compensations."""
        if self.status == "CANCELLED":
            raise OrderCancelledError(
                f"order {self.order_id} was cancelled", details={"orderId": self.order_id}
            )

    def confirm(self) -> list[NewEvent]:
        """OrderConfirmed once; refused when the order was cancelled meanwhile (the saga compensates)."""
        self.require_exists()
        if self.status == "CONFIRMED":
            return []
        self.ensure_not_cancelled()
        if self.status in TERMINAL:
            raise OrderNotCancellable(f"order {self.order_id} is {self.status}", code="ORDER_FINAL")
        return [NewEvent("OrderConfirmed", {
            "orderId": self.order_id, "userId": self.user_id, "email": self.email,
            "items": self.items, "total": self.total, "currency": self.currency,
        })]

    def fail(self, reason: str) -> list[NewEvent]:
        """OrderFailed once, unless the order already ended (cancelled orders stay cancelled)."""
        self.require_exists()
        if self.status != "PENDING":
            return []
        return [NewEvent("OrderFailed", {"orderId": self.order_id, "userId": self.user_id, "reason": reason})]

    def cancel(self, reason: str) -> list[NewEvent]:
        """OrderCancelled for a PENDING order (the saga then runs the compensations).

        "Before fulfilment" means before confirmation: confirming commits the stock, the hand-off to
        fulfilment. A confirmed, failed or cancelled order answers 409.
        """
        self.require_exists()
        if self.status != "PENDING":
            raise OrderNotCancellable(
                f"order {self.order_id} is {self.status} and can no longer be cancelled",
                details={"orderId": self.order_id, "status": self.status},
            )
        return [NewEvent("OrderCancelled", {"orderId": self.order_id, "userId": self.user_id,
                                            "reason": reason})]

    def view(self) -> dict[str, Any]:
        """The order as the customer sees it (GET /orders/{orderId})."""
        return {
            "orderId": self.order_id,
            "userId": self.user_id,
            "status": self.status,
            "items": [_line_view(line) for line in self.items],
            "total": self.total,
            "currency": self.currency,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "version": self.version,
            "reason": self.failure_reason,
            "timeline": self.timeline,
        }


def _line_view(line: dict[str, Any]) -> dict[str, Any]:
    quantity, unit_price = int(line["quantity"]), int(line["unitPrice"])
    return {"sku": line["sku"], "productId": line.get("productId"), "name": line.get("name"),
            "quantity": quantity, "unitPrice": unit_price, "lineTotal": quantity * unit_price}
