"""Saga step: authorize the order's total on the card (PaymentDeclined / CircuitOpenError are caught by the saga).

Idempotent twice over: Powertools idempotency per order id (IdempotencyTable) in front, and the
order's events plus the provider's idempotency key (`<orderId>:authorize`) behind it.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)
from shop.observability import instrument
from shop.payments import steps

payments = steps.payment_service_from_env()
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
config = IdempotencyConfig(event_key_jmespath="orderId", expires_after_seconds=24 * 3600)


@instrument
@idempotent(persistence_store=persistence, config=config)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return steps.authorize(payments, event)
