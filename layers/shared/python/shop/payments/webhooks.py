"""Verify the provider's webhook signatures: `Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256>`.

Written here rather than imported from the sandbox: the shop and the provider are separate systems
that share only the documented scheme (HMAC-SHA256 of "<t>.<raw body>", any v1 may match while a
secret rotates, timestamps outside the tolerance are refused so a captured request cannot be replayed).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from shop.errors import Unauthorized

SIGNATURE_HEADER = "Sandbox-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(Unauthorized):
    code = "INVALID_SIGNATURE"


def expected_signature(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """The signed timestamp when `header` signs `body` with `secret` recently enough; else InvalidSignature."""
    if not secret:
        raise InvalidSignature("webhook secret is not configured")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("missing or malformed signature header")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise InvalidSignature("signature timestamp outside the tolerance window")
    expected = expected_signature(secret, body, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("signature does not match")
    return timestamp
