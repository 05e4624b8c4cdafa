"""The checkout saga end to end, over HTTP through the local gateway, against the payment sandbox.

Each test has its own users and SKUs; the truth is read where a client cannot see it: the sandbox's
ledger (what was charged), the stock, the events on the bus and the emails SES sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from checkout_support import APPROVE, CVC, DECLINE, Shop, card, start_shop


def confirmations_of(shop: Shop, order_id: str) -> list[dict[str, Any]]:
    """Every confirmation email about the order, to anyone."""
    return [e for e in shop.sent_emails(mentioning=order_id) if e["subject"].endswith("is confirmed")]


@pytest.fixture(scope="module")
def shop(start_local_cloud: Callable[..., Any]) -> Shop:
    return start_shop(start_local_cloud)


def test_happy_path_confirms_commits_stock_captures_once_and_emails_once(shop: Shop):
    sku = shop.product(stock=10, price=1250)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 3)
    shop.cloud.drain()  # the welcome email (UserRegistered) is out before the baseline
    emails_before = shop.emails_to(buyer.email)
    accepted = shop.checkout(buyer)
    assert accepted.status_code == 202, accepted.text
    order_id = accepted.json()["orderId"]
    assert accepted.json()["status"] == "PENDING"

    order = shop.wait_for_order(buyer, order_id)
    assert order["status"] == "CONFIRMED", order
    assert order["total"] == 3 * 1250 and order["currency"] == "USD"
    [authorized] = [entry for entry in order["timeline"] if entry["type"] == "PaymentAuthorized"]
    assert (authorized["cardBrand"], authorized["cardLast4"]) == ("visa", "4242")  # all the shop knows of it
    assert [line["sku"] for line in order["items"]] == [sku]
    timeline = [entry["type"] for entry in order["timeline"]]
    assert timeline[0] == "OrderCreated" and "PaymentCaptured" in timeline and "OrderConfirmed" in timeline

    assert shop.wait_until(lambda: shop.stock(sku)["reserved"] == 0, what="stock committed")
    assert shop.stock(sku)["available"] == 7
    assert shop.ledger(order_id) == ["authorization", "capture"]
    assert shop.payments_of(order_id)["net"] == 3 * 1250
    assert shop.wait_until(
        lambda: "OrderConfirmed" in shop.events_for(order_id), what="OrderConfirmed on the bus"
    )
    confirmations = shop.wait_for_emails(buyer.email, order_id)
    assert [e["subject"] for e in confirmations] == [f"Your order {order_id} is confirmed"], confirmations
    assert "Total: 37.50 USD" in confirmations[0]["body"], confirmations[0]
    assert shop.sent_emails(mentioning=order_id) == confirmations  # nobody else heard of this order
    assert shop.emails_to(buyer.email) - emails_before == 1
    assert shop.api("GET", "/cart", buyer).json()["items"] == []  # the cart was cleared


def test_declined_card_releases_stock_and_fails_with_its_reason(shop: Shop):
    sku = shop.product(stock=5)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 2)
    order_id = shop.checkout(buyer, number=DECLINE).json()["orderId"]
    order = shop.wait_for_order(buyer, order_id)
    assert order["status"] == "FAILED"
    assert order["reason"].startswith("PAYMENT_DECLINED"), order["reason"]
    assert shop.stock(sku)["available"] == 5 and shop.stock(sku)["reserved"] == 0
    assert shop.payments_of(order_id).get("captured", 0) == 0
    assert "PaymentFailed" in [entry["type"] for entry in order["timeline"]]
    assert shop.wait_until(lambda: "OrderFailed" in shop.events_for(order_id), what="OrderFailed on the bus")
    shop.cloud.drain()
    assert confirmations_of(shop, order_id) == []


def test_out_of_stock_fails_and_charges_nothing(shop: Shop):
    sku = shop.product(stock=2)
    buyer, rival = shop.sign_up(), shop.sign_up()
    shop.add_to_cart(buyer, sku, 2)
    shop.add_to_cart(rival, sku, 2)  # both carts fit the stock; only one order can
    first = shop.wait_for_order(rival, shop.checkout(rival).json()["orderId"])
    assert first["status"] == "CONFIRMED"
    order_id = shop.checkout(buyer).json()["orderId"]
    order = shop.wait_for_order(buyer, order_id)
    assert order["status"] == "FAILED" and order["reason"].startswith("OUT_OF_STOCK"), order
    assert shop.ledger(order_id) == []
    assert shop.stock(sku)["available"] == 0
    assert shop.wait_until(lambda: "OrderFailed" in shop.events_for(order_id), what="OrderFailed on the bus")
    shop.cloud.drain()
    assert confirmations_of(shop, order_id) == []
    assert len(shop.wait_for_emails(rival.email, first["orderId"])) == 1  # the rival's order, for contrast


def test_the_same_idempotency_key_twice_makes_one_order_and_one_charge(shop: Shop):
    sku = shop.product(stock=5)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 1)
    key, token = uuid.uuid4().hex, shop.tokenize()
    first, second = shop.checkout(buyer, key, token), shop.checkout(buyer, key, token)
    assert first.status_code == second.status_code == 202
    assert first.json()["orderId"] == second.json()["orderId"]
    order = shop.wait_for_order(buyer, first.json()["orderId"])
    assert order["status"] == "CONFIRMED"
    third = shop.checkout(buyer, key, token)
    assert third.json() == {"orderId": order["orderId"], "status": "CONFIRMED"}
    reused = shop.checkout(buyer, key)  # the same key with another token: another request
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert shop.ledger(order["orderId"]) == ["authorization", "capture"]
    assert len(shop.api("GET", "/orders", buyer).json()["items"]) == 1
    assert shop.stock(sku)["available"] == 4
    confirmations = shop.wait_for_emails(buyer.email, order["orderId"])
    assert [e["subject"] for e in confirmations] == [f"Your order {order['orderId']} is confirmed"], confirmations


def test_checkout_refuses_a_missing_key_and_an_empty_cart(shop: Shop):
    buyer = shop.sign_up()
    no_key = shop.api("POST", "/checkout", buyer, json={"paymentMethodId": shop.tokenize()})
    assert no_key.status_code == 422 and no_key.json()["error"]["details"][0]["field"] == "header.idempotency-key"
    empty = shop.checkout(buyer)
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "EMPTY_CART"
    assert shop.api("POST", "/checkout", headers={"Idempotency-Key": "k"}, json={}).status_code == 401
    bad = shop.api("POST", "/checkout", buyer, headers={"Idempotency-Key": "k"}, json={"paymentMethodId": "4242"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "VALIDATION_FAILED"


def test_a_raw_card_body_gets_422_saying_to_tokenize_first_and_makes_no_order(shop: Shop):
    sku = shop.product(stock=3)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 1)
    for body in ({"paymentMethod": card()}, {"card": card()["card"]},
                 {"paymentMethodId": shop.tokenize(), "card": card()["card"]}):
        refused = shop.api("POST", "/checkout", buyer, headers={"Idempotency-Key": uuid.uuid4().hex}, json=body)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "CARD_DATA_NOT_ACCEPTED" and "tokenize the card at the payment processor" in error["message"]
        assert APPROVE not in refused.text and CVC not in refused.text
    assert shop.api("GET", "/orders", buyer).json()["items"] == []
    assert shop.api("GET", "/cart", buyer).json()["items"] != []  # nothing was ordered


def test_a_step_failing_after_payment_refunds_then_releases(shop: Shop):
    sku = shop.product(stock=4, price=800)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 2)
    shop.inject_faults(["ConfirmOrder"])
    try:
        order_id = shop.checkout(buyer).json()["orderId"]
        order = shop.wait_for_order(buyer, order_id)
    finally:
        shop.inject_faults([])
    assert order["status"] == "FAILED" and order["reason"].startswith("INJECTED_FAULT"), order
    timeline = [entry["type"] for entry in order["timeline"]]
    assert (
        timeline.index("PaymentCaptured")
        < timeline.index("PaymentRefunded")
        < timeline.index("InventoryReleased")
    )
    assert shop.ledger(order_id) == ["authorization", "capture", "refund"]
    assert shop.payments_of(order_id)["net"] == 0
    assert shop.stock(sku) | {} and shop.stock(sku)["available"] == 4 and shop.stock(sku)["reserved"] == 0
