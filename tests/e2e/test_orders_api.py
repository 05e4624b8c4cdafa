"""Orders over HTTP: my list (paged), one order with its timeline, another user's order, cancellation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from checkout_support import Shop, start_shop


@pytest.fixture(scope="module")
def shop(start_local_cloud: Callable[..., Any]) -> Shop:
    return start_shop(start_local_cloud)


def confirmed_order(shop: Shop, buyer: Any, sku: str) -> dict[str, Any]:
    shop.add_to_cart(buyer, sku, 1)
    return shop.wait_for_order(buyer, shop.checkout(buyer).json()["orderId"])


def test_orders_list_is_mine_only_newest_first_and_paged(shop: Shop):
    sku = shop.product(stock=10)
    buyer, other = shop.sign_up(), shop.sign_up()
    mine = [confirmed_order(shop, buyer, sku)["orderId"] for _ in range(3)]
    confirmed_order(shop, other, sku)
    shop.wait_until(
        lambda: len(shop.api("GET", "/orders?limit=100", buyer).json()["items"]) == 3,
        what="3 orders projected",
    )
    first = shop.api("GET", "/orders?limit=2", buyer).json()
    assert len(first["items"]) == 2 and first["nextCursor"]
    second = shop.api("GET", "/orders", buyer, params={"limit": 2, "cursor": first["nextCursor"]}).json()
    listed = [o["orderId"] for o in first["items"] + second["items"]]
    assert listed == list(reversed(mine)) and second["nextCursor"] is None
    assert all(o["status"] == "CONFIRMED" and o["total"] == 1999 for o in first["items"])
    assert shop.api("GET", "/orders", other, params={"cursor": first["nextCursor"]}).status_code == 404
    assert shop.api("GET", "/orders?limit=0", buyer).status_code == 422
    assert shop.api("GET", "/orders").status_code == 401


def test_an_order_shows_its_timeline_and_is_hidden_from_other_users(shop: Shop):
    sku = shop.product(stock=3, price=700)
    buyer, stranger = shop.sign_up(), shop.sign_up()
    order = confirmed_order(shop, buyer, sku)
    assert set(order) >= {"orderId", "status", "items", "total", "currency", "timeline"}
    assert order["items"][0] | {} and order["items"][0]["unitPrice"] == 700
    assert all({"type", "at"} <= set(entry) for entry in order["timeline"])
    hidden = shop.order(stranger, order["orderId"])
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "ORDER_NOT_FOUND"
    assert shop.order(buyer, "ord_doesnotexist").status_code == 404
    assert shop.order(buyer, "bad id!").status_code in (404, 422)
    assert shop.api("POST", f"/orders/{order['orderId']}/cancel", stranger).status_code == 404


def test_a_confirmed_order_cannot_be_cancelled(shop: Shop):
    sku = shop.product(stock=3)
    buyer = shop.sign_up()
    order = confirmed_order(shop, buyer, sku)
    refused = shop.api("POST", f"/orders/{order['orderId']}/cancel", buyer)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "ORDER_NOT_CANCELLABLE"


def test_cancelling_a_pending_order_voids_the_payment_releases_stock_and_emails(shop: Shop):
    sku = shop.product(stock=5, price=900)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 2)
    shop.cloud.drain()
    emails_before = shop.emails_to(buyer.email)
    token = shop.tokenize()
    shop.configure_sandbox(latencyMs=1500)  # the authorization is slow: the order is PENDING meanwhile
    try:
        order_id = shop.checkout(buyer, payment_method=token).json()["orderId"]
        cancelled = shop.api("POST", f"/orders/{order_id}/cancel", buyer)
    finally:
        shop.configure_sandbox(latencyMs=0)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json() == {"orderId": order_id, "status": "CANCELLED"}
    order = shop.wait_for_order(buyer, order_id)
    assert order["status"] == "CANCELLED"
    shop.wait_until(
        lambda: shop.stock(sku)["available"] == 5 and shop.stock(sku)["reserved"] == 0, what="stock released"
    )
    shop.wait_until(
        lambda: (
            shop.payments_of(order_id).get("voided")
            or not shop.ledger(order_id)
            or "void" in shop.ledger(order_id)
        ),
        what="authorization voided",
    )
    assert shop.payments_of(order_id).get("captured", 0) == 0
    again = shop.api("POST", f"/orders/{order_id}/cancel", buyer)
    assert again.status_code == 409
    shop.wait_until(lambda: "OrderCancelled" in shop.events_for(order_id), what="OrderCancelled on the bus")
    cancellations = shop.wait_for_emails(buyer.email, order_id)
    assert [e["subject"] for e in cancellations] == [f"Your order {order_id} was cancelled"], cancellations
    assert shop.sent_emails(mentioning=order_id) == cancellations  # and no confirmation, to anyone
    assert shop.emails_to(buyer.email) - emails_before == 1
