"""Capture, void and refund rules, merchants, stats and ledger, through chalice.test.Client."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import OTHER_MERCHANT_KEY, SandboxClient


def _authorized(client: SandboxClient, amount: int = 1000, reference: str = "order-7") -> str:
    response = client.authorize(amount=amount, reference=reference)
    assert response.status_code == 201
    return response.json_body["id"]


def _post(client: SandboxClient, auth_id: str, action: str, body: Any = None, key: str | None = None) -> Any:
    return client.call("POST", f"/v1/authorizations/{auth_id}/{action}", body, key=key)


def test_capture_without_amount_captures_everything_authorized(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, 1000)

    response = _post(sandbox_client, auth_id, "capture")

    assert response.status_code == 200
    assert (response.json_body["status"], response.json_body["amountCaptured"]) == ("captured", 1000)
    assert response.json_body["capturedAt"]


def test_partial_capture_captures_only_that_amount(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, 1000)

    response = _post(sandbox_client, auth_id, "capture", {"amount": 600})

    assert response.json_body["amountCaptured"] == 600


def test_capture_above_the_authorized_amount_answers_400(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, 1000)

    response = _post(sandbox_client, auth_id, "capture", {"amount": 1001})

    assert response.status_code == 400
    assert sandbox_client.call("GET", f"/v1/authorizations/{auth_id}").json_body["status"] == "authorized"


def test_second_capture_answers_409_already_captured(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)
    _post(sandbox_client, auth_id, "capture")

    again = _post(sandbox_client, auth_id, "capture")

    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "already_captured"


def test_capture_retried_with_the_same_key_replays_without_a_second_capture(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, reference="order-replay")
    first = _post(sandbox_client, auth_id, "capture", key="capture-order-replay")

    again = _post(sandbox_client, auth_id, "capture", key="capture-order-replay")

    assert (again.status_code, again.json_body) == (first.status_code, first.json_body)
    assert again.headers["Idempotent-Replayed"] == "true"
    stats = sandbox_client.call("GET", "/_sandbox/stats").json_body
    assert stats["captures"] == 1
    assert stats["byReference"]["order-replay"]["captured"] == 1000


def test_void_releases_an_uncaptured_authorization(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)

    response = _post(sandbox_client, auth_id, "void")

    assert response.status_code == 200
    assert response.json_body["status"] == "voided"
    assert response.json_body["voidedAt"]


def test_capture_after_void_answers_409(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)
    _post(sandbox_client, auth_id, "void")

    response = _post(sandbox_client, auth_id, "capture")

    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "authorization_voided"


def test_void_after_capture_answers_409(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)
    _post(sandbox_client, auth_id, "capture")

    response = _post(sandbox_client, auth_id, "void")

    assert response.status_code == 409


def test_partial_refunds_add_up_to_the_captured_amount_then_status_is_refunded(
    sandbox_client: SandboxClient,
) -> None:
    auth_id = _authorized(sandbox_client, 1000)
    _post(sandbox_client, auth_id, "capture", {"amount": 800})

    first = _post(sandbox_client, auth_id, "refunds", {"amount": 300})
    rest = _post(sandbox_client, auth_id, "refunds")

    assert first.status_code == 201
    assert first.json_body["object"] == "refund" and first.json_body["id"].startswith("re_")
    assert (first.json_body["amount"], rest.json_body["amount"]) == (300, 500)
    auth = sandbox_client.call("GET", f"/v1/authorizations/{auth_id}").json_body
    assert (auth["status"], auth["amountRefunded"], len(auth["refunds"])) == ("refunded", 800, 2)


def test_refund_of_more_than_captured_answers_400(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, 1000)
    _post(sandbox_client, auth_id, "capture", {"amount": 500})

    response = _post(sandbox_client, auth_id, "refunds", {"amount": 501})

    assert response.status_code == 400
    assert response.json_body["error"]["param"] == "amount"


def test_refund_of_a_fully_refunded_charge_answers_409(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)
    _post(sandbox_client, auth_id, "capture")
    _post(sandbox_client, auth_id, "refunds")

    assert _post(sandbox_client, auth_id, "refunds", {"amount": 1}).status_code == 409


def test_refund_of_an_uncaptured_authorization_answers_409(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)

    response = _post(sandbox_client, auth_id, "refunds")

    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "charge_not_captured"


@pytest.mark.parametrize("action", ["capture", "void", "refunds"])
def test_actions_on_an_unknown_authorization_answer_404(sandbox_client: SandboxClient, action: str) -> None:
    response = _post(sandbox_client, "auth_missing", action)

    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "resource_missing"


def test_list_by_reference_returns_only_that_orders_authorizations(sandbox_client: SandboxClient) -> None:
    first = _authorized(sandbox_client, reference="order-a")
    second = _authorized(sandbox_client, reference="order-a")
    _authorized(sandbox_client, reference="order-b")

    listed = sandbox_client.call("GET", "/v1/authorizations?reference=order-a").json_body["items"]

    assert sorted(a["id"] for a in listed) == sorted([first, second])


def test_another_merchant_cannot_see_or_capture_an_authorization(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, reference="order-mine")
    other = {"Authorization": f"Bearer {OTHER_MERCHANT_KEY}"}

    assert sandbox_client.call("GET", f"/v1/authorizations/{auth_id}", headers=other).status_code == 404
    assert sandbox_client.call("POST", f"/v1/authorizations/{auth_id}/capture", headers=other).status_code == 404
    listed = sandbox_client.call("GET", "/v1/authorizations?reference=order-mine", headers=other)
    assert listed.json_body["items"] == []


def test_stats_and_ledger_record_every_money_movement_per_reference(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client, 1000, reference="order-money")
    _post(sandbox_client, auth_id, "capture")
    _post(sandbox_client, auth_id, "refunds", {"amount": 250})
    voided = _authorized(sandbox_client, 400, reference="order-voided")
    _post(sandbox_client, voided, "void")
    sandbox_client.authorize("4000000000000002", reference="order-declined")

    stats = sandbox_client.call("GET", "/_sandbox/stats").json_body
    ledger = sandbox_client.call("GET", "/_sandbox/ledger?reference=order-money").json_body["items"]

    assert {k: stats[k] for k in ("authorizations", "captures", "refunds", "voids", "declines", "errors")} == {
        "authorizations": 2, "captures": 1, "refunds": 1, "voids": 1, "declines": 1, "errors": 0}
    money = stats["byReference"]["order-money"]
    assert (money["captured"], money["refunded"], money["net"]) == (1000, 250, 750)
    assert stats["byReference"]["order-voided"]["captured"] == 0
    assert [(e["type"], e["amount"]) for e in ledger] == [("authorization", 1000), ("capture", 1000), ("refund", 250)]


def test_reset_forgets_every_authorization_and_counter(sandbox_client: SandboxClient) -> None:
    auth_id = _authorized(sandbox_client)

    assert sandbox_client.call("POST", "/_sandbox/reset").status_code == 200

    assert sandbox_client.call("GET", f"/v1/authorizations/{auth_id}").status_code == 404
    assert sandbox_client.call("GET", "/_sandbox/stats").json_body["authorizations"] == 0
