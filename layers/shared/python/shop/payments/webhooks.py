"""The provider's webhooks at the door: signature check, then each event processed once.

Signatures (`Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256>`) are verified here rather than with the
sandbox's code: the shop and the provider are separate systems that share only the documented scheme
(HMAC-SHA256 of "<t>.<raw body>", any v1 may match while a secret rotates, timestamps outside the
tolerance are refused so a captured request cannot be replayed).

Processors deliver at least once and sometimes the same event several times at once. `process_once`
runs the (Powertools-idempotent) processing for the first delivery; the others wait briefly for its
result and answer it, or, if it is still running, answer 409 so that the processor retries later:
never a 5xx for an event that is being handled.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from shop.errors import Conflict, Unauthorized

SIGNATURE_HEADER = "Sandbox-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(Unauthorized):
    code = "INVALID_SIGNATURE"


class EventInProgress(Conflict):
    """Another delivery of this event is being processed right now: retry later (the processor will)."""

    code = "EVENT_IN_PROGRESS"


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


def process_once(
    process: Callable[[dict[str, Any]], dict[str, Any]],
    event: dict[str, Any],
    *,
    wait_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """`process(event)` (Powertools-idempotent by event id); while another delivery holds the event,
    wait up to `wait_seconds` for its stored result, then give up with EventInProgress (409)."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return process(event)
        except IdempotencyAlreadyInProgressError:
            if time.monotonic() + delay > deadline:
                raise EventInProgress("this event is being processed by another delivery; retry later",
                                      details={"eventId": event.get("id")}) from None
            sleep(delay)
            delay = min(delay * 2, 0.5)
