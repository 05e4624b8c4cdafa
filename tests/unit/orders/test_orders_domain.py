"""The order aggregate: status derived from events, decisions without I/O."""

from __future__ import annotations

import pytest
from orders_support import order_created
from shop.orders.domain import (
    Order,
    OrderCancelledError,
    OrderNotCancellable,
    OrderNotFound,
    StoredEvent,
)


def events(*kinds: tuple[str, dict]) -> list[StoredEvent]:
    return [StoredEvent("ord_1", i + 1, kind, data, f"e{i}", f"2026-01-01T00:00:0{i}Z") for i, (kind, data) in
            enumerate(kinds)]


def created() -> tuple[str, dict]:
    return ("OrderCreated", order_created())


def test_a_new_order_is_pending_with_its_priced_lines():
    order = Order.fold("ord_1", events(created()))
    assert order.status == "PENDING"
    assert order.total == 2500 and order.currency == "USD"
    view = order.view()
    assert view["items"][0]["lineTotal"] == 2500
    assert [entry["type"] for entry in view["timeline"]] == ["OrderCreated"]


def test_status_follows_the_saga_and_the_timeline_lists_every_event():
    order = Order.fold("ord_1", events(
        created(),
        ("InventoryReserved", {"orderId": "ord_1", "items": [], "expiresAt": "2026-01-01T00:15:00Z"}),
        ("PaymentAuthorized", {"orderId": "ord_1", "paymentId": "auth_1", "amount": 2500, "currency": "USD"}),
        ("PaymentCaptured", {"orderId": "ord_1", "paymentId": "auth_1", "amount": 2500, "currency": "USD"}),
        ("OrderConfirmed", {"orderId": "ord_1"}),
    ))
    assert order.status == "CONFIRMED"
    assert order.payment_id == "auth_1" and order.captured_amount == 2500
    assert order.timeline[2]["paymentId"] == "auth_1"
    assert len(order.timeline) == 5


def test_a_terminal_status_is_never_overwritten_by_a_late_event():
    order = Order.fold("ord_1", events(created(), ("OrderCancelled", {"reason": "changed my mind"}),
                                       ("OrderFailed", {"reason": "late step"})))
    assert order.status == "CANCELLED"
    assert order.failure_reason == "changed my mind"


def test_confirming_a_cancelled_order_raises_so_the_saga_compensates():
    order = Order.fold("ord_1", events(created(), ("OrderCancelled", {"reason": "x"})))
    with pytest.raises(OrderCancelledError):
        order.confirm()


def test_confirm_twice_appends_once():
    order = Order.fold("ord_1", events(created(), ("OrderConfirmed", {})))
    assert order.confirm() == []


def test_fail_records_nothing_over_a_cancellation_or_a_confirmation():
    assert Order.fold("ord_1", events(created(), ("OrderCancelled", {"reason": "x"}))).fail("boom") == []
    assert Order.fold("ord_1", events(created(), ("OrderConfirmed", {}))).fail("boom") == []
    [failed] = Order.fold("ord_1", events(created())).fail("OUT_OF_STOCK: none left")
    assert failed.type == "OrderFailed" and failed.data["reason"] == "OUT_OF_STOCK: none left"


@pytest.mark.parametrize("final", ["OrderConfirmed", "OrderFailed", "OrderCancelled"])
def test_only_a_pending_order_can_be_cancelled(final: str):
    order = Order.fold("ord_1", events(created(), (final, {"reason": "r"})))
    with pytest.raises(OrderNotCancellable) as raised:
        order.cancel("customer")
    assert raised.value.status == 409


def test_commands_on_an_unknown_order_are_not_found():
    with pytest.raises(OrderNotFound):
        Order("ord_missing").cancel("x")
