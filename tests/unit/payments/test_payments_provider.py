"""The HTTP adapter against the real payment sandbox: outcomes, idempotency keys, transient failures."""

from __future__ import annotations

import httpx
import pytest
from shop.payments.http_provider import HttpPaymentProvider
from shop.payments.provider import Card, PaymentDeclined, TransientError

from infrastructure.payment_sandbox.server import SandboxServer

APPROVE, DECLINE = "4242424242424242", "4000000000000002"


def card(number: str = APPROVE) -> Card:
    return Card(number=number, expMonth=12, expYear=2040, cvc="123")


@pytest.fixture
def provider(sandbox: SandboxServer) -> HttpPaymentProvider:
    return HttpPaymentProvider(sandbox.url, sandbox.api_key, connect_timeout=0.5, read_timeout=1.0)


def stats(sandbox: SandboxServer) -> dict:
    return httpx.get(f"{sandbox.url}/_sandbox/stats", headers={"Authorization": f"Bearer {sandbox.api_key}"}).json()


def configure(sandbox: SandboxServer, **switches: object) -> None:
    httpx.put(f"{sandbox.url}/_sandbox/config", json=switches,
              headers={"Authorization": f"Bearer {sandbox.api_key}"}).raise_for_status()


def test_the_same_key_authorizes_once(provider: HttpPaymentProvider, sandbox: SandboxServer):
    first = provider.authorize(amount=1500, currency="USD", card=card(), reference="ord_1",
                               idempotency_key="ord_1:authorize")
    again = provider.authorize(amount=1500, currency="USD", card=card(), reference="ord_1",
                               idempotency_key="ord_1:authorize")
    assert first.id == again.id and first.status == "authorized" and first.currency == "USD"
    assert stats(sandbox)["authorizations"] == 1


def test_a_declined_card_raises_payment_declined_with_the_code(provider: HttpPaymentProvider):
    with pytest.raises(PaymentDeclined) as raised:
        provider.authorize(amount=1500, currency="USD", card=card(DECLINE), reference="ord_2",
                           idempotency_key="ord_2:authorize")
    assert raised.value.details["code"] == "card_declined"


def test_capture_then_refund_and_replays_are_not_errors(provider: HttpPaymentProvider, sandbox: SandboxServer):
    auth = provider.authorize(amount=900, currency="USD", card=card(), reference="ord_3",
                              idempotency_key="ord_3:authorize")
    captured = provider.capture(auth.id, idempotency_key="ord_3:capture")
    assert captured.status == "captured" and captured.amount_captured == 900
    assert provider.capture(auth.id, idempotency_key="ord_3:capture").status == "captured"
    refunded = provider.refund(auth.id, idempotency_key="ord_3:refund")
    assert refunded.status == "refunded" and refunded.amount_refunded == 900
    assert provider.refund(auth.id, idempotency_key="ord_3:refund-again").status == "refunded"
    assert stats(sandbox)["byReference"]["ord_3"]["net"] == 0


def test_void_and_find_by_reference(provider: HttpPaymentProvider):
    auth = provider.authorize(amount=700, currency="USD", card=card(), reference="ord_4",
                              idempotency_key="ord_4:authorize")
    assert provider.void(auth.id, idempotency_key="ord_4:void").status == "voided"
    assert [a.status for a in provider.find("ord_4")] == ["voided"]


def test_an_outage_and_an_unreachable_provider_are_transient(provider: HttpPaymentProvider, sandbox: SandboxServer):
    configure(sandbox, outage=True)
    with pytest.raises(TransientError):
        provider.authorize(amount=700, currency="USD", card=card(), reference="ord_5", idempotency_key="k5")
    unreachable = HttpPaymentProvider("http://127.0.0.1:9", "sk_test_local", connect_timeout=0.2, read_timeout=0.2)
    with pytest.raises(TransientError):
        unreachable.find("ord_5")


def test_a_slow_provider_times_out_as_transient(sandbox: SandboxServer):
    configure(sandbox, latencyMs=800)
    impatient = HttpPaymentProvider(sandbox.url, sandbox.api_key, connect_timeout=0.5, read_timeout=0.2)
    with pytest.raises(TransientError):
        impatient.find("ord_6")
