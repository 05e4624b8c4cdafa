"""EventBridge (OrderConfirmed, OrderCancelled, UserRegistered) -> one email through SES per event id."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)
from shop.notifications.email import SesMailer, recipient_of, render
from shop.observability import get_logger, instrument
from shop.orders.service import OrderService

mailer = SesMailer(os.environ["EMAIL_SENDER"])
mailer.ensure_sender_verified()  # once per execution environment
orders = OrderService()
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
# At-least-once delivery: the envelope's event id makes a redelivered event a no-op.
config = IdempotencyConfig(event_key_jmespath="detail.eventId", expires_after_seconds=7 * 24 * 3600)


def _order_email(order_id: str) -> str | None:
    return orders.load(order_id).email


@instrument
@idempotent(persistence_store=persistence, config=config)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    detail = event.get("detail") or {}
    event_type = str(detail.get("type") or event.get("detail-type"))
    data = detail.get("data") or {}
    to = recipient_of(event_type, data, _order_email)
    message = render(event_type, data, to) if to else None
    if message is None:
        get_logger().info("no email for this event", extra={"event_type": event_type})
        return {"sent": False}
    message_id = mailer.send(message)
    return {"sent": True, "messageId": message_id, "type": event_type}
