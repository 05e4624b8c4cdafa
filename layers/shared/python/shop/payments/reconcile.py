"""Provider webhooks -> the order's events, applied only when they match the authorization the shop holds.

A signed webhook proves that the processor sent it, not that it is about this order's money: a key
that leaked, a bug at the processor or a mixed-up reference must not settle an order. So a webhook
that records money (`charge.captured`, `charge.refunded`, `authorization.voided`) is applied only when

- its `reference` is an existing order,
- its payment id is the order's authorization (the `paymentId` of PaymentAuthorized, which the saga
  records from the processor's own answer),
- its amount and currency are what the shop asked for: an authorization of the order total in the
  order's currency, a capture of that total, a refund of no more than was captured,
- and, for a capture, the order has not FAILED or been CANCELLED (a webhook never moves an order back).

Anything else is a mismatch: counted (metric `PaymentWebhookMismatch`), logged as a WARNING with the
order and event ids, and nothing changes. What a step has recorded already is a duplicate (no change).
The outcomes the saga records itself (`authorization.succeeded`, `authorization.failed`) are acknowledged
and ignored. What a step did at the provider but died before recording is caught up here (and by the
compensation's own lookup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from shop.orders.domain import TERMINAL, NewEvent, Order
from shop.orders.service import OrderService

MISMATCH_METRIC = "PaymentWebhookMismatch"
MAX_ORDER_ID_LENGTH = 128
Outcome = Literal["applied", "duplicate", "ignored", "mismatch"]

# provider event type -> the order event it records
RECORDED = {
    "charge.captured": "PaymentCaptured",
    "charge.refunded": "PaymentRefunded",
    "authorization.voided": "PaymentVoided",
}


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str | None = None
    event: NewEvent | None = None


def judge(order: Order, kind: str, payment: dict[str, Any]) -> Verdict:
    """What a webhook of type `kind` about `payment` (the processor's authorization object) does to
    `order`. Pure: no I/O."""
    order_event = RECORDED.get(kind)
    if order_event is None:
        return Verdict("ignored")
    if not order.exists:
        return Verdict("mismatch", "no such order")
    if not order.payment_id or payment.get("id") != order.payment_id:
        return Verdict("mismatch", "payment id is not the order's authorization")
    currency = str(payment.get("currency", "")).upper()
    if currency != order.currency:
        return Verdict("mismatch", f"currency {currency or '?'} is not the order's {order.currency}")
    authorized, captured, refunded = (_amount(payment, name) for name in ("amount", "amountCaptured", "amountRefunded"))
    if authorized != order.total:
        return Verdict("mismatch", f"authorized amount {authorized} is not the order total {order.total}")
    if kind == "charge.captured":
        if captured != order.total:
            return Verdict("mismatch", f"captured amount {captured} is not the order total {order.total}")
        amount = captured
    elif kind == "charge.refunded":
        if captured is None or refunded is None or not 0 < refunded <= captured:
            return Verdict("mismatch", f"refunded amount {refunded} is not within the captured {captured}")
        amount = refunded
    else:
        if order.captured_amount:
            return Verdict("mismatch", "void for an authorization the shop has captured")
        amount = authorized
    if order.has(order_event):
        return Verdict("duplicate")
    if kind == "charge.captured" and order.status in TERMINAL:
        # Money taken for an order that ended: the compensation's own lookup refunds it; say so loudly.
        return Verdict("mismatch", f"capture for an order that is {order.status}")
    data = {"orderId": order.order_id, "paymentId": order.payment_id, "amount": amount, "currency": order.currency}
    return Verdict("applied", event=NewEvent(order_event, data))


def reconcile(orders: OrderService, event: dict[str, Any]) -> dict[str, Any]:
    """Apply one provider event to its order (see the module doc); the outcome, for the response and logs."""
    kind = str(event.get("type", ""))
    data = event.get("data")
    payment = data.get("object") if isinstance(data, dict) else None
    payment = payment if isinstance(payment, dict) else {}
    reference = payment.get("reference")
    result: dict[str, Any] = {"eventId": event.get("id"), "type": kind, "orderId": reference, "recorded": None}
    if kind not in RECORDED:
        return {**result, "outcome": "ignored"}
    if not isinstance(reference, str) or not 0 < len(reference) <= MAX_ORDER_ID_LENGTH:
        result = {**result, "orderId": None, "paymentId": payment.get("id")}
        report_mismatch(result, "no order reference")
        return {**result, "outcome": "mismatch", "reason": "no order reference"}
    verdicts: list[Verdict] = []

    def decide(order: Order) -> list[NewEvent]:
        verdicts.append(judge(order, kind, payment))  # on the freshest order, again after a conflict
        return [verdicts[-1].event] if verdicts[-1].event else []

    orders.execute(reference, decide)
    verdict = verdicts[-1]
    if verdict.outcome == "mismatch":
        result = {**result, "paymentId": payment.get("id")}
        report_mismatch(result, verdict.reason or "")
        return {**result, "outcome": "mismatch", "reason": verdict.reason}
    return {**result, "outcome": verdict.outcome, "recorded": verdict.event.type if verdict.event else None}


def report_mismatch(result: dict[str, Any], reason: str) -> None:
    """One metric and one WARNING per mismatching event (a redelivery is answered from the first run)."""
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415 - observability only where used

    from shop.observability import get_logger, get_metrics  # noqa: PLC0415

    get_metrics().add_metric(name=MISMATCH_METRIC, unit=MetricUnit.Count, value=1)
    get_logger().warning("payment webhook does not match the order's authorization: nothing changed", extra={
        "order_id": result.get("orderId"), "event_id": result.get("eventId"), "event_type": result.get("type"),
        "payment_id": result.get("paymentId"), "reason": reason})


def _amount(payment: dict[str, Any], name: str) -> int | None:
    value = payment.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
