"""Webhook signatures: `Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.

The shop verifies with its own code; these pure functions pin the scheme for both sides' tests.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Sandbox-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def compute_signature(secret: str, body: bytes, timestamp: int) -> str:
    signed_payload = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed_payload, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={compute_signature(secret, body, timestamp)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and every v1 signature in a header (several while a secret rotates)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def verify(
    secret: str,
    body: bytes,
    header: str,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when one v1 signature matches and the timestamp is within the tolerance (replay guard)."""
    timestamp, signatures = parse_header(header)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = compute_signature(secret, body, timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
