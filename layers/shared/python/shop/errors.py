"""Domain errors with their HTTP meaning, mapped to responses in one place (`shop.http`).

Services subclass these to name their own failures::

    class OutOfStock(Conflict):
        code = "OUT_OF_STOCK"

    raise OutOfStock("not enough stock", details={"sku": sku, "available": 2})

The body every client sees is ``{"error": {"code", "message", "details"}}`` (see `error_body`).
This module imports nothing heavy: domain code and saga steps raise these without the HTTP stack.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ShopError(Exception):
    """Base of every error the shop raises on purpose; `status` and `code` say how clients see it."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        # An instance may refine the class code (e.g. one Conflict class, several reasons).
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class BadRequest(ShopError):
    status = 400
    code = "BAD_REQUEST"


class Unauthorized(ShopError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(ShopError):
    status = 403
    code = "FORBIDDEN"


class NotFound(ShopError):
    status = 404
    code = "NOT_FOUND"


class MethodNotAllowed(ShopError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class Conflict(ShopError):
    status = 409
    code = "CONFLICT"


class PayloadTooLarge(ShopError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ShopError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class Unprocessable(ShopError):
    status = 422
    code = "VALIDATION_FAILED"


class TooManyRequests(ShopError):
    status = 429
    code = "TOO_MANY_REQUESTS"


class ServiceUnavailable(ShopError):
    status = 503
    code = "SERVICE_UNAVAILABLE"


def error_body(err: ShopError) -> dict[str, Any]:
    """The JSON body of an error response: ``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": err.code, "message": err.message, "details": err.details}}
