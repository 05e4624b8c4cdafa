"""POST /payments/webhook (public): the provider's signed callbacks, each event applied once and only
when it matches the order's authorization (see shop.payments.reconcile).

401 for a missing, wrong or stale signature; 200 with the outcome (applied, duplicate, ignored, mismatch)
otherwise, the same answer for every delivery of one event; 409 while another delivery of the same event
is still being processed (the processor retries). The signing secret is read from Secrets Manager.
"""

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
from shop.config import env_float, env_int
from shop.errors import BadRequest
from shop.http import create_app
from shop.observability import current_lambda_context, instrument
from shop.orders.service import OrderService
from shop.payments.reconcile import reconcile
from shop.payments.webhooks import SIGNATURE_HEADER, process_once, verify_signature
from shop.secrets import Secret

app = create_app()
orders = OrderService()
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
# Key = the provider's event id: a redelivered event is answered from the first processing.
once_per_event = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=7 * 24 * 3600)
signing_secret = Secret("PAYMENT_WEBHOOK_SECRET_ARN")
TOLERANCE_SECONDS = env_int("PAYMENT_WEBHOOK_TOLERANCE_SECONDS", 300)
# How long a concurrent delivery waits for the first one's result before answering 409.
IN_PROGRESS_WAIT_SECONDS = env_float("PAYMENT_WEBHOOK_IN_PROGRESS_WAIT_SECONDS", 3.0)


@idempotent_function(data_keyword_argument="event", persistence_store=persistence, config=once_per_event)
def process(event: dict[str, Any]) -> dict[str, Any]:
    return reconcile(orders, event)


@app.post("/payments/webhook", summary="Payment provider webhook", tags=["payments"], operation_id="paymentWebhook",
          responses={200: {"description": "Received: applied, duplicate, ignored or mismatch (nothing changed)",
                           "content": {"application/json": {"schema": {"type": "object"}}}},
                     **error_responses(401, 409, s401="Signature missing, wrong or too old",
                                       s409="The same event is being processed by another delivery")})
def webhook() -> dict[str, Any]:
    raw = app.current_event.decoded_body or ""
    body = raw.encode() if isinstance(raw, str) else raw
    verify_signature(signing_secret.value(), body, app.current_event.headers.get(SIGNATURE_HEADER),
                     tolerance_seconds=TOLERANCE_SECONDS)
    try:
        event = json.loads(body)
    except ValueError:
        raise BadRequest("body is not JSON", code="MALFORMED_JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
        raise BadRequest("not a provider event", code="INVALID_EVENT")
    result = process_once(lambda e: process(event=e), event, wait_seconds=_wait_budget())
    return {"received": True, **result}


def _wait_budget() -> float:
    """The wait for a concurrent delivery, leaving a second of the invocation to answer."""
    context = current_lambda_context()
    if context is None:
        return IN_PROGRESS_WAIT_SECONDS
    return max(0.0, min(IN_PROGRESS_WAIT_SECONDS, context.get_remaining_time_in_millis() / 1000 - 1.0))


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    once_per_event.register_lambda_context(context)
    return app.resolve(event, context)
