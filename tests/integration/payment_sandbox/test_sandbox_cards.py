"""Every test card, card validation, and authentication, through chalice.test.Client."""

from __future__ import annotations

import json

import pytest
from sandbox_helpers import SandboxClient, authorization_body


def test_approved_card_answers_201_with_an_authorization(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.authorize("4242424242424242", amount=2500, reference="order-1")

    assert response.status_code == 201
    body = response.json_body
    assert body["id"].startswith("auth_")
    assert (body["status"], body["amount"], body["currency"], body["reference"]) == (
        "authorized", 2500, "eur", "order-1")
    assert body["card"] == {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2099}
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
    body = authorization_body(expYear=2001)
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


def test_card_number_failing_luhn_answers_400_invalid_request(sandbox_client: SandboxClient) -> None:
    response = sandbox_client.authorize("4242424242424241")

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_request"
    assert response.json_body["error"]["param"] == "card.number"


@pytest.mark.parametrize(
    "change",
    [{"amount": 10.5}, {"amount": "100"}, {"amount": 0}, {"currency": "EURO"}, {"reference": ""},
     {"unexpected": 1}, {"card": {"number": "4242", "expMonth": 12, "expYear": 2099, "cvc": "123"}}],
)
def test_malformed_authorization_answers_400_with_the_field(sandbox_client: SandboxClient, change: dict) -> None:
    response = sandbox_client.call("POST", "/v1/authorizations", {**authorization_body(), **change}, key="k")

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
    response = sandbox_client.call("POST", "/v1/authorizations", authorization_body())

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
