"""Tokenization, every test card, card validation, and the two kinds of keys, through chalice.test.Client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sandbox_helpers import (
    APPROVES,
    OTHER_PUBLISHABLE_KEY,
    PUBLISHABLE_KEY,
    SandboxClient,
    authorization_body,
    card_body,
)

from infrastructure.payment_sandbox.chalicelib.dynamodb_store import DynamoDBStore
from infrastructure.payment_sandbox.chalicelib.store import SandboxStore


def everything_in(store: SandboxStore) -> str:
    """All the state a store holds, as text (to search it for card data)."""
    if isinstance(store, DynamoDBStore):
        client = store._client  # noqa: SLF001 - the test's own moto table
        return json.dumps(client.scan(TableName=store._table_name)["Items"])  # noqa: SLF001
    return json.dumps(vars(store), default=lambda value: vars(value) if hasattr(value, "__dict__") else str(value))


def test_the_publishable_key_tokenizes_a_card_into_a_payment_method(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.tokenize(APPROVES, expMonth=7, expYear=2031)

    assert response.status_code == 200
    body = response.json_body
    assert body["id"].startswith("pm_") and body["object"] == "payment_method" and body["type"] == "card"
    assert body["card"] == {"brand": "visa", "last4": "4242", "expMonth": 7, "expYear": 2031}
    assert APPROVES not in json.dumps(body) and "cvc" not in json.dumps(body)


def test_the_sandbox_keeps_neither_the_card_number_nor_the_cvc(sandbox_client: SandboxClient,
                                                               sandbox_store: SandboxStore) -> None:
    declined = sandbox_client.payment_method("4000000000000002", cvc="9876")
    approved = sandbox_client.payment_method(APPROVES, cvc="8765")
    for payment_method in (declined, approved):
        sandbox_client.call("POST", "/v1/authorizations", authorization_body(payment_method), key=payment_method)

    kept = everything_in(sandbox_store)
    assert approved in kept and declined in kept
    for secret in (APPROVES, "4000000000000002", "9876", "8765"):
        assert secret not in kept


def test_a_payment_method_is_single_use_whatever_the_first_outcome(sandbox_client: SandboxClient) -> None:
    for number, first_status in ((APPROVES, 201), ("4000000000000002", 402)):
        payment_method = sandbox_client.payment_method(number)
        first = sandbox_client.call("POST", "/v1/authorizations", authorization_body(payment_method), key="a" + number)
        second = sandbox_client.call("POST", "/v1/authorizations", authorization_body(payment_method), key="b" + number)

        assert first.status_code == first_status
        assert second.status_code == 400
        assert second.json_body["error"]["code"] == "payment_method_used"
        assert "tokenize the card again" in second.json_body["error"]["message"]


def test_the_same_idempotency_key_replays_without_using_the_payment_method_twice(sandbox_client: SandboxClient) -> None:
    body = authorization_body(sandbox_client.payment_method())
    first = sandbox_client.call("POST", "/v1/authorizations", body, key="retry-me")
    again = sandbox_client.call("POST", "/v1/authorizations", body, key="retry-me")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json_body["id"] == first.json_body["id"]


@pytest.mark.parametrize("payment_method", ["pm_000000000000000000000000", "other-merchant"])
def test_an_unknown_or_another_merchants_payment_method_answers_400(sandbox_client: SandboxClient,
                                                                      payment_method: str) -> None:
    if payment_method == "other-merchant":
        payment_method = sandbox_client.tokenize(publishable_key=OTHER_PUBLISHABLE_KEY).json_body["id"]

    response = sandbox_client.call("POST", "/v1/authorizations", authorization_body(payment_method), key="k")

    assert response.status_code == 400
    assert (response.json_body["error"]["code"], response.json_body["error"]["param"]) == (
        "resource_missing", "paymentMethod")


def test_the_secret_key_reads_a_payment_method_and_the_publishable_key_cannot(sandbox_client: SandboxClient) -> None:
    payment_method = sandbox_client.payment_method()

    shown = sandbox_client.call("GET", f"/v1/payment_methods/{payment_method}")
    by_browser = sandbox_client.call("GET", f"/v1/payment_methods/{payment_method}",
                                     headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"})

    assert shown.status_code == 200 and shown.json_body["card"]["last4"] == "4242"
    assert by_browser.status_code == 403 and by_browser.json_body["error"]["code"] == "secret_key_required"


@pytest.mark.parametrize(("method", "path"), [("POST", "/v1/authorizations"), ("GET", "/v1/authorizations"),
                                              ("GET", "/_sandbox/stats"), ("PUT", "/_sandbox/config")])
def test_a_publishable_key_can_do_nothing_but_tokenize(sandbox_client: SandboxClient, method: str, path: str) -> None:
    response = sandbox_client.call(method, path, {}, key="k", headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"})

    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "secret_key_required"


def test_the_secret_key_does_not_tokenize_a_server_never_sends_cards(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.call("POST", "/v1/payment_methods", card_body())

    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "publishable_key_required"


@pytest.mark.parametrize("change", [{"number": "4242"}, {"expMonth": 13}, {"cvc": "12"}, {"cvc": "12345"},
                                    {"expYear": "2030"}, {"pin": "1234"}])
def test_a_malformed_card_answers_400_with_the_field_and_without_echoing_it(sandbox_client: SandboxClient,
                                                                           change: dict[str, Any]) -> None:
    response = sandbox_client.call("POST", "/v1/payment_methods", {"card": {**card_body()["card"], **change}},
                                   headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"})

    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "invalid_request" and error["param"].startswith("card.")
    assert "4242" not in json.dumps(error)


def test_approved_card_answers_201_with_an_authorization(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.authorize("4242424242424242", amount=2500, reference="order-1")

    assert response.status_code == 201
    body = response.json_body
    assert body["id"].startswith("auth_")
    assert (body["status"], body["amount"], body["currency"], body["reference"]) == (
        "authorized", 2500, "eur", "order-1")
    assert body["card"] == {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2099}
    assert body["paymentMethod"].startswith("pm_")
    assert "number" not in json.dumps(body)  # the full card number never comes back
    assert body["createdAt"].endswith("Z")


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
    ],
)
def test_declining_cards_answer_402_with_their_code(sandbox_client: SandboxClient, card: str, code: str) -> None:
    response = sandbox_client.authorize(card)

    assert response.status_code == 402
    error = response.json_body["error"]
    assert error["code"] == code
    assert error["declineCode"] and error["message"]


def test_a_past_expiry_date_declines_as_expired(sandbox_client: SandboxClient) -> None:
    body = authorization_body(sandbox_client.payment_method(expYear=2001))
    response = sandbox_client.call("POST", "/v1/authorizations", body, key="past-expiry")

    assert response.status_code == 402
    assert response.json_body["error"]["code"] == "expired_card"


def test_processing_error_card_answers_500(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.authorize("4000000000000119")

    assert response.status_code == 500
    assert response.json_body["error"]["code"] == "processing_error"


def test_capture_failing_card_authorizes_then_fails_capture_and_stays_authorized(
    sandbox_client: SandboxClient,
) -> None:
    authorized = sandbox_client.authorize("4000000000006975")
    assert authorized.status_code == 201
    auth_id = authorized.json_body["id"]

    capture = sandbox_client.call("POST", f"/v1/authorizations/{auth_id}/capture")

    assert capture.status_code == 500
    assert capture.json_body["error"]["code"] == "processing_error"
    assert sandbox_client.call("GET", f"/v1/authorizations/{auth_id}").json_body["status"] == "authorized"


def test_card_number_failing_luhn_is_refused_at_tokenization(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.tokenize("4242424242424241")

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_request"
    assert response.json_body["error"]["param"] == "card.number"


@pytest.mark.parametrize(
    "change",
    [{"amount": 10.5}, {"amount": "100"}, {"amount": 0}, {"currency": "EURO"}, {"reference": ""},
     {"unexpected": 1}, {"paymentMethod": "card_4242"}, card_body()],
)
def test_malformed_authorization_answers_400_with_the_field(sandbox_client: SandboxClient, change: dict) -> None:
    body = {**authorization_body(sandbox_client.payment_method()), **change}
    response = sandbox_client.call("POST", "/v1/authorizations", body, key="k")

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_request"
    assert response.json_body["error"]["param"]


def test_body_that_is_not_json_answers_400(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.raw(
        "POST", "/v1/authorizations", headers={"Authorization": "Bearer sk_test_local", "Idempotency-Key": "k"},
        body=b"{not json")

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_request"


def test_authorization_without_idempotency_key_answers_400(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.call("POST", "/v1/authorizations", authorization_body(sandbox_client.payment_method()))

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "idempotency_key_missing"


@pytest.mark.parametrize("header", [None, "Bearer sk_test_wrong", "Basic c2tfdGVzdF9sb2NhbDo=", "Bearer "])
def test_missing_or_wrong_secret_key_answers_401(sandbox_client: SandboxClient, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = sandbox_client.raw("GET", "/v1/authorizations", headers=headers)

    assert response.status_code == 401
    assert json.loads(response.body)["error"]["code"] == "unauthorized"


def test_admin_api_needs_the_secret_key_too(sandbox_client: SandboxClient) -> None:
    assert sandbox_client.raw("GET", "/_sandbox/stats").status_code == 401


def test_unknown_path_answers_403_like_api_gateway(sandbox_client: SandboxClient) -> None:
    anonymous = sandbox_client.raw("GET", "/v1/charges")
    with_key = sandbox_client.call("GET", "/v1/charges")

    assert (anonymous.status_code, with_key.status_code) == (403, 403)
    assert b"Missing Authentication Token" in anonymous.body
