"""Every route of the API document, fed bad input over HTTP: always a 4xx with the JSON error body,
never a 5xx. The routes come from /openapi.json, so a new route is swept without editing this file.
(An admin token is used so that admin routes reach their validation, not only the 403.)"""

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


def routes(http: httpx.Client) -> list[tuple[str, str, bool]]:
    document = http.get("/openapi.json").json()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            found.append((method.upper(), path, "requestBody" in operation))
    assert len(found) >= 25, found
    return found


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def assert_client_error(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.status_code >= 400, f"{what}: {response.status_code} accepted bad input"
    if response.status_code in (429,) or "Missing Authentication Token" in response.text:
        return  # answered by the gateway itself, in API Gateway's own shape
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "details"}, f"{what}: {body}"


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> httpx.Client:
    with httpx.Client(base_url=local_cloud.api_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def admin_headers(http: httpx.Client, local_cloud: Any) -> dict[str, str]:
    return sign_up_and_in(http, local_cloud, admin=True).auth


def test_bad_bodies_on_every_route_are_4xx_with_the_error_body(http, admin_headers) -> None:
    for method, path, takes_body in routes(http):
        if not takes_body or path == "/payments/webhook":
            continue
        url = fill(path, "BOOK-0001" if "sku" in path else "does-not-exist")
        for name, body in BAD_BODIES:
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
