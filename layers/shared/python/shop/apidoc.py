"""OpenAPI pieces every API function shares: the error body, the Cognito auth requirement, and the
answers every operation can give whatever its handler does (the edge's and the gateway's own)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

COGNITO = [{"CognitoAuthorizer": []}]

_MEANINGS = {
    400: "The body is not UTF-8 or not JSON, or (where the route says so) another malformed input",
    401: "Not signed in: no token, or an invalid or expired one (the gateway answers), or wrong credentials",
    403: "Signed in, but not an administrator",
    404: "No such resource",
    409: "Conflicts with the current state (taken email or SKU, concurrent update)",
    413: "Body too large (64 KiB for a function; the gateway refuses above 10 MB)",
    415: "A body sent with a Content-Type other than application/json",
    422: "Validation failed: `details` lists each field",
    429: "Throttled by the gateway (stage, method or usage plan limits)",
    500: "Unexpected failure (logged with the request id; never echoes internals)",
    502: "The function failed or answered something the gateway cannot use",
    503: "A dependency is unavailable or kept changing under the request; retry later",
    504: "The function did not answer within the gateway's 29 s",
}
# Every operation can answer these: the edge refuses unreadable bodies on any route, the gateway throttles
# and fails alike everywhere.
_EVERY_OPERATION = (400, 413, 415, 422, 429, 500, 502, 503, 504)


class ShopErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ShopErrorBody(BaseModel):
    """Every error answer: {"error": {"code", "message", "details"}}."""

    error: ShopErrorDetail


def error_responses(*statuses: int, **descriptions: str) -> dict[int, dict[str, Any]]:
    """`responses=` entries documenting our error body for `statuses` (`descriptions`: "s409": "...")."""
    return {
        status: {
            "description": descriptions.get(f"s{status}", _MEANINGS.get(status, "Error")),
            "content": {"application/json": {"model": ShopErrorBody}},
        }
        for status in statuses
    }


def edge_responses(*, signed_in: bool, admin: bool) -> dict[int, dict[str, Any]]:
    """The answers of the edge and the gateway for an operation with this access (merged by `shop.http`)."""
    statuses = [*_EVERY_OPERATION]
    if signed_in or admin:
        statuses.append(401)
    if admin:
        statuses.append(403)
    return error_responses(*sorted(statuses))


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": "string"}}


# What `shop.http.cacheable` sends with a 200 and a 304.
CACHE_HEADERS = {
    "ETag": _header("Strong validator: send it back as If-None-Match"),
    "Cache-Control": _header("public or private, with max-age in seconds"),
}
NOT_MODIFIED = {304: {"description": "Not modified (If-None-Match matched)", "headers": CACHE_HEADERS, "content": {}}}


def cacheable_ok(description: str, model: Any) -> dict[int, dict[str, Any]]:
    """The 200 and 304 of a cacheable read (`shop.http.cacheable`)."""
    return {
        200: {"description": description, "headers": CACHE_HEADERS, "content": {"application/json": {"model": model}}},
        **NOT_MODIFIED,
    }
