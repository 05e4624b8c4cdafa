"""The request body, refused before any handler logic when the function cannot read it.

Checked on every route, in this order, by a middleware that runs after the access check and before
request validation: too large (413), not UTF-8 (400), not JSON by its Content-Type (415), not JSON
(400), JSON but not an object (422: Powertools would unwrap a one-item array into a body model).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shop.errors import BadRequest, PayloadTooLarge, Unprocessable, UnsupportedMediaType

JSON_MEDIA_TYPE = "application/json"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json_loads(text: str) -> Any:
    """json.loads without NaN / Infinity (Python reads them; JSON has no such numbers)."""
    return json.loads(text, parse_constant=_refuse_constant)


def is_json_media_type(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE or (media_type.startswith("application/") and media_type.endswith("+json"))


def _body_bytes(body: str, is_base64: bool) -> bytes:
    if is_base64:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("request body is not valid base64", code="MALFORMED_BODY") from None
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the client's bytes were not UTF-8
        raise _not_utf8() from None


def _not_utf8() -> BadRequest:
    return BadRequest("request body is not valid UTF-8", code="BODY_NOT_UTF8")


def refuse_unreadable_body(max_bytes: int) -> Callable[[Any, Callable[[Any], Response]], Response]:
    """The middleware; bodies over `max_bytes` (decoded) answer 413."""

    def read_body(app: Any, next_middleware: Callable[[Any], Response]) -> Response:
        event = app.current_event
        if event.body:
            data = _body_bytes(event.body, event.is_base64_encoded)
            if len(data) > max_bytes:
                raise PayloadTooLarge(
                    f"request body is {len(data)} bytes, the limit is {max_bytes}",
                    details={"limit": max_bytes, "size": len(data)},
                )
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise _not_utf8() from None
            content_type = event.headers.get("content-type") or ""
            if content_type and not is_json_media_type(content_type):
                raise UnsupportedMediaType(
                    f"send {JSON_MEDIA_TYPE}", details={"contentType": content_type[:100]}
                )
            try:
                parsed = event.json_body
            except ValueError:
                raise BadRequest("request body is not valid JSON", code="MALFORMED_JSON") from None
            if not isinstance(parsed, dict):
                raise Unprocessable(
                    "request body must be a JSON object",
                    details=[{"loc": ["body"], "field": "body", "message": "must be a JSON object", "type": "object_type"}],
                )
        return next_middleware(app)

    return read_body
