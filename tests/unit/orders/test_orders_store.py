"""The event store (optimistic concurrency), the projector into read models, and the customer's reads (moto)."""

from __future__ import annotations

from typing import Any

import pytest
from orders_support import EVENTS_TABLE, order_created
from shop.errors import NotFound
from shop.orders.domain import NewEvent, OrderNotCancellable
from shop.orders.service import OrderService
from shop.orders.store import ConcurrencyConflict, stored_event_from_image
from shop.orders.views import InvalidCursor


def test_appending_at_a_stale_version_is_refused(orders: OrderService):
    orders.create("ord_1", order_created())
    store = orders.store
    store.append("ord_1", 1, [NewEvent("InventoryReserved", {"orderId": "ord_1", "items": []})])
    with pytest.raises(ConcurrencyConflict):
        store.append("ord_1", 1, [NewEvent("OrderCancelled", {"reason": "stale"})])
    assert [e.type for e in store.load("ord_1")] == ["OrderCreated", "InventoryReserved"]


def test_creating_the_same_order_twice_keeps_the_first(orders: OrderService):
    first, created = orders.create("ord_1", order_created(total=2500))
    again, created_again = orders.create("ord_1", order_created(total=9999))
    assert created and not created_again
    assert again.total == 2500 and again.version == 1


def test_a_step_recorded_twice_is_appended_once(orders: OrderService):
    orders.create("ord_1", order_created())
    data = {"orderId": "ord_1", "paymentId": "auth_1", "amount": 2500, "currency": "USD"}
    orders.record_once("ord_1", "PaymentAuthorized", data)
    order = orders.record_once("ord_1", "PaymentAuthorized", data)
    assert order.version == 2


def test_a_multi_event_append_is_all_or_nothing(orders: OrderService):
    orders.create("ord_1", order_created())
    orders.store.append("ord_1", 1, [NewEvent("A", {}), NewEvent("B", {})])
    with pytest.raises(ConcurrencyConflict):
        orders.store.append("ord_1", 2, [NewEvent("C", {}), NewEvent("D", {})])  # version 3 exists
    assert [e.type for e in orders.store.load("ord_1")] == ["OrderCreated", "A", "B"]


def test_cancel_and_confirm_race_through_the_version_check(orders: OrderService):
    orders.create("ord_1", order_created())
    orders.cancel("ord_1", "user-1")
    with pytest.raises(Exception) as raised:
        orders.confirm("ord_1")
    assert type(raised.value).__name__ == "OrderCancelledError"
    with pytest.raises(OrderNotCancellable):
        orders.cancel("ord_1", "user-1")


def test_another_users_order_is_not_found_for_reads_and_cancels(orders: OrderService):
    orders.create("ord_1", order_created(user_id="ann"))
    with pytest.raises(NotFound):
        orders.get_view("ord_1", "bob")
    with pytest.raises(NotFound):
        orders.cancel("ord_1", "bob")
    assert orders.get_view("ord_1", "ann")["status"] == "PENDING"


def test_the_projector_writes_the_view_and_never_rolls_it_back(orders: OrderService):
    orders.create("ord_1", order_created())
    old_view = orders.load("ord_1").view()
    orders.confirm("ord_1")
    assert orders.project("ord_1")
    assert orders.views.get("ord_1")["status"] == "CONFIRMED"
    assert not orders.views.put(old_view)  # a late, older projection loses
    assert orders.views.get("ord_1")["status"] == "CONFIRMED"


def test_orders_list_is_mine_only_newest_first_and_paged(orders: OrderService):
    for i in range(5):
        orders.create(f"ord_{i}", order_created(order_id=f"ord_{i}", user_id="ann"))
        orders.project(f"ord_{i}")
    orders.create("ord_bob", order_created(order_id="ord_bob", user_id="bob"))
    orders.project("ord_bob")
    first = orders.list_views("ann", limit=3, cursor=None)
    assert len(first["items"]) == 3 and first["nextCursor"]
    second = orders.list_views("ann", limit=3, cursor=first["nextCursor"])
    ids = [o["orderId"] for o in first["items"] + second["items"]]
    assert sorted(ids) == [f"ord_{i}" for i in range(5)]
    assert second["nextCursor"] is None
    with pytest.raises(InvalidCursor):
        orders.list_views("bob", limit=3, cursor=first["nextCursor"])  # ann's cursor is not bob's


def test_stream_images_read_back_as_stored_events(orders: OrderService, dynamodb: Any):
    orders.create("ord_1", order_created())
    item = dynamodb.get_item(TableName=EVENTS_TABLE, Key={"orderId": {"S": "ord_1"}, "version": {"N": "1"}})["Item"]
    event = stored_event_from_image(item)
    assert event.type == "OrderCreated" and event.version == 1 and event.data["total"] == 2500
