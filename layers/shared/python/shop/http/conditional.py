"""Conditional GET: a strong ETag and Cache-Control on cacheable reads, a bodiless 304 when they match."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shop.http.encoding import json_response, jsonable


def etag_of(body: Any) -> str:
    """A strong ETag from the canonical JSON of `body` (sorted keys, compact)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=jsonable)
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


def _if_none_match_hits(header: str | None, etag: str) -> bool:
    if not header:
        return False
    # Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def cacheable(
    app: Any,
    body: Any,
    *,
    max_age: int,
    etag: str | None = None,
    public: bool = True,
    status: int = 200,
) -> Response:
    """A 200 with ETag and Cache-Control, or a bodiless 304 when the client's If-None-Match matches."""
    tag = etag if etag is not None else etag_of(body)
    if not tag.startswith(('"', 'W/"')):
        tag = f'"{tag}"'
    headers = {"ETag": tag, "Cache-Control": f"{'public' if public else 'private'}, max-age={int(max_age)}"}
    if _if_none_match_hits(app.current_event.headers.get("if-none-match"), tag):
        return Response(status_code=304, content_type=None, body=None, headers=headers)
    return json_response(status, body, headers)
