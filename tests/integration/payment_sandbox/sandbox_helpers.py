"""Helpers shared by the payment sandbox tests: request bodies and a JSON test client."""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalice.test import Client

API_KEY = "sk_test_local"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
APPROVES = "4242424242424242"
OTHER_MERCHANT_KEY = "sk_test_other_merchant"


def authorization_body(card: str = APPROVES, amount: int = 1000, reference: str | None = None,
                       **card_fields: Any) -> dict[str, Any]:
    card_body = {"number": card, "expMonth": 12, "expYear": 2099, "cvc": "123", **card_fields}
    return {"amount": amount, "currency": "EUR", "card": card_body,
            "reference": reference or f"order-{uuid.uuid4().hex[:8]}"}


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

    def authorize(self, card: str = APPROVES, amount: int = 1000, reference: str | None = None) -> Any:
        return self.call("POST", "/v1/authorizations", authorization_body(card, amount, reference),
                         key=uuid.uuid4().hex)

    def raw(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Any:
        """A call with exactly these headers (no key added)."""
        return self._client.http.request(method, path, headers=headers or {}, body=body)
