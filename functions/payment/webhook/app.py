"""POST /payments/webhook (public): the provider's signed callbacks; bad signature 401, duplicates 200 once-processed."""

from __future__ import annotations

import json
import os
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from shop.apidoc import error_responses
from shop.config import env_int
from shop.errors import BadRequest
from shop.http import create_app
from shop.observability import instrument
from shop.orders.service import OrderService
from shop.payments.reconcile import reconcile
from shop.payments.webhooks import SIGNATURE_HEADER, verify_signature

app = create_app()
orders = OrderService()
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
# Key = the provider's event id: a redelivered event is answered from the first processing.
once_per_event = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=7 * 24 * 3600)
SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET", "")
TOLERANCE_SECONDS = env_int("PAYMENT_WEBHOOK_TOLERANCE_SECONDS", 300)


@idempotent_function(data_keyword_argument="event", persistence_store=persistence, config=once_per_event)
def process(event: dict[str, Any]) -> dict[str, Any]:
    return reconcile(orders, event)


@app.post("/payments/webhook", summary="Payment provider webhook", tags=["payments"], operation_id="paymentWebhook",
          responses={200: {"description": "Received (a redelivered event answers as the first time)",
                           "content": {"application/json": {"schema": {"type": "object"}}}},
                     **error_responses(401, s401="Signature missing, wrong or too old")})
def webhook() -> dict[str, Any]:
    raw = app.current_event.decoded_body or ""
    body = raw.encode() if isinstance(raw, str) else raw
    verify_signature(SECRET, body, app.current_event.headers.get(SIGNATURE_HEADER),
                     tolerance_seconds=TOLERANCE_SECONDS)
    try:
        event = json.loads(body)
    except ValueError:
        raise BadRequest("body is not JSON", code="MALFORMED_JSON") from None
    if not isinstance(event, dict) or not event.get("id"):
        raise BadRequest("not a provider event", code="INVALID_EVENT")
    result = process(event=event)
    return {"received": True, **result}


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    once_per_event.register_lambda_context(context)
    return app.resolve(event, context)
