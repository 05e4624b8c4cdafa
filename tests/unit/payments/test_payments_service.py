"""The saga's payment steps: sandbox + moto order store + the circuit breaker on a real Redis."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import tokenize
from orders_support import order_created
from shop.orders.domain import OrderCancelledError
from shop.orders.service import OrderService
from shop.payments.http_provider import HttpPaymentProvider
from shop.payments.provider import PaymentDeclined, TransientError
from shop.payments.service import PaymentService, breaker_config
from shop.resilience import CircuitBreaker, CircuitOpenError

from infrastructure.payment_sandbox.server import SandboxServer

DECLINE = "4000000000000002"


def sandbox_get(sandbox: SandboxServer, path: str) -> Any:
    return httpx.get(f"{sandbox.url}{path}", headers={"Authorization": f"Bearer {sandbox.api_key}"}).json()


def configure(sandbox: SandboxServer, **switches: object) -> None:
    httpx.put(f"{sandbox.url}/_sandbox/config", json=switches,
              headers={"Authorization": f"Bearer {sandbox.api_key}"}).raise_for_status()


@pytest.fixture
def breaker(redis_db: Any, monkeypatch: pytest.MonkeyPatch) -> CircuitBreaker:
    monkeypatch.setenv("PAYMENT_BREAKER_MINIMUM_CALLS", "4")
    monkeypatch.setenv("PAYMENT_BREAKER_OPEN_SECONDS", "1")
    monkeypatch.setenv("PAYMENT_BREAKER_HALF_OPEN_CALLS", "1")
    return CircuitBreaker("payment-provider-test", redis=redis_db, config=breaker_config())


@pytest.fixture
def payments(orders: OrderService, sandbox: SandboxServer, breaker: CircuitBreaker) -> PaymentService:
    provider = HttpPaymentProvider(sandbox.url, sandbox.api_key, connect_timeout=0.5, read_timeout=1.0)
    return PaymentService(provider, orders, breaker)


def new_order(orders: OrderService, order_id: str = "ord_1", total: int = 2500) -> str:
    orders.create(order_id, order_created(order_id=order_id, total=total))
    return order_id


def test_authorize_charges_the_order_total_once(payments: PaymentService, orders: OrderService,
                                                sandbox: SandboxServer):
    order_id = new_order(orders, total=4200)
    payment_method = tokenize(sandbox)
    first = payments.authorize(order_id, payment_method)
    again = payments.authorize(order_id, payment_method)
    assert first["paymentId"] == again["paymentId"] and first["authorized"] == 4200
    assert sandbox_get(sandbox, "/_sandbox/stats")["authorizations"] == 1
    [authorized] = [e for e in orders.store.load(order_id) if e.type == "PaymentAuthorized"]
    assert authorized.data == {"orderId": order_id, "paymentId": first["paymentId"], "amount": 4200,
                               "currency": "USD", "cardBrand": "visa", "cardLast4": "4242"}


def test_a_decline_is_recorded_and_does_not_count_against_the_provider(payments: PaymentService,
                                                                      orders: OrderService, sandbox: SandboxServer):
    for i in range(6):
        order_id = new_order(orders, f"ord_d{i}")
        with pytest.raises(PaymentDeclined):
            payments.authorize(order_id, tokenize(sandbox, DECLINE))
    assert payments.breaker.state().state == "closed"
    assert payments.breaker.state().calls == 0
    assert orders.load("ord_d0").has("PaymentFailed")


def test_provider_failures_open_the_breaker_then_it_closes_after_recovery(payments: PaymentService,
                                                                         orders: OrderService,
                                                                         sandbox: SandboxServer):
    import time

    payment_method = tokenize(sandbox)
    configure(sandbox, outage=True)
    for i in range(4):
        with pytest.raises(TransientError):
            payments.authorize(new_order(orders, f"ord_o{i}"), payment_method)
    fast = new_order(orders, "ord_fast")
    with pytest.raises(CircuitOpenError):
        payments.authorize(fast, payment_method)
    assert orders.load(fast).has("PaymentFailed")  # definitive: nothing reached the provider
    configure(sandbox, outage=False)
    time.sleep(1.1)
    assert payments.authorize(new_order(orders, "ord_after"), payment_method)["paymentId"]
    assert payments.breaker.state().state == "closed"


def test_capture_then_compensate_refunds_once(payments: PaymentService, orders: OrderService,
                                              sandbox: SandboxServer):
    order_id = new_order(orders)
    payments.authorize(order_id, tokenize(sandbox))
    assert payments.capture(order_id)["captured"] == 2500
    assert payments.compensate(order_id)["refunded"] == 2500
    assert payments.compensate(order_id)["refunded"] == 2500
    totals = sandbox_get(sandbox, "/_sandbox/stats")["byReference"][order_id]
    assert totals["captures"] == 1 and totals["refunds"] == 1 and totals["net"] == 0


def test_compensating_an_uncaptured_order_voids_it(payments: PaymentService, orders: OrderService,
                                                   sandbox: SandboxServer):
    order_id = new_order(orders)
    payments.authorize(order_id, tokenize(sandbox))
    result = payments.compensate(order_id)
    assert result["voided"] and result["refunded"] == 0
    assert sandbox_get(sandbox, "/_sandbox/stats")["byReference"][order_id]["captured"] == 0


def test_compensation_finds_an_authorization_the_step_never_recorded(payments: PaymentService,
                                                                      orders: OrderService, sandbox: SandboxServer):
    order_id = new_order(orders)
    # The provider authorized, then the step died before appending PaymentAuthorized.
    payments.provider.authorize(amount=2500, currency="USD", payment_method=tokenize(sandbox), reference=order_id,
                                idempotency_key=f"{order_id}:authorize")
    assert payments.compensate(order_id)["voided"]
    assert [a["status"] for a in sandbox_get(sandbox, f"/v1/authorizations?reference={order_id}")["items"]] == [
        "voided"]


def test_a_cancelled_order_is_not_captured(payments: PaymentService, orders: OrderService, sandbox: SandboxServer):
    order_id = new_order(orders)
    payments.authorize(order_id, tokenize(sandbox))
    orders.cancel(order_id, "user-1")
    with pytest.raises(OrderCancelledError):
        payments.capture(order_id)
