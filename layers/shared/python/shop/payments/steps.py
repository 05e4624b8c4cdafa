"""The saga's payment steps as Lambda handlers call them: state machine input in, JSON out."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from shop.errors import BadRequest
from shop.payments.provider import PAYMENT_METHOD_PATTERN
from shop.payments.service import PaymentService


class InvalidPaymentInput(BadRequest):
    code = "INVALID_PAYMENT_INPUT"


def authorize(payments: PaymentService, event: dict[str, Any]) -> dict[str, Any]:
    payment_method = event.get("paymentMethodId")
    if not isinstance(payment_method, str) or not re.fullmatch(PAYMENT_METHOD_PATTERN, payment_method):
        raise InvalidPaymentInput("the step input needs paymentMethodId, a card tokenized at the processor")
    return payments.authorize(event["orderId"], payment_method)


def capture(payments: PaymentService, event: dict[str, Any]) -> dict[str, Any]:
    return payments.capture(event["orderId"])


def compensate(payments: PaymentService, event: dict[str, Any]) -> dict[str, Any]:
    return payments.compensate(event["orderId"])


def payment_service_from_env() -> PaymentService:
    """The service as the payment functions run it: HTTP provider, shared breaker, order store."""
    from shop.orders.service import OrderService  # noqa: PLC0415
    from shop.payments.http_provider import HttpPaymentProvider  # noqa: PLC0415
    from shop.payments.service import default_breaker  # noqa: PLC0415

    return PaymentService(HttpPaymentProvider(), OrderService(), default_breaker())


def saga_step_handler(step: Callable[[PaymentService, dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
    """The Lambda handler of a payment saga step: instrumented, and idempotent per order id through
    Powertools (IdempotencyTable) in front of the order's events and the provider's idempotency key."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent,
    )

    from shop.observability import instrument

    payments = payment_service_from_env()
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
    config = IdempotencyConfig(event_key_jmespath="orderId", expires_after_seconds=24 * 3600)

    @instrument
    @idempotent(persistence_store=persistence, config=config)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return step(payments, event)

    return handler
