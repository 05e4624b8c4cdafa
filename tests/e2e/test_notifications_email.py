"""Customer emails: a welcome on sign-up, and one email per event id even when the bus delivers twice."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from checkout_support import Shop, start_shop


@pytest.fixture(scope="module")
def shop(start_local_cloud: Callable[..., Any]) -> Shop:
    return start_shop(start_local_cloud)


def test_signing_up_sends_one_welcome_email(shop: Shop):
    shop.cloud.drain()
    address = f"welcome-{uuid.uuid4().hex[:8]}@example.com"
    before = shop.emails_to(address)
    assert shop.api("POST", "/auth/signup", json={"email": address, "password": "Passw0rd-e2e"}).status_code == 201
    welcome = shop.wait_for_emails(address)
    assert [e["subject"] for e in welcome] == ["Welcome to the shop"], welcome
    assert shop.emails_to(address) - before == 1


def test_an_event_delivered_twice_sends_one_email(shop: Shop):
    shop.cloud.drain()
    address = f"twice-{uuid.uuid4().hex[:8]}@example.com"
    before = shop.emails_to(address)
    envelope = {"eventId": str(uuid.uuid4()), "type": "UserRegistered", "schemaVersion": 1, "source": "shop.user",
                "time": datetime.now(UTC).isoformat(), "correlationId": str(uuid.uuid4()),
                "data": {"userId": str(uuid.uuid4()), "email": address}}
    entry = {"Source": "shop.user", "DetailType": "UserRegistered", "Detail": json.dumps(envelope),
             "EventBusName": shop.cloud.outputs["EventBusName"]}
    events = shop.cloud.client("events")
    events.put_events(Entries=[entry])
    events.put_events(Entries=[entry])  # at-least-once delivery: the same event id again
    emails = shop.wait_for_emails(address)
    assert [e["subject"] for e in emails] == ["Welcome to the shop"], emails
    assert shop.emails_to(address) - before == 1
