"""The saga's payment steps: authorize, capture, compensate (void or refund), each idempotent by order.

Amounts come from the order's events, never from the step's input. The card reaches the processor as
a token the client made there (`paymentMethod`, single-use); the shop records only the brand and the
last 4 digits the processor answers. Every provider call goes
through the shared circuit breaker (declines are not failures) with an idempotency key derived
from the order (`<orderId>:authorize`, `:capture`, `:void`, `:refund`), and its outcome is
appended to the order's events, which is also how a repeated step knows it has nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shop.config import env_float, env_int, env_str
from shop.orders.domain import Order
from shop.orders.service import OrderService
from shop.payments.provider import Authorization, PaymentDeclined, PaymentProvider, TransientError
from shop.resilience import BreakerConfig, CircuitBreaker, CircuitOpenError

T = TypeVar("T")
BREAKER_NAME = "payment-provider"


def breaker_config() -> BreakerConfig:
    """The breaker's thresholds; the open period, window and minimum calls come from the template."""
    return BreakerConfig(
        open_duration=env_float("PAYMENT_BREAKER_OPEN_SECONDS", 10.0),
        minimum_calls=env_int("PAYMENT_BREAKER_MINIMUM_CALLS", 20),
        half_open_calls=env_int("PAYMENT_BREAKER_HALF_OPEN_CALLS", 5),
        sliding_window_size=env_int("PAYMENT_BREAKER_WINDOW_SIZE", 100),
        record_exceptions=(TransientError,),
        ignore_exceptions=(PaymentDeclined,),  # a declined card says nothing about the provider's health
    )


def default_breaker() -> CircuitBreaker:
    """The breaker every environment of the payment functions shares (named per stack: PAYMENT_BREAKER_NAME)."""
    from shop.redis_client import redis_client  # noqa: PLC0415 - redis only where a breaker is built

    name = env_str("PAYMENT_BREAKER_NAME", BREAKER_NAME) or BREAKER_NAME
    return CircuitBreaker(name, redis=redis_client(), config=breaker_config())


class PaymentService:
    def __init__(self, provider: PaymentProvider, orders: OrderService, breaker: CircuitBreaker) -> None:
        self.provider = provider
        self.orders = orders
        self.breaker = breaker

    def _guarded(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return self.breaker.call(fn, *args, **kwargs)

    def authorize(self, order_id: str, payment_method: str) -> dict[str, Any]:
        order = self.orders.load(order_id)
        order.require_exists()
        if order.payment_id:
            return _result(order)
        order.ensure_not_cancelled()
        try:
            authorization = self._guarded(
                self.provider.authorize, amount=order.total, currency=order.currency, payment_method=payment_method,
                reference=order_id, idempotency_key=f"{order_id}:authorize",
            )
        except PaymentDeclined as err:
            code = (err.details or {}).get("code") or "card_declined"
            self.orders.record_once(order_id, "PaymentFailed",
                                    {"orderId": order_id, "reason": f"payment declined: {code}", "code": "DECLINED"})
            raise
        except CircuitOpenError:
            # Nothing reached the provider: the failure is definitive, no void is needed.
            self.orders.record_once(order_id, "PaymentFailed", {
                "orderId": order_id, "reason": "payment provider unavailable (circuit open)", "code": "CIRCUIT_OPEN"})
            raise
        authorized = {"orderId": order_id, "paymentId": authorization.id, "amount": authorization.amount,
                      "currency": authorization.currency}
        if authorization.card_brand:
            authorized["cardBrand"] = authorization.card_brand
        if authorization.card_last4:
            authorized["cardLast4"] = authorization.card_last4
        order = self.orders.record_once(order_id, "PaymentAuthorized", authorized)
        return _result(order)

    def capture(self, order_id: str) -> dict[str, Any]:
        order = self.orders.load(order_id)
        order.require_exists()
        if order.captured_amount:
            return _result(order)
        order.ensure_not_cancelled()
        if not order.payment_id:
            raise PaymentDeclined(f"order {order_id} has no authorization to capture", code="NOT_AUTHORIZED")
        authorization = self._guarded(self.provider.capture, order.payment_id,
                                      idempotency_key=f"{order_id}:capture")
        order = self.orders.record_once(order_id, "PaymentCaptured", {
            "orderId": order_id, "paymentId": authorization.id, "amount": authorization.amount_captured,
            "currency": authorization.currency})
        return _result(order)

    def compensate(self, order_id: str) -> dict[str, Any]:
        """Give the customer's money back: refund a capture, void an authorization, or nothing."""
        order = self.orders.load(order_id)
        order.require_exists()
        for authorization in self._authorizations_to_undo(order):
            if authorization.status == "captured":
                done = self._guarded(self.provider.refund, authorization.id, idempotency_key=f"{order_id}:refund")
                order = self.orders.record_once(order_id, "PaymentRefunded", {
                    "orderId": order_id, "paymentId": done.id, "amount": done.amount_refunded or done.amount_captured,
                    "currency": done.currency})
            elif authorization.status == "authorized":
                done = self._guarded(self.provider.void, authorization.id, idempotency_key=f"{order_id}:void")
                order = self.orders.record_once(order_id, "PaymentVoided", {
                    "orderId": order_id, "paymentId": done.id, "amount": done.amount, "currency": done.currency})
        return _result(order)

    def _authorizations_to_undo(self, order: Order) -> list[Authorization]:
        if order.has("PaymentRefunded") or order.has("PaymentVoided"):
            return []
        if not order.payment_id and order.has("PaymentFailed"):
            return []  # declined or never sent: the provider holds nothing for this order
        # Ask the provider what it holds: a step may have acted there and died before recording it.
        return [a for a in self._guarded(self.provider.find, order.order_id)
                if a.status in ("authorized", "captured")]


def _result(order: Order) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "paymentId": order.payment_id,
        "authorized": order.authorized_amount,
        "captured": order.captured_amount,
        "refunded": order.refunded_amount,
        "voided": order.voided,
        "currency": order.currency,
    }
