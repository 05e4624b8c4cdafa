"""The HTTP adapter against the real payment sandbox: outcomes, idempotency keys, transient failures."""

from __future__ import annotations

import httpx
import pytest
from conftest import tokenize
from shop.payments.http_provider import HttpPaymentProvider
from shop.payments.provider import PaymentDeclined, TransientError

from infrastructure.payment_sandbox.server import SandboxServer

DECLINE = "4000000000000002"


@pytest.fixture
def provider(sandbox: SandboxServer) -> HttpPaymentProvider:
    return HttpPaymentProvider(sandbox.url, sandbox.api_key, connect_timeout=0.5, read_timeout=1.0)


def stats(sandbox: SandboxServer) -> dict:
    return httpx.get(f"{sandbox.url}/_sandbox/stats", headers={"Authorization": f"Bearer {sandbox.api_key}"}).json()


def configure(sandbox: SandboxServer, **switches: object) -> None:
    httpx.put(f"{sandbox.url}/_sandbox/config", json=switches,
              headers={"Authorization": f"Bearer {sandbox.api_key}"}).raise_for_status()


def test_the_same_key_authorizes_once(provider: HttpPaymentProvider, sandbox: SandboxServer):
    pm = tokenize(sandbox)
    first = provider.authorize(amount=1500, currency="USD", payment_method=pm, reference="ord_1",
                               idempotency_key="ord_1:authorize")
    again = provider.authorize(amount=1500, currency="USD", payment_method=pm, reference="ord_1",
                               idempotency_key="ord_1:authorize")
    assert first.id == again.id and first.status == "authorized" and first.currency == "USD"
    assert (first.card_brand, first.card_last4) == ("visa", "4242")
    assert stats(sandbox)["authorizations"] == 1


def test_a_declined_card_raises_payment_declined_with_the_code(provider: HttpPaymentProvider, sandbox: SandboxServer):
    with pytest.raises(PaymentDeclined) as raised:
        provider.authorize(amount=1500, currency="USD", payment_method=tokenize(sandbox, DECLINE), reference="ord_2",
                           idempotency_key="ord_2:authorize")
    assert raised.value.details["code"] == "card_declined"


def test_capture_then_refund_and_replays_are_not_errors(provider: HttpPaymentProvider, sandbox: SandboxServer):
    pm = tokenize(sandbox)
    auth = provider.authorize(amount=900, currency="USD", payment_method=pm, reference="ord_3",
                              idempotency_key="ord_3:authorize")
    captured = provider.capture(auth.id, idempotency_key="ord_3:capture")
    assert captured.status == "captured" and captured.amount_captured == 900
    assert provider.capture(auth.id, idempotency_key="ord_3:capture").status == "captured"
    refunded = provider.refund(auth.id, idempotency_key="ord_3:refund")
    assert refunded.status == "refunded" and refunded.amount_refunded == 900
    assert provider.refund(auth.id, idempotency_key="ord_3:refund-again").status == "refunded"
    assert stats(sandbox)["byReference"]["ord_3"]["net"] == 0


def test_void_and_find_by_reference(provider: HttpPaymentProvider, sandbox: SandboxServer):
    pm = tokenize(sandbox)
    auth = provider.authorize(amount=700, currency="USD", payment_method=pm, reference="ord_4",
                              idempotency_key="ord_4:authorize")
    assert provider.void(auth.id, idempotency_key="ord_4:void").status == "voided"
    assert [a.status for a in provider.find("ord_4")] == ["voided"]


def test_an_outage_and_an_unreachable_provider_are_transient(provider: HttpPaymentProvider, sandbox: SandboxServer):
    pm = tokenize(sandbox)
    configure(sandbox, outage=True)
    with pytest.raises(TransientError):
        provider.authorize(amount=700, currency="USD", payment_method=pm, reference="ord_5", idempotency_key="k5")
    unreachable = HttpPaymentProvider("http://127.0.0.1:9", "sk_test_local", connect_timeout=0.2, read_timeout=0.2)
    with pytest.raises(TransientError):
        unreachable.find("ord_5")


def test_a_slow_provider_times_out_as_transient(sandbox: SandboxServer):
    configure(sandbox, latencyMs=800)
    impatient = HttpPaymentProvider(sandbox.url, sandbox.api_key, connect_timeout=0.5, read_timeout=0.2)
    with pytest.raises(TransientError):
        impatient.find("ord_6")


def test_a_used_payment_method_is_declined_not_retried(provider: HttpPaymentProvider, sandbox: SandboxServer):
    pm = tokenize(sandbox)
    provider.authorize(amount=700, currency="USD", payment_method=pm, reference="ord_7", idempotency_key="ord_7:a")
    with pytest.raises(PaymentDeclined) as raised:
        provider.authorize(amount=700, currency="USD", payment_method=pm, reference="ord_8", idempotency_key="ord_8:a")
    assert raised.value.details["code"] == "payment_method_used"


class RotatingKey:
    """A secret whose cached value is stale until it is read again (a rotation in Secrets Manager)."""

    def __init__(self, cached: str, current: str) -> None:
        self.cached, self.current, self.refreshes = cached, current, 0

    def value(self, *, refresh: bool = False) -> str:
        if refresh:
            self.refreshes += 1
            self.cached = self.current
        return self.cached


def test_a_rotated_key_is_read_again_once_when_the_processor_refuses_the_cached_one(sandbox: SandboxServer):
    key = RotatingKey(cached="sk_test_revoked", current=sandbox.api_key)
    provider = HttpPaymentProvider(sandbox.url, key, connect_timeout=0.5, read_timeout=1.0)
    assert provider.find("ord_9") == []
    assert provider.find("ord_9") == [] and key.refreshes == 1  # the fresh key is cached from then on


def test_a_key_the_processor_refuses_is_an_outage_of_ours_not_a_decline(sandbox: SandboxServer):
    key = RotatingKey(cached="sk_test_revoked", current="sk_test_still_wrong")
    provider = HttpPaymentProvider(sandbox.url, key, connect_timeout=0.5, read_timeout=1.0)
    with pytest.raises(TransientError):
        provider.authorize(amount=700, currency="USD", payment_method=tokenize(sandbox), reference="ord_10",
                           idempotency_key="ord_10:authorize")
    assert key.refreshes == 1
