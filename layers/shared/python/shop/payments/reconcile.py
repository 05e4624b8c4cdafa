"""Provider webhooks -> the order's events: what the provider did that a step has not recorded yet.

A step that acted at the provider and died before recording it is caught up here (and by the
compensation's own lookup); for everything else the webhook is a no-op, because each outcome is
recorded once per order.
"""

from __future__ import annotations

from typing import Any

from shop.orders.service import OrderService

# provider event type -> (order event, amount field of the provider's object)
RECORDED = {
    "charge.captured": ("PaymentCaptured", "amountCaptured"),
    "charge.refunded": ("PaymentRefunded", "amountRefunded"),
    "authorization.voided": ("PaymentVoided", "amount"),
}


def reconcile(orders: OrderService, event: dict[str, Any]) -> dict[str, Any]:
    kind = str(event.get("type", ""))
    obj = (event.get("data") or {}).get("object") or {}
    reference = obj.get("reference")
    if kind not in RECORDED or not reference or not obj.get("id"):
        return {"eventId": event.get("id"), "recorded": None}
    order = orders.load(str(reference))
    if not order.exists:
        return {"eventId": event.get("id"), "recorded": None}
    order_event, amount_field = RECORDED[kind]
    orders.record_once(order.order_id, order_event, {
        "orderId": order.order_id, "paymentId": obj["id"], "amount": int(obj.get(amount_field) or 0),
        "currency": str(obj.get("currency", order.currency)).upper()})
    return {"eventId": event.get("id"), "recorded": order_event}
