"""POST /payments/webhook: signature checked (401 when wrong or stale), each event processed once."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from checkout_support import Shop, start_shop

from infrastructure.payment_sandbox.chalicelib.signing import sign

SECRET = "whsec_test_local"  # the template's default PaymentWebhookSecret


@pytest.fixture(scope="module")
def shop(start_local_cloud: Callable[..., Any]) -> Shop:
    return start_shop(start_local_cloud)


def post(shop: Shop, body: bytes, signature: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Sandbox-Signature"] = signature
    return shop.api("POST", "/payments/webhook", content=body, headers=headers)


def test_unsigned_wrongly_signed_or_stale_webhooks_are_401(shop: Shop):
    body = json.dumps(
        {"id": f"evt_{uuid.uuid4().hex}", "type": "charge.captured", "data": {"object": {}}}
    ).encode()
    now = int(time.time())
    assert post(shop, body, None).status_code == 401
    assert post(shop, body, sign("not-the-secret", body, now)).status_code == 401
    assert post(shop, body + b" ", sign(SECRET, body, now)).status_code == 401
    stale = post(shop, body, sign(SECRET, body, now - 3600))
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "INVALID_SIGNATURE"


def test_a_duplicate_event_is_answered_200_and_processed_once(shop: Shop):
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "authorization.succeeded",
            "data": {"object": {"id": "auth_x", "reference": "ord_none"}},
        }
    ).encode()
    first = post(shop, body, sign(SECRET, body, int(time.time())))
    again = post(shop, body, sign(SECRET, body, int(time.time())))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()


def test_the_sandbox_webhooks_reach_the_shop_signed(shop: Shop):
    sku = shop.product(stock=2)
    buyer = shop.sign_up()
    shop.add_to_cart(buyer, sku, 1)
    order = shop.wait_for_order(buyer, shop.checkout(buyer).json()["orderId"])
    assert order["status"] == "CONFIRMED"
    shop.wait_until(
        lambda: shop.sandbox_call("GET", "/_sandbox/stats")["webhooks"]["pending"] == 0,
        what="webhooks delivered",
    )
    assert shop.sandbox_call("GET", "/_sandbox/stats")["webhooks"]["failed"] == 0
