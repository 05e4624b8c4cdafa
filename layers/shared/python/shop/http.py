"""The HTTP edge every API function shares: the resolver, the one error mapping, auth, caching helpers.

    from shop.http import create_app, current_user, cacheable

    app = create_app()

    @app.get("/products/<productId>")
    def get_product(productId: str) -> Response:
        return cacheable(app, product.model_dump(), max_age=60)

    @instrument
    def handler(event, context):
        return app.resolve(event, context)

Every error leaves as ``{"error": {"code", "message", "details"}}`` (see `create_app` for the table)
and is logged once, here. JSON out never holds NaN; DynamoDB's Decimal becomes an int or a float.
"""

from __future__ import annotations

import base64
import decimal
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from shop.config import env_int
from shop.errors import (
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ShopError,
    Unauthorized,
    Unprocessable,
    error_body,
)
from shop.observability import CORRELATION_HEADER, get_correlation_id, get_logger

ADMIN_GROUP = "admin"
MAX_BODY_BYTES_DEFAULT = 64 * 1024
# Browsers call the API from the storefront's own origin (S3 behind CloudFront, or the local cloud's):
# every answer carries CORS headers (the gateway answers the preflight), exposing what clients read.
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Idempotency-Key", "If-None-Match", "X-Correlation-Id", "X-Cart-Id"],
    expose_headers=["X-Cart-Id", "X-Correlation-Id", "ETag", "Retry-After"],
    max_age=600,
)


# ------------------------------------------------------------------ JSON


def _jsonable(value: Any) -> Any:
    """json.dumps' `default`: the types our handlers return besides plain JSON."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _without_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _without_non_finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_non_finite(item) for item in value]
    return value


def dumps(value: Any) -> str:
    """Compact JSON; NaN and infinities become null (they are not JSON), Decimals int or float."""
    try:
        return json.dumps(value, separators=(",", ":"), default=_jsonable, allow_nan=False)
    except ValueError:
        # Rare path: only taken when a float is NaN or infinite somewhere in the value.
        return json.dumps(
            _without_non_finite(value), separators=(",", ":"), default=_jsonable, allow_nan=False
        )


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response with our serialisation rules (the resolver serialises `body`)."""
    return Response(
        status_code=int(status),
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(headers or {}),
    )


def _error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    return json_response(status, {"error": {"code": code, "message": message, "details": details}})


# ------------------------------------------------------------------ the resolver and its error mapping


class ShopResolver(APIGatewayRestResolver):
    """APIGatewayRestResolver that refuses oversized bodies before parsing and echoes the correlation id."""

    def __init__(self, *, max_body_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_body_bytes = max_body_bytes

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        response = super().resolve(event, context)
        correlation_id = get_correlation_id()
        if correlation_id:
            # REST API (v1) responses carry multiValueHeaders; other event sources plain headers.
            if "multiValueHeaders" in response:
                response["multiValueHeaders"][CORRELATION_HEADER] = [correlation_id]
            else:
                response.setdefault("headers", {})[CORRELATION_HEADER] = correlation_id
        return response

    def _resolve(self) -> Any:
        size = _body_size(self.current_event.raw_event)
        if size > self.max_body_bytes:
            # Checked before routing so validation never parses a huge body
            return self._reject(PayloadTooLarge(
                f"request body is {size} bytes, the limit is {self.max_body_bytes}",
                details={"limit": self.max_body_bytes, "size": size},
            ))
        if _is_json_but_not_an_object(self.current_event.raw_event):
            # Powertools would unwrap a one-item array into the body model: every body here is an object
            return self._reject(Unprocessable("request body must be a JSON object", details=[
                {"loc": ["body"], "field": "body", "message": "must be a JSON object", "type": "object_type"}]))
        return super()._resolve()

    def _reject(self, error: ShopError) -> Any:
        """Answer with `error` through the exception handlers (same body, CORS, one log line)."""

        def reject():  # no return annotation: Powertools would build a response model from it
            raise error

        path = self.current_event.path
        route = Route(
            method=self.current_event.http_method.upper(),
            path=path,
            rule=self._compile_regex(r".*"),
            func=reject,
            cors=self._cors_enabled,
            compress=False,
        )
        self.append_context(_route=route, _path=path)
        return self._call_route(route=route, route_arguments={})

    def allowed_methods(self, path: str) -> list[str]:
        """Methods registered for `path` (to tell 405 from 404)."""
        path = self._remove_prefix(path)
        return sorted(
            {route.method for route in self._static_routes + self._dynamic_routes if route.rule.match(path)}
        )


def _is_json_but_not_an_object(event: Mapping[str, Any]) -> bool:
    body = event.get("body")
    if not body or event.get("isBase64Encoded") or not isinstance(body, str) or body.lstrip()[:1] == "{":
        return False
    try:
        json.loads(body)
    except ValueError:
        return False  # malformed JSON keeps its own 400
    return True


def _body_size(event: Mapping[str, Any]) -> int:
    body = event.get("body")
    if not body:
        return 0
    if event.get("isBase64Encoded"):
        try:
            return len(base64.b64decode(body))
        except ValueError:
            return len(body)
    return len(body.encode("utf-8")) if isinstance(body, str) else len(body)


def create_app(*, max_body_bytes: int | None = None, **resolver_options: Any) -> ShopResolver:
    """The resolver for one API function, with validation on and every error mapped in one place.

    | raised                                   | status | error.code          |
    |------------------------------------------|--------|---------------------|
    | ShopError and subclasses                 | its    | its                 |
    | invalid path/query/header/body (pydantic)| 422    | VALIDATION_FAILED   |
    | body that is not JSON                    | 400    | MALFORMED_JSON      |
    | body over `max_body_bytes` (MAX_BODY_BYTES, 64 KiB) | 413 | PAYLOAD_TOO_LARGE |
    | unsupported Content-Type                 | 415    | UNSUPPORTED_MEDIA_TYPE |
    | unknown route / known route, other method| 404 / 405 | ROUTE_NOT_FOUND / METHOD_NOT_ALLOWED |
    | anything else                            | 500    | INTERNAL (logged with its stack, never echoed) |
    """
    limit = (
        max_body_bytes if max_body_bytes is not None else env_int("MAX_BODY_BYTES", MAX_BODY_BYTES_DEFAULT)
    )
    resolver_options.setdefault("enable_validation", True)
    resolver_options.setdefault("cors", CORS)
    resolver_options.setdefault("serializer", dumps)
    app = ShopResolver(max_body_bytes=limit, **resolver_options)
    _register_error_mapping(app)
    return app


def _register_error_mapping(app: ShopResolver) -> None:
    @app.exception_handler(ShopError)
    def on_shop_error(err: ShopError) -> Response:
        if err.status < 500:
            _log_client_error(app, err.status, err.code, err.message, err.details)
        else:
            _log_server_error(app, err, err.code)
        return json_response(err.status, error_body(err))

    @app.exception_handler(RequestValidationError)
    def on_validation_error(err: RequestValidationError) -> Response:
        errors = list(err.errors())
        if any(error.get("type") == "json_invalid" for error in errors):
            _log_client_error(app, 400, "MALFORMED_JSON", "request body is not valid JSON")
            return _error_response(400, "MALFORMED_JSON", "request body is not valid JSON")
        details = [_validation_detail(error) for error in errors]
        _log_client_error(app, 422, "VALIDATION_FAILED", "request validation failed", details)
        return _error_response(422, "VALIDATION_FAILED", "request validation failed", details)

    @app.exception_handler(json.JSONDecodeError)
    def on_malformed_json(err: json.JSONDecodeError) -> Response:
        # A handler without a body model that reads `app.current_event.json_body` itself.
        _log_client_error(app, 400, "MALFORMED_JSON", "request body is not valid JSON")
        return _error_response(400, "MALFORMED_JSON", "request body is not valid JSON")

    @app.exception_handler(RequestUnsupportedContentType)
    def on_unsupported_content_type(err: RequestUnsupportedContentType) -> Response:
        content_type = app.current_event.headers.get("content-type", "")
        _log_client_error(app, 415, "UNSUPPORTED_MEDIA_TYPE", f"unsupported content type {content_type}")
        return _error_response(
            415, "UNSUPPORTED_MEDIA_TYPE", "send application/json", {"contentType": content_type}
        )

    @app.exception_handler(NotFoundError)
    def on_route_not_found(err: NotFoundError) -> Response:
        method, path = app.current_event.http_method.upper(), app.current_event.path
        allowed = app.allowed_methods(path)
        if allowed and method not in allowed:
            _log_client_error(app, 405, "METHOD_NOT_ALLOWED", f"{method} not allowed on {path}")
            response = _error_response(
                405, "METHOD_NOT_ALLOWED", f"{method} is not allowed here", {"allowed": allowed}
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        _log_client_error(app, 404, "ROUTE_NOT_FOUND", f"no route for {method} {path}")
        return _error_response(404, "ROUTE_NOT_FOUND", f"no route for {method} {path}")

    @app.exception_handler(ServiceError)
    def on_powertools_service_error(err: ServiceError) -> Response:
        # Powertools' own HTTP errors (BadRequestError, ...), should a handler raise one.
        code = HTTPStatus(err.status_code).name
        _log_client_error(app, err.status_code, code, err.msg)
        return _error_response(err.status_code, code, err.msg)

    @app.exception_handler(Exception)
    def on_unexpected_error(err: Exception) -> Response:
        _log_server_error(app, err, "INTERNAL")
        return _error_response(500, "INTERNAL", "internal error")


def _validation_detail(error: Mapping[str, Any]) -> dict[str, Any]:
    # Powertools says ("body", "quantity") / ("query", "limit"); clients read "body.quantity".
    loc = [str(part) for part in error.get("loc", ())]
    return {
        "loc": loc,
        "field": ".".join(loc),
        "message": error.get("msg", "invalid"),
        "type": error.get("type"),
    }


def _request_context(app: ShopResolver) -> dict[str, Any]:
    event = app.current_event
    return {
        "http_method": event.http_method,
        "path": event.path,
        "request_id": (event.raw_event.get("requestContext") or {}).get("requestId"),
    }


def _log_client_error(app: ShopResolver, status: int, code: str, message: str, details: Any = None) -> None:
    extra = {"status": status, "error_code": code, "error": message, **_request_context(app)}
    if details is not None:
        extra["details"] = details
    get_logger().info("request refused", extra=extra)


def _log_server_error(app: ShopResolver, err: Exception, code: str) -> None:
    extra = {"error_code": code, "error_type": type(err).__name__, **_request_context(app)}
    get_logger().error("request failed", extra=extra, exc_info=err)


# ------------------------------------------------------------------ who is calling


@dataclass(frozen=True)
class Principal:
    """The signed-in caller, as the Cognito authorizer vouched for them."""

    user_id: str
    email: str | None
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups


def parse_groups(raw: Any) -> frozenset[str]:
    """`cognito:groups` in any form API Gateway passes: a list, "[admin ops]", "[admin, ops]", "admin"."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(group).strip() for group in raw if str(group).strip())
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return frozenset(part for part in text.replace(",", " ").split() if part)


def current_user(app: APIGatewayRestResolver) -> Principal:
    """The caller from `requestContext.authorizer.claims`; Unauthorized when there is none."""
    request_context = app.current_event.raw_event.get("requestContext") or {}
    claims = (request_context.get("authorizer") or {}).get("claims") or {}
    user_id = claims.get("sub")
    if not user_id:
        raise Unauthorized("sign in to use this operation")
    return Principal(
        user_id=str(user_id), email=claims.get("email"), groups=parse_groups(claims.get("cognito:groups"))
    )


def require_admin(app: APIGatewayRestResolver) -> Principal:
    """The caller if they are in the admin group; Unauthorized or Forbidden otherwise."""
    principal = current_user(app)
    if not principal.is_admin:
        raise Forbidden("this operation is for administrators")
    return principal


def require_path_owner(principal: Principal, owner_id: str) -> None:
    """A user reaches only their own resources; a stranger's id answers 404 (do not reveal it exists)."""
    if principal.user_id != owner_id and not principal.is_admin:
        raise NotFound("not found")


# ------------------------------------------------------------------ conditional GET


def etag_of(body: Any) -> str:
    """A strong ETag from the canonical JSON of `body` (sorted keys, compact)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=_jsonable)
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
    app: APIGatewayRestResolver,
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
