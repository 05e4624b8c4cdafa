"""`PaymentProvider` over HTTP for the payment sandbox (a Stripe-like API): urllib3, short timeouts.

urllib3 ships with botocore in every Lambda runtime, so the layer carries no extra HTTP client.
Retries are not done here: the saga retries TransientError with backoff and the same idempotency key.
The secret key comes from Secrets Manager (`PAYMENT_PROVIDER_SECRET_ARN`); when the processor refuses
it (401), the current version is read once more, so a rotated key works before the cache expires.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import urllib3

from shop.config import env_float, require_env
from shop.payments.provider import Authorization, PaymentConflict, PaymentDeclined, TransientError
from shop.secrets import Secret, StaticSecret

# Already in the state the call asks for: a replayed compensation or capture, not an error.
_ALREADY_DONE = {"capture": "already_captured", "void": "already_voided", "refunds": "charge_already_refunded"}


class KeySource(Protocol):
    def value(self, *, refresh: bool = False) -> str: ...


class HttpPaymentProvider:
    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | KeySource | None = None,
        *,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self.base_url = (base_url or require_env("PAYMENT_PROVIDER_URL")).rstrip("/")
        if isinstance(api_key, str):
            api_key = StaticSecret(api_key)
        self._key: KeySource = api_key or Secret("PAYMENT_PROVIDER_SECRET_ARN")
        timeout = urllib3.Timeout(
            connect=connect_timeout or env_float("PAYMENT_CONNECT_TIMEOUT", 1.0),
            read=read_timeout or env_float("PAYMENT_READ_TIMEOUT", 3.0),
        )
        self._pool = pool or urllib3.PoolManager(timeout=timeout, retries=False, maxsize=10)

    # ------------------------------------------------------------------ PaymentProvider

    def authorize(self, *, amount: int, currency: str, payment_method: str, reference: str,
                  idempotency_key: str) -> Authorization:
        body = {"amount": amount, "currency": currency.lower(), "reference": reference, "paymentMethod": payment_method}
        status, answer = self._call("POST", "/v1/authorizations", body, idempotency_key)
        if status in (400, 402, 422) and not _is_idempotency_error(answer):
            error = answer.get("error") or {}
            raise PaymentDeclined(error.get("message") or "the card was declined",
                                  details={"code": error.get("code"), "declineCode": error.get("declineCode")})
        return Authorization.from_wire(self._expect_ok(status, answer))

    def capture(self, authorization_id: str, *, idempotency_key: str) -> Authorization:
        return self._transition(authorization_id, "capture", idempotency_key)

    def void(self, authorization_id: str, *, idempotency_key: str) -> Authorization:
        return self._transition(authorization_id, "void", idempotency_key)

    def refund(self, authorization_id: str, *, idempotency_key: str) -> Authorization:
        return self._transition(authorization_id, "refunds", idempotency_key)

    def find(self, reference: str) -> list[Authorization]:
        status, answer = self._call("GET", f"/v1/authorizations?reference={_quote(reference)}", None, None)
        return [Authorization.from_wire(item) for item in self._expect_ok(status, answer).get("items", [])]

    # ------------------------------------------------------------------ wire

    def _transition(self, authorization_id: str, action: str, idempotency_key: str) -> Authorization:
        path = f"/v1/authorizations/{_quote(authorization_id)}/{action}"
        status, answer = self._call("POST", path, {}, idempotency_key)
        code = (answer.get("error") or {}).get("code")
        if status == 409 and code == _ALREADY_DONE[action]:
            return self.get(authorization_id)
        self._expect_ok(status, answer)
        return self.get(authorization_id)

    def get(self, authorization_id: str) -> Authorization:
        status, answer = self._call("GET", f"/v1/authorizations/{_quote(authorization_id)}", None, None)
        return Authorization.from_wire(self._expect_ok(status, answer))

    def _call(self, method: str, path: str, body: dict[str, Any] | None,
              idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
        status, answer = self._send(method, path, body, idempotency_key, self._key.value())
        if status == 401:  # the key may have been rotated since we cached it: read it again, once
            status, answer = self._send(method, path, body, idempotency_key, self._key.value(refresh=True))
        return status, answer

    def _send(self, method: str, path: str, body: dict[str, Any] | None, idempotency_key: str | None,
              api_key: str) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body, separators=(",", ":")).encode()
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = self._pool.request(method, self.base_url + path, body=payload, headers=headers)
        except urllib3.exceptions.HTTPError as err:  # timeouts, refused connections, protocol errors
            raise TransientError(f"payment provider unreachable: {type(err).__name__}") from err
        try:
            answer = json.loads(response.data or b"{}")
        except ValueError:
            answer = {}
        return response.status, answer if isinstance(answer, dict) else {}

    @staticmethod
    def _expect_ok(status: int, answer: dict[str, Any]) -> dict[str, Any]:
        if 200 <= status < 300:
            return answer
        error = answer.get("error") or {}
        message = f"payment provider answered {status}: {error.get('code') or 'error'}"
        # 409 idempotency_in_progress: the same key is still running there; retrying it is safe.
        # 401/403: our key is refused (mid-rotation, misconfigured): an outage of ours, never the card's fault.
        if status >= 500 or status in (401, 403, 408, 429) or _is_idempotency_error(answer) and status == 409:
            raise TransientError(message, details={"status": status, "code": error.get("code")})
        raise PaymentConflict(message, details={"status": status, "code": error.get("code")})


def _is_idempotency_error(answer: dict[str, Any]) -> bool:
    return str((answer.get("error") or {}).get("code", "")).startswith("idempotency")


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
