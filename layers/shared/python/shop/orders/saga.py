"""The order's own saga steps: record other services' outcomes, confirm, fail with a reason.

Inputs are what the state machine passes (see state_machines/checkout.asl.json); a failure is the
Catch's `{"Error", "Cause"}` where Cause is the failed Lambda's error object as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shop.orders.domain import NewEvent, Order
from shop.orders.service import OrderService

# Error name (the Lambda errorType or a States.* error) -> the code the customer's order shows.
REASON_CODES = {
    "OutOfStock": "OUT_OF_STOCK",
    "StockNotFound": "OUT_OF_STOCK",
    "PaymentDeclined": "PAYMENT_DECLINED",
    "CircuitOpenError": "PAYMENT_UNAVAILABLE",
    "TransientError": "PAYMENT_UNAVAILABLE",
    "OrderCancelledError": "CANCELLED",
    "States.Timeout": "TIMEOUT",
    "Sandbox.Timedout": "TIMEOUT",
}


def failure_reason(failure: dict[str, Any] | None) -> str:
    """`CODE: message` from a Catch's error output."""
    failure = failure or {}
    error = str(failure.get("Error") or "Unknown")
    message = ""
    cause = failure.get("Cause")
    if isinstance(cause, str) and cause:
        try:
            parsed = json.loads(cause)
            message = str(parsed.get("errorMessage", "")) if isinstance(parsed, dict) else cause
        except ValueError:
            message = cause
    code = REASON_CODES.get(error) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", error.replace(".", "_")).upper()
    return f"{code}: {message}"[:500] if message else code


def _stock_lines(reservation: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"sku": i["sku"], "quantity": int(i["quantity"])} for i in (reservation or {}).get("items", [])]


def record_step(orders: OrderService, event: dict[str, Any]) -> dict[str, Any]:
    """Record an inventory step's outcome on the order (once per kind)."""
    order_id, step = event["orderId"], event["step"]
    reservation = event.get("reservation") or {}
    if step == "reserved":
        order = orders.record_once(order_id, "InventoryReserved", {
            "orderId": order_id, "items": _stock_lines(reservation), "expiresAt": reservation.get("expiresAt")})
    elif step == "reservationFailed":
        order = orders.record_once(order_id, "InventoryReservationFailed", {
            "orderId": order_id, "reason": failure_reason(event.get("failure"))})
    elif step == "committed":
        order = orders.record_once(order_id, "InventoryCommitted",
                                   {"orderId": order_id, "items": _stock_lines(reservation)})
    else:
        raise ValueError(f"unknown saga step {step!r}")
    return {"orderId": order_id, "status": order.status, "version": order.version}


def confirm(orders: OrderService, event: dict[str, Any]) -> dict[str, Any]:
    order = orders.confirm(event["orderId"])
    return {"orderId": order.order_id, "status": order.status, "version": order.version}


def fail(orders: OrderService, event: dict[str, Any]) -> dict[str, Any]:
    """After the compensations: record the released stock, then OrderFailed (not over a cancellation)."""
    failure = event.get("failure") or {}
    reason = failure_reason(failure)
    release = failure.get("release") or {}
    release = release.get("value", release)  # the lambda:invoke integration's result, unwrapped

    def decide(order: Order) -> list[NewEvent]:
        new: list[NewEvent] = []
        lines = _stock_lines(release)
        if release.get("status") == "RELEASED" and lines and not order.has("InventoryReleased"):
            new.append(NewEvent("InventoryReleased", {"orderId": order.order_id, "items": lines, "reason": reason}))
        return new + order.fail(reason)

    order, _ = orders.execute(event["orderId"], decide)
    return {"orderId": order.order_id, "status": order.status, "reason": order.failure_reason}
