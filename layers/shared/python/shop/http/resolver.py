"""The resolver every API function uses, and the order in which a request meets the edge.

    access check (401 / 403) -> unreadable body (413 / 400 / 415 / 422) -> request validation (422)
        -> the handler -> response validation and serialisation

Powertools' own `enable_validation` would validate first (its validation middleware always runs
before the global ones), so the resolver runs with it off and places Powertools' validation
middlewares itself, after the access check. Everything here is Powertools' public API: `use()`
middlewares, `exception_handler`, `Response`, `app.request`, and `route()`, the decorator behind
`get`/`post`/..., which this resolver extends to record who may call each route and to document the
answers every operation can give (`shop.apidoc.edge_responses`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
    OpenAPIResponseValidationMiddleware,
)

from shop.apidoc import COGNITO, edge_responses
from shop.config import env_int
from shop.http.body import refuse_unreadable_body, strict_json_loads
from shop.http.encoding import dumps, with_correlation_id
from shop.http.errors import register_error_mapping
from shop.http.identity import Access, access_check

MAX_BODY_BYTES_DEFAULT = 64 * 1024
# Browsers call the API from the storefront's own origin (S3 behind CloudFront, or the local cloud's):
# every answer carries CORS headers (the gateway answers the preflight), exposing what clients read.
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Idempotency-Key", "If-None-Match", "X-Correlation-Id", "X-Cart-Id"],
    expose_headers=["X-Cart-Id", "X-Correlation-Id", "ETag", "Retry-After"],
    max_age=600,
)
_ROUTE_SIGNATURE = inspect.signature(APIGatewayRestResolver.route)
_PARAMETER = re.compile(r"<(\w+)>")


def _openapi_path(rule: str) -> str:
    # the form `app.request.route` reports: /items/<sku> -> /items/{sku}
    return _PARAMETER.sub(r"{\1}", rule)


class ShopResolver(APIGatewayRestResolver):
    """APIGatewayRestResolver that knows who may call each of its routes (see the module doc)."""

    def __init__(self, *, admin: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.admin = admin
        self._route_access: dict[tuple[str, str], Access] = {}
        self._route_patterns: list[tuple[re.Pattern[str], str]] = []

    # Powertools lacks a hook for defaults every route gets (responses, access): its public decorator it is.
    def route(self, rule: str, method: Any, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Powertools' route(), plus: the access it implies (an admin function's routes are admin only,
        a route with `security` needs a signed-in caller) and the edge's answers in its `responses`."""
        bound = _ROUTE_SIGNATURE.bind(self, rule, method, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        arguments.pop("self")
        if self.admin and not arguments["security"]:
            arguments["security"] = COGNITO
        access = Access.ADMIN if self.admin else Access.SIGNED_IN if arguments["security"] else Access.PUBLIC
        given = dict(arguments["responses"] or {})
        if not any(200 <= int(status) < 300 for status in given):
            # Powertools documents the return annotation as the success only when no responses are given
            given[arguments["status_code"]] = {"description": arguments["response_description"]}
        documented = edge_responses(signed_in=access is not Access.PUBLIC, admin=access is Access.ADMIN)
        arguments["responses"] = {**documented, **given}
        path = rule.rstrip("/")  # as APIGatewayRestResolver registers it
        pattern = re.compile("^" + _PARAMETER.sub("[^/]+", re.escape(path)) + "/*$")
        for verb in [method] if isinstance(method, str) else method:
            self._route_access[(verb.upper(), _openapi_path(path))] = access
            self._route_patterns.append((pattern, verb.upper()))
        return super().route(**arguments)

    def access_of(self, method: str, route: str) -> Access:
        """Who may call `method route` (PUBLIC for what no route declares: the 404/405 answers)."""
        return self._route_access.get((method.upper(), route), Access.PUBLIC)

    # Powertools lacks a public "methods of this path": the resolver keeps its own patterns of its routes.
    def allowed_methods(self, path: str) -> list[str]:
        """Methods registered for `path` (to tell 405 from 404)."""
        return sorted({method for pattern, method in self._route_patterns if pattern.match(path)})


def _echo_correlation_id(app: Any, next_middleware: Callable[[Any], Response]) -> Response:
    return with_correlation_id(next_middleware(app))


def create_app(*, admin: bool = False, max_body_bytes: int | None = None, **resolver_options: Any) -> ShopResolver:
    """The resolver for one API function: `admin=True` makes every route of the function admin only."""
    for option in ("enable_validation", "serializer", "json_body_deserializer"):
        if option in resolver_options:
            raise TypeError(f"create_app sets {option} itself")
    resolver_options.setdefault("cors", CORS)
    limit = max_body_bytes if max_body_bytes is not None else env_int("MAX_BODY_BYTES", MAX_BODY_BYTES_DEFAULT)
    # Powertools lacks a hook to run a middleware before its validation: it is off, and its middlewares are placed
    app = ShopResolver(
        admin=admin, serializer=dumps, json_body_deserializer=strict_json_loads, enable_validation=False,
        **resolver_options,
    )
    register_error_mapping(app, app.allowed_methods)
    app.use(middlewares=[
        _echo_correlation_id,
        access_check(app.access_of),
        refuse_unreadable_body(limit),
        OpenAPIRequestValidationMiddleware(),
        OpenAPIResponseValidationMiddleware(validation_serializer=dumps),
    ])
    return app
