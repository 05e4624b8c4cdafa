"""The order's saga steps and the outbox relay's envelopes."""

from __future__ import annotations

import json

from orders_support import order_created
from shop.events import parse_envelope
from shop.orders import saga
from shop.orders.publishing import envelope_of
from shop.orders.service import OrderService


def catch_output(error: str, message: str) -> dict:
    return {"Error": error, "Cause": json.dumps({"errorType": error, "errorMessage": message})}


def test_failure_reason_names_the_code_and_the_message():
    assert saga.failure_reason(catch_output("OutOfStock", "not enough SKU-1")) == "OUT_OF_STOCK: not enough SKU-1"
    assert saga.failure_reason(catch_output("PaymentDeclined", "declined")).startswith("PAYMENT_DECLINED")
    assert saga.failure_reason({"Error": "States.Timeout", "Cause": "took too long"}) == "TIMEOUT: took too long"
    assert saga.failure_reason(None) == "UNKNOWN"


def test_fail_records_the_released_stock_then_the_reason(orders: OrderService):
    orders.create("ord_1", order_created())
    failure = {**catch_output("PaymentDeclined", "Your card was declined."),
               "release": {"value": {"orderId": "ord_1", "status": "RELEASED",
                                         "items": [{"sku": "SKU-1", "quantity": 2}]}}}
    result = saga.fail(orders, {"orderId": "ord_1", "failure": failure})
    again = saga.fail(orders, {"orderId": "ord_1", "failure": failure})
    assert result["status"] == "FAILED" and result["reason"].startswith("PAYMENT_DECLINED")
    assert again["status"] == "FAILED"
    assert [e.type for e in orders.store.load("ord_1")] == ["OrderCreated", "InventoryReleased", "OrderFailed"]


def test_record_step_keeps_each_inventory_outcome_once(orders: OrderService):
    orders.create("ord_1", order_created())
    step = {"orderId": "ord_1", "step": "reserved",
            "reservation": {"status": "RESERVED", "items": [{"sku": "SKU-1", "quantity": 2}],
                            "expiresAt": "2026-01-01T00:15:00Z"}}
    saga.record_step(orders, step)
    saga.record_step(orders, step)
    assert orders.load("ord_1").reserved and orders.load("ord_1").version == 2


def test_the_relay_publishes_order_events_with_their_stored_ids_and_skips_inventory_ones(orders: OrderService):
    orders.create("ord_1", order_created())
    saga.record_step(orders, {"orderId": "ord_1", "step": "reserved",
                              "reservation": {"items": [{"sku": "SKU-1", "quantity": 2}],
                                              "expiresAt": "2026-01-01T00:15:00Z"}})
    orders.confirm("ord_1")
    created, reserved, confirmed = orders.store.load("ord_1")
    envelope = envelope_of(created)
    assert envelope is not None and envelope.event_id == created.event_id
    assert envelope_of(reserved) is None  # the inventory publishes its own reservation events
    detail = json.loads(envelope_of(confirmed).model_dump_json(by_alias=True))
    parsed = parse_envelope(detail)  # valid against the shared event models
    assert parsed.type == "OrderConfirmed" and parsed.data.email == "ann@example.com"
    assert parsed.source == "shop.order"
