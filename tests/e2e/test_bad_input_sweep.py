"""Every route of the API document, fed bad input over HTTP: always a 4xx with the JSON error body,
never a 5xx. The routes come from /openapi.json, so a new route is swept without editing this file.
(An admin token is used so that admin routes reach their validation, not only the 403.) And the
edge's order: a customer gets 403 from every admin route whatever the body; a body that is not
UTF-8 gets 400 from every route, for a caller the route lets in."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from test_users_support import sign_up_and_in

HUGE = 10**30
BAD_BODIES: list[tuple[str, bytes]] = [
    ("malformed JSON", b'{"sku": '),
    ("an array", b'[{"sku": "BOOK-0001", "quantity": 1}]'),
    ("a string", b'"text"'),
    ("wrong types", b'{"sku": 7, "quantity": "two", "email": [], "password": {}, "available": "x", '
                    b'"price": "free", "name": 12, "refreshToken": 5, "cartId": false, "shards": "k"}'),
    ("huge and negative numbers", b'{"quantity": ' + str(HUGE).encode() + b', "available": -5, "price": -1, '
                                  b'"shards": ' + str(HUGE).encode() + b'}'),
    ("empty object", b"{}"),
    ("oversize", b'{"name": "' + b"x" * 200_000 + b'"}'),
]
BAD_PATH_VALUES = ["does-not-exist", "%00", "a" * 300, "..%2F..%2Fetc", "lower-case sku"]
BAD_QUERY = {"limit": "-1", "cursor": "!!not-a-cursor!!", "category": "x" * 500, "q": "x" * 2000}


NOT_UTF8 = b'{"name": "\xff\xfe"}'
UNDOCUMENTED = [("GET", "/openapi.json"), ("GET", "/docs")]  # the document and Swagger UI themselves


def operations(http: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    document = http.get("/openapi.json").json()
    found = [(method.upper(), path, operation) for path, ops in document["paths"].items() for method, operation in ops.items()]
    assert len(found) >= 25, found
    return found


def routes(http: httpx.Client) -> list[tuple[str, str, bool]]:
    return [(method, path, "requestBody" in operation) for method, path, operation in operations(http)]


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def assert_client_error(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.status_code >= 400, f"{what}: {response.status_code} accepted bad input"
    body = response.json()  # the gateway's own answers too (the template's GatewayResponses)
    assert set(body["error"]) >= {"code", "message", "details"}, f"{what}: {body}"


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> httpx.Client:
    with httpx.Client(base_url=local_cloud.api_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def admin_headers(http: httpx.Client, local_cloud: Any) -> dict[str, str]:
    return sign_up_and_in(http, local_cloud, admin=True).auth


@pytest.fixture(scope="module")
def customer_headers(http: httpx.Client, local_cloud: Any) -> dict[str, str]:
    return sign_up_and_in(http, local_cloud).auth


def test_a_customer_gets_403_from_every_admin_route_whatever_the_body(http, customer_headers) -> None:
    admin_routes = [(m, p, "requestBody" in o) for m, p, o in operations(http) if "403" in o["responses"]]
    assert len(admin_routes) == 6, admin_routes
    valid = b'{"sku": "BOOK-0001", "name": "x", "category": "books", "price": 100, "available": 1, "quantity": 1, "shards": 2}'
    for method, path, _ in admin_routes:
        url = fill(path, "BOOK-0001" if "sku" in path else "does-not-exist")
        for name, body in [*BAD_BODIES, ("not UTF-8", NOT_UTF8), ("valid", valid), ("none", b"")]:
            response = http.request(method, url, content=body,
                                    headers={**customer_headers, "Content-Type": "application/json"})
            assert response.status_code == 403, f"{method} {path} with {name}: {response.status_code} {response.text[:200]}"
            assert response.json()["error"]["code"] == "FORBIDDEN"


def test_a_body_that_is_not_utf8_gets_400_from_every_route(http, customer_headers, admin_headers) -> None:
    for method, path, operation in [*operations(http), *((m, p, {"responses": {}}) for m, p in UNDOCUMENTED)]:
        headers = admin_headers if "403" in operation["responses"] else customer_headers if operation.get("security") else {}
        headers = {**headers, "Content-Type": "application/json", "Idempotency-Key": "sweep-not-utf8",
                   "X-Cart-Id": "00000000-0000-4000-8000-000000000000"}
        url = fill(path, "BOOK-0001" if "sku" in path else "does-not-exist")
        response = http.request(method, url, content=NOT_UTF8, headers=headers)
        assert response.status_code == 400, f"{method} {path}: {response.status_code} {response.text[:200]}"
        assert response.json()["error"]["code"] == "BODY_NOT_UTF8", f"{method} {path}"


def test_bad_bodies_on_every_route_are_4xx_with_the_error_body(http, admin_headers) -> None:
    optional_only = {"PATCH /me"}  # every field optional: {} is a valid (empty) change there
    for method, path, takes_body in routes(http):
        if not takes_body or path == "/payments/webhook":
            continue
        url = fill(path, "BOOK-0001" if "sku" in path else "does-not-exist")
        for name, body in BAD_BODIES:
            if name == "empty object" and f"{method} {path}" in optional_only:
                continue
            headers = {**admin_headers, "Content-Type": "application/json", "Idempotency-Key": "sweep-bad-body",
                       "X-Cart-Id": "00000000-0000-4000-8000-000000000000"}
            response = http.request(method, url, content=body, headers=headers)
            assert_client_error(response, f"{method} {path} with {name}")


def test_bad_path_and_query_values_on_every_route_are_4xx(http, admin_headers) -> None:
    for method, path, _ in routes(http):
        if "{" not in path:
            continue
        for value in BAD_PATH_VALUES:
            response = http.request(method, fill(path, value), params=BAD_QUERY, headers=admin_headers,
                                    json={} if method in ("POST", "PUT", "PATCH") else None)
            assert_client_error(response, f"{method} {path} with {value!r}")


def test_bad_query_values_on_list_routes_are_4xx(http, admin_headers) -> None:
    own_parameters = {"/products": ("limit", "cursor", "category"), "/products/search": ("q",),
                      "/orders": ("limit", "cursor")}
    for path, names in own_parameters.items():
        for name in names:
            response = http.get(path, params={name: BAD_QUERY[name]}, headers=admin_headers)
            assert_client_error(response, f"GET {path}?{name}=...")


def test_the_webhook_refuses_unsigned_and_malformed_calls(http) -> None:
    for body in (b'{"type": "charge.captured"}', b"{not json", b""):
        response = http.post("/payments/webhook", content=body, headers={"Content-Type": "application/json"})
        assert_client_error(response, f"webhook with {body[:20]!r}")
