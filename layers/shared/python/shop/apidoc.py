"""OpenAPI pieces every API function shares: the error body and the Cognito auth requirement."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

COGNITO = [{"CognitoAuthorizer": []}]

_MEANINGS = {
    400: "Malformed JSON or an invalid cursor",
    401: "Not signed in, or wrong credentials",
    403: "Signed in, but not allowed (admin routes)",
    404: "No such resource",
    409: "Conflicts with the current state (taken email or SKU, concurrent update)",
    413: "Body too large",
    422: "Validation failed: `details` lists each field",
}


class ShopErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ShopErrorBody(BaseModel):
    """Every error answer: {"error": {"code", "message", "details"}}."""

    error: ShopErrorDetail


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    """`responses=` entries documenting our error body for `statuses`."""
    return {
        status: {"description": _MEANINGS.get(status, "Error"), "content": {"application/json": {"model": ShopErrorBody}}}
        for status in statuses
    }
