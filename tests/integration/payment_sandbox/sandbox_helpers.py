"""Helpers shared by the payment sandbox tests: keys, request bodies, tokenization, a JSON test client."""

from __future__ import annotations

import json
import uuid
from typing import Any

import requests
from chalice.test import Client

API_KEY = "sk_test_local"
PUBLISHABLE_KEY = "pk_test_local"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
TOKENIZE_AUTH = {"Authorization": f"Bearer {PUBLISHABLE_KEY}"}
APPROVES = "4242424242424242"
OTHER_MERCHANT_KEY = "sk_test_other_merchant"
OTHER_PUBLISHABLE_KEY = "pk_test_other_merchant"


def card_body(number: str = APPROVES, **card_fields: Any) -> dict[str, Any]:
    """What a browser sends to `POST /v1/payment_methods`."""
    return {"card": {"number": number, "expMonth": 12, "expYear": 2099, "cvc": "123", **card_fields}}


def authorization_body(payment_method: str, amount: int = 1000, reference: str | None = None) -> dict[str, Any]:
    """What the merchant's server sends to `POST /v1/authorizations`: a token, never a card."""
    return {"amount": amount, "currency": "EUR", "paymentMethod": payment_method,
            "reference": reference or f"order-{uuid.uuid4().hex[:8]}"}


def tokenized(url: str, number: str = APPROVES, publishable_key: str = PUBLISHABLE_KEY, **card_fields: Any) -> str:
    """A new payment method for the card, made over HTTP as a browser would."""
    response = requests.post(f"{url}/v1/payment_methods", json=card_body(number, **card_fields), timeout=5,
                             headers={"Authorization": f"Bearer {publishable_key}"})
    assert response.status_code == 200, response.text
    return response.json()["id"]


class SandboxClient:
    """JSON calls with the merchant's key through chalice.test.Client."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def call(self, method: str, path: str, body: Any = None, key: str | None = None,
             headers: dict[str, str] | None = None) -> Any:
        sent = {**AUTH, "Content-Type": "application/json", **(headers or {})}
        if key is not None:
            sent["Idempotency-Key"] = key
        raw = b"" if body is None else json.dumps(body).encode()
        return self._client.http.request(method, path, headers=sent, body=raw)

    def tokenize(self, number: str = APPROVES, publishable_key: str = PUBLISHABLE_KEY, **card_fields: Any) -> Any:
        return self.call("POST", "/v1/payment_methods", card_body(number, **card_fields),
                         headers={"Authorization": f"Bearer {publishable_key}"})

    def payment_method(self, number: str = APPROVES, **card_fields: Any) -> str:
        response = self.tokenize(number, **card_fields)
        assert response.status_code == 200, response.body
        return response.json_body["id"]

    def authorize(self, card: str = APPROVES, amount: int = 1000, reference: str | None = None) -> Any:
        """Tokenize `card`, then authorize `amount` on the token (a fresh Idempotency-Key)."""
        return self.call("POST", "/v1/authorizations", authorization_body(self.payment_method(card), amount, reference),
                         key=uuid.uuid4().hex)

    def raw(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Any:
        """A call with exactly these headers (no key added)."""
        return self._client.http.request(method, path, headers=headers or {}, body=body)
