"""Customer emails for order and user events: rendering, the recipient, sending through SES (moto)."""

from __future__ import annotations

from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from shop.notifications.email import SesMailer, recipient_of, render

CONFIRMED = {"orderId": "ord_1", "userId": "u1", "email": "ann@example.com", "total": 3700, "currency": "USD",
             "items": [{"sku": "MUG-1", "name": "Mug", "quantity": 2, "unitPrice": 1200, "productId": "p1"},
                       {"sku": "TEE-1", "name": "Tee", "quantity": 1, "unitPrice": 1300, "productId": "p2"}]}


def test_a_confirmation_lists_the_lines_and_the_total():
    message = render("OrderConfirmed", CONFIRMED, "ann@example.com")
    assert message is not None and "ord_1" in message.subject
    assert "2 x Mug" in message.text and "Total: 37.00 USD" in message.text


def test_events_without_an_email_send_nothing():
    assert render("StockChanged", {}, "ann@example.com") is None


def test_a_cancellation_goes_to_the_orders_address():
    assert recipient_of("OrderCancelled", {"orderId": "ord_1"}, lambda order_id: f"{order_id}@x.io") == "ord_1@x.io"
    assert recipient_of("UserRegistered", {"email": "new@x.io"}, lambda _: None) == "new@x.io"


def test_the_mailer_verifies_its_sender_once_and_sends(aws: Any):
    ses = boto3.client("ses", region_name="us-east-1")
    mailer = SesMailer("orders@shop.example.com", ses)
    mailer.send(render("UserRegistered", {"email": "new@x.io"}, "new@x.io"))
    mailer.send(render("OrderConfirmed", CONFIRMED, "ann@example.com"))
    assert ses.list_identities()["Identities"] == ["orders@shop.example.com"]
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert [m.destinations["ToAddresses"] for m in sent] == [["new@x.io"], ["ann@example.com"]]
