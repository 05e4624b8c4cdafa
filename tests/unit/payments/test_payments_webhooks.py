"""Webhook signatures (our verifier against the sandbox's signer) and reconciliation into the order."""

from __future__ import annotations

import pytest
from orders_support import order_created
from shop.orders.service import OrderService
from shop.payments.reconcile import reconcile
from shop.payments.webhooks import InvalidSignature, verify_signature

from infrastructure.payment_sandbox.chalicelib.signing import sign

SECRET, NOW = "whsec_test", 1_800_000_000
BODY = b'{"id":"evt_1","type":"charge.captured"}'


def test_a_signature_from_the_provider_verifies():
    assert verify_signature(SECRET, BODY, sign(SECRET, BODY, NOW), now=NOW + 10) == NOW


@pytest.mark.parametrize("header", [
    None, "", "t=abc,v1=00", f"t={NOW}", sign("another-secret", BODY, NOW), sign(SECRET, BODY + b" ", NOW),
])
def test_missing_malformed_or_wrong_signatures_are_refused(header: str | None):
    with pytest.raises(InvalidSignature) as raised:
        verify_signature(SECRET, BODY, header, now=NOW)
    assert raised.value.status == 401


def test_a_replay_outside_the_tolerance_window_is_refused():
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, BODY, sign(SECRET, BODY, NOW), now=NOW + 301, tolerance_seconds=300)


def test_any_v1_may_match_while_the_secret_rotates():
    header = sign(SECRET, BODY, NOW) + ",v1=" + "0" * 64
    rotated = f"t={NOW},v1={'0' * 64},v1={header.split('v1=')[1].split(',')[0]}"
    assert verify_signature(SECRET, BODY, rotated, now=NOW) == NOW


def test_a_capture_webhook_is_recorded_on_the_order_once(orders: OrderService):
    orders.create("ord_1", order_created())
    event = {"id": "evt_1", "type": "charge.captured",
             "data": {"object": {"id": "auth_1", "reference": "ord_1", "amountCaptured": 2500, "currency": "usd"}}}
    assert reconcile(orders, event)["recorded"] == "PaymentCaptured"
    reconcile(orders, event)
    order = orders.load("ord_1")
    assert order.captured_amount == 2500 and order.version == 2


def test_webhooks_for_unknown_orders_or_types_change_nothing(orders: OrderService):
    assert reconcile(orders, {"id": "e", "type": "charge.captured",
                              "data": {"object": {"id": "a", "reference": "ord_none"}}})["recorded"] is None
    assert reconcile(orders, {"id": "e", "type": "authorization.succeeded", "data": {"object": {}}})["recorded"] is None
