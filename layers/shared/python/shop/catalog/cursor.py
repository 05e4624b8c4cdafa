"""Opaque page cursors: a DynamoDB LastEvaluatedKey as URL-safe base64 JSON, checked on the way back."""

from __future__ import annotations

import base64
import binascii
import json

from shop.errors import NotFound

CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # what encode_cursor writes: URL-safe base64, unpadded


class InvalidCursor(NotFound):
    """A cursor this API did not issue (for this caller): no page is there, as for any unknown id."""

    code = "UNKNOWN_CURSOR"


def encode_cursor(key: dict[str, str] | None) -> str | None:
    if not key:
        return None
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, expected_keys: set[str]) -> dict[str, str] | None:
    """The key a cursor stands for; InvalidCursor (404) when it was not made by `encode_cursor`."""
    if cursor is None or cursor == "":
        return None
    try:
        if len(cursor) > 1024:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not valid", details={"field": "cursor"}) from exc
    if (
        not isinstance(key, dict)
        or set(key) != expected_keys
        or not all(isinstance(v, str) and 0 < len(v) <= 256 for v in key.values())
    ):
        raise InvalidCursor("cursor is not valid", details={"field": "cursor"})
    return key
