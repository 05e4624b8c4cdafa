"""The order use cases: commands that append events (each idempotent), and the customer's reads.

Every command is `load -> decide (domain) -> append at the version read`; on a concurrency conflict
it reloads and decides again, so a saga step racing a cancellation sees the other's event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop.errors import NotFound
from shop.observability import get_correlation_id
from shop.orders.domain import NewEvent, Order, StoredEvent
from shop.orders.store import ConcurrencyConflict, OrderEventStore
from shop.orders.views import OrderViews

MAX_ATTEMPTS = 8
MAX_PAGE_SIZE = 100


class OrderService:
    def __init__(self, store: OrderEventStore | None = None, views: OrderViews | None = None) -> None:
        self._store = store
        self._views = views

    @property
    def store(self) -> OrderEventStore:
        if self._store is None:
            self._store = OrderEventStore()
        return self._store

    @property
    def views(self) -> OrderViews:
        if self._views is None:
            self._views = OrderViews()
        return self._views

    # ------------------------------------------------------------------ commands

    def load(self, order_id: str) -> Order:
        return Order.fold(order_id, self.store.load(order_id))

    def execute(self, order_id: str, decide: Callable[[Order], list[NewEvent]]) -> tuple[Order, list[StoredEvent]]:
        """Load, decide, append; retried on concurrency conflicts. Returns the order after the append."""
        for _ in range(MAX_ATTEMPTS):
            order = self.load(order_id)
            new = decide(order)
            try:
                stored = self.store.append(order_id, order.version, new, correlation_id=get_correlation_id(),
                                           user_id=order.user_id)
            except ConcurrencyConflict:
                continue
            for event in stored:
                order.apply(event)
            return order, stored
        raise ConcurrencyConflict(f"order {order_id} kept changing")

    def create(self, order_id: str, data: dict[str, Any]) -> tuple[Order, bool]:
        """Append OrderCreated as the order's first event; (order, False) when it existed already."""
        try:
            stored = self.store.append(order_id, 0, [NewEvent("OrderCreated", data)],
                                       correlation_id=get_correlation_id(), user_id=data["userId"])
        except ConcurrencyConflict:
            return self.load(order_id), False
        return Order.fold(order_id, stored), True

    def record_once(self, order_id: str, event_type: str, data: dict[str, Any]) -> Order:
        """Append a saga step's outcome unless the order has it already (steps may run twice)."""

        def decide(order: Order) -> list[NewEvent]:
            order.require_exists()
            return [] if order.has(event_type) else [NewEvent(event_type, data)]

        return self.execute(order_id, decide)[0]

    def confirm(self, order_id: str) -> Order:
        return self.execute(order_id, lambda order: order.confirm())[0]

    def fail(self, order_id: str, reason: str) -> Order:
        return self.execute(order_id, lambda order: order.fail(reason))[0]

    def cancel(self, order_id: str, user_id: str, reason: str = "cancelled by the customer") -> Order:
        def decide(order: Order) -> list[NewEvent]:
            if order.user_id != user_id:
                order = Order(order_id)  # another user's order: as if it did not exist
            return order.cancel(reason)

        return self.execute(order_id, decide)[0]

    # ------------------------------------------------------------------ reads

    def get_view(self, order_id: str, user_id: str) -> dict[str, Any]:
        """The customer's view of one of their orders; NotFound for unknown or another user's orders.

        The read model answers; until the projector caught up on a new order, the events do
        (read-your-writes right after POST /checkout).
        """
        view = self.views.get(order_id)
        if view is None:
            order = self.load(order_id)
            view = order.view() if order.exists else None
        if view is None or view.get("userId") != user_id:
            raise NotFound(f"order {order_id} not found", code="ORDER_NOT_FOUND", details={"orderId": order_id})
        return view

    def list_views(self, user_id: str, *, limit: int, cursor: str | None) -> dict[str, Any]:
        items, next_cursor = self.views.list_for_user(user_id, limit=min(limit, MAX_PAGE_SIZE), cursor=cursor)
        return {"items": [_summary(view) for view in items], "nextCursor": next_cursor}

    def project(self, order_id: str) -> bool:
        """Rebuild the order's read model from all its events (idempotent, order-insensitive)."""
        order = self.load(order_id)
        return order.exists and self.views.put(order.view())


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    keep = ("orderId", "status", "items", "total", "currency", "createdAt", "updatedAt", "reason")
    return {name: view.get(name) for name in keep}
