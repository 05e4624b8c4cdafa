"""The HTTP edge: every error mapping, principals, conditional GET, JSON rules (through app.resolve)."""

from __future__ import annotations

import base64
import json
import logging
from decimal import Decimal
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, Field
from shop.errors import Conflict, ServiceUnavailable
from shop.http import (
    Principal,
    cacheable,
    create_app,
    current_user,
    dumps,
    etag_of,
    json_response,
    parse_groups,
    require_admin,
)


def api_event(
    method: str = "GET",
    path: str = "/",
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """A REST API (v1) Lambda proxy event as API Gateway builds it."""
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    if base64_body and body is not None:
        body = base64.b64encode(body.encode()).decode()
    request_context: dict[str, Any] = {
        "requestId": "req-1",
        "stage": "dev",
        "httpMethod": method,
        "path": f"/dev{path}",
        "resourcePath": path,
        "identity": {"sourceIp": "127.0.0.1"},
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": base64_body,
    }


class AddItem(BaseModel):
    sku: str = Field(min_length=1)
    quantity: int = Field(ge=1, le=99)


class OutOfStock(Conflict):
    code = "OUT_OF_STOCK"


@pytest.fixture
def app():
    app = create_app(max_body_bytes=1024)

    @app.post("/cart/items")
    def add_item(item: AddItem) -> dict:
        if item.sku == "SOLD-OUT":
            raise OutOfStock("no stock left", details={"sku": item.sku})
        return {"sku": item.sku, "quantity": item.quantity}

    @app.get("/products")
    def list_products(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
        return {"items": [], "limit": limit}

    @app.get("/products/<productId>")
    def get_product(productId: Annotated[str, Path(pattern="^p-[0-9]+$")]):  # noqa: N803
        return cacheable(app, {"productId": productId, "price": Decimal("12.50")}, max_age=60)

    @app.post("/raw")
    def raw_body():
        return {"got": app.current_event.json_body}

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret connection string postgres://admin:pw@db")

    @app.get("/down")
    def down():
        raise ServiceUnavailable("payment provider unavailable", details={"retryAfter": 10})

    @app.get("/me")
    def me() -> dict:
        principal = current_user(app)
        return {"userId": principal.user_id, "email": principal.email, "groups": sorted(principal.groups)}

    @app.get("/admin")
    def admin() -> dict:
        return {"userId": require_admin(app).user_id}

    @app.get("/numbers")
    def numbers():
        return json_response(200, {"count": Decimal("3"), "ratio": Decimal("0.5"), "bad": float("nan")})

    return app


def response_headers(response: dict[str, Any]) -> dict[str, str]:
    """REST API responses carry multiValueHeaders; flatten them as API Gateway does for the client."""
    multi = {name: ", ".join(values) for name, values in (response.get("multiValueHeaders") or {}).items()}
    return {**multi, **(response.get("headers") or {})}


def call(app, event) -> tuple[int, dict[str, str], Any]:
    response = app.resolve(event, {})
    body = response.get("body")
    parsed = json.loads(body) if body else None
    return response["statusCode"], response_headers(response), parsed


def test_valid_request_reaches_the_handler(app):
    status, _, body = call(app, api_event("POST", "/cart/items", body={"sku": "A-1", "quantity": 2}))
    assert (status, body) == (200, {"sku": "A-1", "quantity": 2})


def test_domain_error_answers_its_status_code_and_details(app):
    status, _, body = call(app, api_event("POST", "/cart/items", body={"sku": "SOLD-OUT", "quantity": 1}))
    assert status == 409
    assert body == {
        "error": {"code": "OUT_OF_STOCK", "message": "no stock left", "details": {"sku": "SOLD-OUT"}}
    }


def test_server_side_shop_error_keeps_its_5xx_status(app):
    status, _, body = call(app, api_event("GET", "/down"))
    assert status == 503
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_invalid_body_field_answers_422_with_readable_location(app):
    status, _, body = call(app, api_event("POST", "/cart/items", body={"sku": "A-1", "quantity": 0}))
    assert status == 422
    assert body["error"]["code"] == "VALIDATION_FAILED"
    [detail] = body["error"]["details"]
    assert detail["loc"] == ["body", "quantity"]
    assert detail["field"] == "body.quantity"
    assert detail["type"] == "greater_than_equal"
    assert detail["message"]


def test_missing_body_field_is_named(app):
    status, _, body = call(app, api_event("POST", "/cart/items", body={"quantity": 1}))
    assert status == 422
    assert [d["field"] for d in body["error"]["details"]] == ["body.sku"]


def test_invalid_query_parameter_answers_422_at_query_location(app):
    status, _, body = call(app, api_event("GET", "/products", query={"limit": "1000"}))
    assert status == 422
    assert body["error"]["details"][0]["field"] == "query.limit"


def test_invalid_path_parameter_answers_422_at_path_location(app):
    status, _, body = call(app, api_event("GET", "/products/nope"))
    assert status == 422
    assert body["error"]["details"][0]["field"] == "path.productId"


@pytest.mark.parametrize("raw", ['{"sku": "A-1", "quantity": ', "not json", "{'sku': 1}"])
def test_malformed_json_body_answers_400_not_422(app, raw):
    status, _, body = call(app, api_event("POST", "/cart/items", body=raw))
    assert status == 400
    assert body["error"]["code"] == "MALFORMED_JSON"


@pytest.mark.parametrize("raw", ['[{"sku": "A-1", "quantity": 1}]', "[]", "7", '"text"', "null"])
def test_json_body_that_is_not_an_object_answers_422(app, raw):
    status, _, body = call(app, api_event("POST", "/cart/items", body=raw))
    assert status == 422
    assert body["error"]["code"] == "VALIDATION_FAILED"
    assert body["error"]["details"][0]["field"] == "body"


def test_malformed_json_read_by_handler_itself_answers_400(app):
    status, _, body = call(app, api_event("POST", "/raw", body="{oops"))
    assert status == 400
    assert body["error"]["code"] == "MALFORMED_JSON"


def test_body_over_the_limit_answers_413_before_validation(app):
    big = {"sku": "A" * 2000, "quantity": 1}
    status, _, body = call(app, api_event("POST", "/cart/items", body=big))
    assert status == 413
    assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body["error"]["details"]["limit"] == 1024


def test_base64_body_is_measured_decoded(app):
    body = json.dumps({"sku": "A" * 600, "quantity": 1})  # 800 bytes encoded as base64, under 1024 decoded
    status, _, _ = call(app, api_event("POST", "/cart/items", body=body, base64_body=True))
    assert status == 200


def test_body_limit_comes_from_environment(monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "10")
    app = create_app()

    @app.post("/x")
    def x():
        return {}

    status, _, _ = call(app, api_event("POST", "/x", body={"long": "enough to pass ten bytes"}))
    assert status == 413


def test_unknown_route_answers_404_route_not_found(app):
    status, _, body = call(app, api_event("GET", "/nowhere"))
    assert status == 404
    assert body["error"]["code"] == "ROUTE_NOT_FOUND"


def test_known_route_with_other_method_answers_405_with_allow(app):
    status, headers, body = call(app, api_event("DELETE", "/products/p-1"))
    assert status == 405
    assert body["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert headers["Allow"] == "GET"


def test_unsupported_content_type_answers_415(app):
    event = api_event("POST", "/cart/items", body="sku=a", headers={"Content-Type": "text/plain"})
    status, _, body = call(app, event)
    assert status == 415
    assert body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_unexpected_error_answers_500_without_leaking_and_is_logged_once(app, caplog):
    with caplog.at_level(logging.INFO):
        status, _, body = call(app, api_event("GET", "/boom"))
    assert status == 500
    assert body == {"error": {"code": "INTERNAL", "message": "internal error", "details": None}}
    assert "postgres" not in json.dumps(body)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert failures[0].path == "/boom"


def test_client_error_is_logged_once_at_info_with_its_code(app, caplog):
    with caplog.at_level(logging.INFO):
        call(app, api_event("POST", "/cart/items", body={"sku": "SOLD-OUT", "quantity": 1}))
    refused = [r for r in caplog.records if getattr(r, "error_code", None)]
    assert [(r.levelno, r.error_code, r.status) for r in refused] == [(logging.INFO, "OUT_OF_STOCK", 409)]


# ------------------------------------------------------------------ principals


def test_current_user_reads_cognito_claims(app):
    claims = {"sub": "u-1", "email": "ada@example.com", "cognito:groups": "[admin]"}
    status, _, body = call(app, api_event("GET", "/me", claims=claims))
    assert status == 200
    assert body == {"userId": "u-1", "email": "ada@example.com", "groups": ["admin"]}


def test_missing_claims_answer_401(app):
    status, _, body = call(app, api_event("GET", "/me"))
    assert status == 401
    assert body["error"]["code"] == "UNAUTHORIZED"


def test_non_admin_on_admin_route_answers_403(app):
    status, _, body = call(
        app, api_event("GET", "/admin", claims={"sub": "u-2", "cognito:groups": "shoppers"})
    )
    assert status == 403
    assert body["error"]["code"] == "FORBIDDEN"


def test_admin_passes_admin_route(app):
    status, _, body = call(
        app, api_event("GET", "/admin", claims={"sub": "u-3", "cognito:groups": ["admin"]})
    )
    assert (status, body) == (200, {"userId": "u-3"})


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("[admin]", {"admin"}),
        ("admin", {"admin"}),
        ("[admin ops]", {"admin", "ops"}),
        ("[admin, ops]", {"admin", "ops"}),
        ("admin,ops", {"admin", "ops"}),
        (["admin", "ops"], {"admin", "ops"}),
        ("[]", set()),
        ("", set()),
        (None, set()),
    ],
)
def test_groups_claim_is_parsed_in_every_form(raw, groups):
    assert parse_groups(raw) == groups


def test_principal_is_admin_only_in_admin_group():
    assert Principal("u", None, frozenset({"admin"})).is_admin
    assert not Principal("u", None, frozenset({"administrators"})).is_admin


# ------------------------------------------------------------------ conditional GET


def test_cacheable_get_sends_strong_etag_and_cache_control(app):
    status, headers, body = call(app, api_event("GET", "/products/p-1"))
    assert status == 200
    assert body == {"productId": "p-1", "price": 12.5}
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert headers["Cache-Control"] == "public, max-age=60"


def test_etag_is_stable_across_key_order():
    assert etag_of({"a": 1, "b": 2}) == etag_of({"b": 2, "a": 1})
    assert etag_of({"a": 1}) != etag_of({"a": 2})


@pytest.mark.parametrize("form", ["{tag}", "W/{tag}", '"other", {tag}', "*"])
def test_matching_if_none_match_answers_304_without_body(app, form):
    _, headers, _ = call(app, api_event("GET", "/products/p-1"))
    tag = headers["ETag"]
    response = app.resolve(
        api_event("GET", "/products/p-1", headers={"If-None-Match": form.format(tag=tag)}), {}
    )
    assert response["statusCode"] == 304
    assert not response.get("body")
    assert response_headers(response)["ETag"] == tag


def test_stale_if_none_match_answers_200(app):
    status, _, body = call(app, api_event("GET", "/products/p-1", headers={"If-None-Match": '"stale"'}))
    assert status == 200
    assert body["productId"] == "p-1"


def test_cacheable_uses_given_etag_quoted(app):
    @app.get("/versioned")
    def versioned():
        return cacheable(app, {"v": 7}, max_age=5, etag="v7", public=False)

    _, headers, _ = call(app, api_event("GET", "/versioned"))
    assert headers["ETag"] == '"v7"'
    assert headers["Cache-Control"] == "private, max-age=5"


# ------------------------------------------------------------------ JSON


def test_decimals_become_numbers_and_nan_becomes_null(app):
    status, _, body = call(app, api_event("GET", "/numbers"))
    assert status == 200
    assert body == {"count": 3, "ratio": 0.5, "bad": None}


def test_dumps_is_compact_and_never_emits_nan():
    text = dumps({"x": float("inf"), "d": Decimal("10"), "s": {1}})
    assert text == '{"x":null,"d":10,"s":[1]}'


def test_correlation_id_is_echoed_when_set(app):
    from shop.observability import set_correlation_id

    set_correlation_id("corr-42")
    try:
        response = app.resolve(api_event("GET", "/products"), {})
    finally:
        set_correlation_id(None)
    assert response_headers(response)["X-Correlation-Id"] == "corr-42"


def test_answers_to_a_browser_on_another_origin_carry_cors_headers_and_expose_what_clients_read(app):
    origin = {"Origin": "https://shop.example.com"}
    for event in (api_event("POST", "/cart/items", body={"sku": "A-1", "quantity": 2}, headers=origin),
                  api_event("POST", "/cart/items", body={"sku": "SOLD-OUT", "quantity": 1}, headers=origin),
                  api_event("GET", "/no/such/route", headers=origin)):
        _, headers, _ = call(app, event)
        assert headers["Access-Control-Allow-Origin"] == "*"
        exposed = set(headers["Access-Control-Expose-Headers"].split(","))
        assert {"X-Cart-Id", "X-Correlation-Id", "ETag"} <= exposed
    _, headers, _ = call(app, api_event("POST", "/cart/items", body={"sku": "A-1", "quantity": 2}))
    assert "Access-Control-Allow-Origin" not in headers  # no Origin, no browser: nothing to say


# ------------------------------------------------------------------ the order of checks at the edge

CUSTOMER = {"sub": "u-9", "cognito:groups": "[]"}
ADMIN = {"sub": "u-1", "cognito:groups": "[admin]"}
NOT_UTF8 = base64.b64encode(b'{"sku": "\xff\xfe"}').decode()


class Stock(BaseModel):
    available: Annotated[int, Field(ge=0)]


@pytest.fixture
def admin_app():
    app = create_app(admin=True)

    @app.put("/inventory/<sku>")
    def set_stock(sku: Annotated[str, Path(pattern="^[A-Z]+$")], body: Stock) -> dict:
        return {"sku": sku, "available": body.available}

    return app


@pytest.mark.parametrize("body", ['{"available": -1}', "{oops", "[1]", '"x"', "", '{"available": 3}'])
def test_a_customer_gets_403_from_an_admin_route_whatever_the_body(admin_app, body):
    status, _, answer = call(admin_app, api_event("PUT", "/inventory/ABC", body=body, claims=CUSTOMER))
    assert (status, answer["error"]["code"]) == (403, "FORBIDDEN")


def test_an_admin_route_without_claims_is_401_before_the_body_is_read(admin_app):
    status, _, answer = call(admin_app, api_event("PUT", "/inventory/ABC", body="{oops"))
    assert (status, answer["error"]["code"]) == (401, "UNAUTHORIZED")


def test_an_admin_reaches_validation_and_the_handler(admin_app):
    assert call(admin_app, api_event("PUT", "/inventory/ABC", body='{"available": -1}', claims=ADMIN))[0] == 422
    assert call(admin_app, api_event("PUT", "/inventory/abc", body='{"available": 1}', claims=ADMIN))[0] == 422
    status, _, answer = call(admin_app, api_event("PUT", "/inventory/ABC", body='{"available": 3}', claims=ADMIN))
    assert (status, answer) == (200, {"sku": "ABC", "available": 3})


def test_an_admin_functions_routes_are_documented_with_cognito_401_and_403(admin_app):
    from scripts.openapi import SECURITY_SCHEMES

    schema = admin_app.get_openapi_schema(security_schemes=SECURITY_SCHEMES)
    operation = schema.model_dump(by_alias=True)["paths"]["/inventory/{sku}"]["put"]
    assert operation["security"] == [{"CognitoAuthorizer": []}]
    assert {"200", "401", "403", "400", "413", "415", "422", "429", "500", "502", "503", "504"} <= {
        str(status) for status in operation["responses"]}


def test_a_signed_in_route_without_claims_is_401_before_validation():
    app = create_app()

    @app.post("/cart/items", security=[{"CognitoAuthorizer": []}])
    def add(item: AddItem) -> dict:
        return {}

    status, _, answer = call(app, api_event("POST", "/cart/items", body={"quantity": "lots"}))
    assert (status, answer["error"]["code"]) == (401, "UNAUTHORIZED")
    assert call(app, api_event("POST", "/cart/items", body={"quantity": "lots"}, claims=CUSTOMER))[0] == 422


@pytest.mark.parametrize(("method", "path"), [("POST", "/cart/items"), ("GET", "/products"), ("GET", "/nowhere")])
def test_a_body_that_is_not_utf8_is_400_on_any_route(app, method, path):
    event = api_event(method, path)
    event.update(body=NOT_UTF8, isBase64Encoded=True)
    status, _, answer = call(app, event)
    assert (status, answer["error"]["code"]) == (400, "BODY_NOT_UTF8")


def test_a_body_of_another_media_type_is_415_on_any_route(app):
    event = api_event("GET", "/products", body="a=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert call(app, event)[0] == 415


@pytest.mark.parametrize("raw", ['{"sku": "A-1", "quantity": NaN}', '{"sku": "A-1", "quantity": Infinity}'])
def test_json_without_its_non_numbers_is_malformed(app, raw):
    status, _, answer = call(app, api_event("POST", "/cart/items", body=raw))
    assert (status, answer["error"]["code"]) == (400, "MALFORMED_JSON")


def test_trace_on_a_known_path_is_405_with_allow(app):
    status, headers, answer = call(app, api_event("TRACE", "/cart/items"))
    assert (status, headers["Allow"], answer["error"]["details"]) == (405, "POST", {"allowed": ["POST"]})


def test_every_route_documents_its_success_from_the_return_annotation_and_the_edge_answers(app):
    paths = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)["paths"]
    add = paths["/cart/items"]["post"]["responses"]
    assert add[200]["content"]["application/json"]["schema"]  # from `-> dict`
    assert 401 not in add  # public
    assert add[415]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ShopErrorBody"}


def test_an_error_carries_the_correlation_id(app):
    from shop.observability import set_correlation_id

    set_correlation_id("corr-7")
    try:
        response = app.resolve(api_event("GET", "/nowhere"), {})
    finally:
        set_correlation_id(None)
    assert response_headers(response)["X-Correlation-Id"] == "corr-7"


def test_a_5xx_raised_on_purpose_is_a_warning_with_its_code_not_an_error(app, caplog):
    with caplog.at_level(logging.INFO):
        call(app, api_event("GET", "/down"))
    [record] = [r for r in caplog.records if getattr(r, "error_code", None)]
    assert (record.levelno, record.error_code) == (logging.WARNING, "SERVICE_UNAVAILABLE")


def test_the_open_breaker_is_an_expected_outcome():
    from shop.errors import ServiceUnavailable
    from shop.resilience import CircuitOpenError

    error = CircuitOpenError("payment", "open", 3.0)
    assert isinstance(error, ServiceUnavailable) and error.code == "CIRCUIT_OPEN"
    assert type(error).__name__ == "CircuitOpenError"  # the saga's Catch matches the name
