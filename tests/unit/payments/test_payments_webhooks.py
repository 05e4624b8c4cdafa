"""Webhook signatures (our verifier against the sandbox's signer) and reconciliation into the order."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from orders_support import order_created
from shop.orders.service import OrderService
from shop.payments.reconcile import reconcile
from shop.payments.webhooks import EventInProgress, InvalidSignature, process_once, verify_signature

from infrastructure.payment_sandbox.chalicelib.signing import sign

SECRET, NOW = "whsec_test", 1_800_000_000
BODY = b'{"id":"evt_1","type":"charge.captured"}'


def test_a_signature_from_the_provider_verifies():
    assert verify_signature(SECRET, BODY, sign(SECRET, BODY, NOW), now=NOW + 10) == NOW


@pytest.mark.parametrize("header", [
    None, "", "t=abc,v1=00", f"t={NOW}", sign("another-secret", BODY, NOW), sign(SECRET, BODY + b" ", NOW),
])
def test_missing_malformed_or_wrong_signatures_are_refused(header: str | None):
    with pytest.raises(InvalidSignature) as raised:
        verify_signature(SECRET, BODY, header, now=NOW)
    assert raised.value.status == 401


def test_a_replay_outside_the_tolerance_window_is_refused():
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, BODY, sign(SECRET, BODY, NOW), now=NOW + 301, tolerance_seconds=300)


def test_any_v1_may_match_while_the_secret_rotates():
    header = sign(SECRET, BODY, NOW) + ",v1=" + "0" * 64
    rotated = f"t={NOW},v1={'0' * 64},v1={header.split('v1=')[1].split(',')[0]}"
    assert verify_signature(SECRET, BODY, rotated, now=NOW) == NOW


def authorized_order(orders: OrderService, order_id: str = "ord_1", total: int = 2500) -> None:
    orders.create(order_id, order_created(order_id=order_id, total=total))
    orders.record_once(order_id, "PaymentAuthorized",
                       {"orderId": order_id, "paymentId": "auth_1", "amount": total, "currency": "USD"})


def event(kind: str = "charge.captured", event_id: str = "evt_1", **payment: Any) -> dict[str, Any]:
    """A provider event about the authorization of ord_1 (2500 USD), fields overridable."""
    fields = {"id": "auth_1", "reference": "ord_1", "amount": 2500, "amountCaptured": 2500, "amountRefunded": 0,
              "currency": "usd", **payment}
    return {"id": event_id, "type": kind, "data": {"object": fields}}


def test_a_matching_capture_is_recorded_on_the_order_once(orders: OrderService):
    authorized_order(orders)
    assert reconcile(orders, event())["outcome"] == "applied"
    assert reconcile(orders, event(event_id="evt_2"))["outcome"] == "duplicate"
    order = orders.load("ord_1")
    assert order.captured_amount == 2500 and order.version == 3


def test_matching_refund_and_void_are_recorded(orders: OrderService):
    authorized_order(orders)
    authorized_order(orders, "ord_2")
    refund = reconcile(orders, event("charge.refunded", amountRefunded=2500))
    void = reconcile(orders, event("authorization.voided", "evt_v", reference="ord_2", amountCaptured=0))
    assert (refund["recorded"], void["recorded"]) == ("PaymentRefunded", "PaymentVoided")
    assert orders.load("ord_1").refunded_amount == 2500 and orders.load("ord_2").voided


@pytest.mark.parametrize(("payment", "reason"), [
    ({"id": "auth_forged"}, "payment id"),
    ({"amountCaptured": 1}, "captured amount 1"),
    ({"amount": 1, "amountCaptured": 1}, "authorized amount 1"),
    ({"currency": "eur"}, "currency EUR"),
    ({"reference": "ord_none"}, "no such order"),
    ({"reference": None}, "no order reference"),
    ({"amountCaptured": "2500"}, "captured amount None"),
])
def test_a_capture_that_does_not_match_the_authorization_changes_nothing(orders: OrderService,
                                                                        payment: dict[str, Any], reason: str,
                                                                        caplog: pytest.LogCaptureFixture):
    authorized_order(orders)
    result = reconcile(orders, event(**payment))
    assert result["outcome"] == "mismatch" and reason in result["reason"], result
    assert result["recorded"] is None and orders.load("ord_1").version == 2


def test_a_capture_before_the_authorization_is_recorded_is_a_mismatch(orders: OrderService):
    """The forged-capture case: the authorization is still pending at the processor."""
    orders.create("ord_1", order_created())
    result = reconcile(orders, event(id="auth_guess", amountCaptured=1))
    assert result["outcome"] == "mismatch" and "payment id" in result["reason"]
    assert orders.load("ord_1").captured_amount == 0


@pytest.mark.parametrize("final", ["OrderFailed", "OrderCancelled"])
def test_a_capture_never_moves_a_failed_or_cancelled_order_back(orders: OrderService, final: str):
    authorized_order(orders)
    orders.record_once("ord_1", final, {"orderId": "ord_1", "userId": "user-1", "reason": "declined"})
    result = reconcile(orders, event())
    order = orders.load("ord_1")
    assert result["outcome"] == "mismatch" and order.status == final.removeprefix("Order").upper()
    assert order.captured_amount == 0 and order.version == 3


def test_a_refund_above_the_capture_or_a_void_after_a_capture_is_a_mismatch(orders: OrderService):
    authorized_order(orders)
    reconcile(orders, event())
    assert reconcile(orders, event("charge.refunded", "e2", amountRefunded=2600))["outcome"] == "mismatch"
    assert reconcile(orders, event("authorization.voided", "e3"))["outcome"] == "mismatch"
    assert orders.load("ord_1").version == 3


@pytest.mark.parametrize("data", [None, [], {"object": []}, {"object": "auth_1"}, "x"])
def test_a_malformed_event_body_is_a_mismatch_not_an_error(orders: OrderService, data: Any):
    assert reconcile(orders, {"id": "e", "type": "charge.captured", "data": data})["outcome"] == "mismatch"


def test_types_the_saga_records_itself_are_ignored(orders: OrderService):
    assert reconcile(orders, {"id": "e", "type": "authorization.succeeded", "data": {"object": {}}})["outcome"] == \
        "ignored"


def test_a_mismatch_is_counted_and_logged_as_a_warning_with_order_and_event_ids(orders: OrderService,
                                                                               caplog: pytest.LogCaptureFixture):
    from shop.observability import get_metrics

    authorized_order(orders)
    get_metrics().clear_metrics()
    reconcile(orders, event(event_id="evt_forged", id="auth_forged", amountCaptured=1))
    metrics = get_metrics().serialize_metric_set()
    get_metrics().clear_metrics()
    [warning] = [record for record in caplog.records if record.levelname == "WARNING"]
    assert (warning.order_id, warning.event_id, warning.payment_id) == ("ord_1", "evt_forged", "auth_forged")
    assert "payment id" in warning.reason
    assert metrics["PaymentWebhookMismatch"] in (1.0, [1.0])


class Stored:
    """Stands in for the Powertools-idempotent processing: in progress for the first `busy` calls."""

    def __init__(self, busy: int) -> None:
        self.busy, self.calls = busy, 0

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.busy:
            raise IdempotencyAlreadyInProgressError("in progress")
        return {"eventId": event["id"], "outcome": "applied"}


def test_a_concurrent_delivery_waits_for_the_first_and_answers_its_result():
    waits: list[float] = []
    process = Stored(busy=3)
    assert process_once(process, {"id": "evt_1"}, wait_seconds=5, sleep=waits.append) == {
        "eventId": "evt_1", "outcome": "applied"}
    assert process.calls == 4 and waits == [0.05, 0.1, 0.2]


def test_a_delivery_still_in_progress_after_the_wait_is_a_409_not_a_500():
    with pytest.raises(EventInProgress) as raised:
        process_once(Stored(busy=10**6), {"id": "evt_1"}, wait_seconds=0, sleep=lambda _: None)
    assert raised.value.status == 409
