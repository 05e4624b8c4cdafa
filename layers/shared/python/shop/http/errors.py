"""The one error mapping: every failure leaves as ``{"error": {"code", "message", "details"}}``.

| raised                                            | status    | error.code                           |
|---------------------------------------------------|-----------|--------------------------------------|
| ShopError and subclasses                          | its       | its                                  |
| invalid path/query/header/body (pydantic)         | 422       | VALIDATION_FAILED                    |
| body that is not JSON / not UTF-8                 | 400       | MALFORMED_JSON / BODY_NOT_UTF8       |
| body over the limit (MAX_BODY_BYTES, 64 KiB)      | 413       | PAYLOAD_TOO_LARGE                    |
| unsupported Content-Type                          | 415       | UNSUPPORTED_MEDIA_TYPE               |
| unknown route / known route, other method         | 404 / 405 | ROUTE_NOT_FOUND / METHOD_NOT_ALLOWED |
| anything else                                     | 500       | INTERNAL (logged with its stack, never echoed) |

Each failure is logged once, here, at the level it deserves: a refused request (4xx) at INFO, a
ShopError with a 5xx status (raised on purpose: a dependency is unavailable) at WARNING, both with
their error code; only what nobody expected is an ERROR (with its stack), and ERROR lines page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from shop.errors import ShopError
from shop.http.encoding import json_response, with_correlation_id
from shop.observability import get_logger


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: Mapping[str, str] | None = None
) -> Response:
    body = {"error": {"code": code, "message": message, "details": details}}
    return with_correlation_id(json_response(status, body, headers))


def register_error_mapping(app: Any, allowed_methods: Callable[[str], list[str]]) -> None:
    """Install the exception handlers on `app`; `allowed_methods(path)` tells a 405 from a 404."""

    def refuse(status: int, code: str, message: str, details: Any = None, **headers: str) -> Response:
        _log_refusal(app, status, code, message, details)
        return error_response(status, code, message, details, headers)

    @app.exception_handler(ShopError)
    def on_shop_error(err: ShopError) -> Response:
        if err.status >= 500:
            _log_unavailable(app, err)
            return error_response(err.status, err.code, err.message, err.details)
        return refuse(err.status, err.code, err.message, err.details)

    @app.exception_handler(RequestValidationError)
    def on_validation_error(err: RequestValidationError) -> Response:
        errors = list(err.errors())
        if any(error.get("type") == "json_invalid" for error in errors):
            return refuse(400, "MALFORMED_JSON", "request body is not valid JSON")
        return refuse(422, "VALIDATION_FAILED", "request validation failed", [_validation_detail(e) for e in errors])

    @app.exception_handler(RequestUnsupportedContentType)
    def on_unsupported_content_type(err: RequestUnsupportedContentType) -> Response:
        content_type = app.current_event.headers.get("content-type", "")
        return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json", {"contentType": content_type[:100]})

    @app.exception_handler(NotFoundError)
    def on_route_not_found(err: NotFoundError) -> Response:
        method, path = app.current_event.http_method.upper(), app.current_event.path
        allowed = allowed_methods(path)
        if allowed and method not in allowed:
            return refuse(
                405, "METHOD_NOT_ALLOWED", f"{method} is not allowed here", {"allowed": allowed},
                Allow=", ".join(allowed),
            )
        return refuse(404, "ROUTE_NOT_FOUND", f"no route for {method} {path}")

    @app.exception_handler(ServiceError)
    def on_powertools_service_error(err: ServiceError) -> Response:
        # Powertools' own HTTP errors (BadRequestError, ...), should a handler raise one.
        return refuse(err.status_code, HTTPStatus(err.status_code).name, err.msg)

    @app.exception_handler(Exception)
    def on_unexpected_error(err: Exception) -> Response:
        extra = {"error_code": "INTERNAL", "error_type": type(err).__name__, **_request_context(app)}
        get_logger().error("request failed unexpectedly", extra=extra, exc_info=err)
        return error_response(500, "INTERNAL", "internal error")


def _validation_detail(error: Mapping[str, Any]) -> dict[str, Any]:
    # Powertools says ("body", "quantity") / ("query", "limit"); clients read "body.quantity".
    loc = [str(part) for part in error.get("loc", ())]
    return {"loc": loc, "field": ".".join(loc), "message": error.get("msg", "invalid"), "type": error.get("type")}


def _request_context(app: Any) -> dict[str, Any]:
    event = app.current_event
    return {
        "http_method": event.http_method,
        "path": event.path,
        "request_id": (event.raw_event.get("requestContext") or {}).get("requestId"),
    }


def _log_refusal(app: Any, status: int, code: str, message: str, details: Any) -> None:
    extra = {"status": status, "error_code": code, "error": message, **_request_context(app)}
    if details is not None:
        extra["details"] = details
    get_logger().info("request refused", extra=extra)


def _log_unavailable(app: Any, err: ShopError) -> None:
    extra = {"status": err.status, "error_code": err.code, "error_type": type(err).__name__, "error": err.message,
             **_request_context(app)}
    get_logger().warning("request failed", extra=extra)
