"""Product service end to end, over HTTP through the local API Gateway: reads (cached, ETag/304,
pages, search) and admin writes (403 for others), with every kind of bad input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_users_support import assert_error, bus_events, eventually, sign_up_and_in


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_cloud.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(http: httpx.Client, local_cloud: Any):
    return sign_up_and_in(http, local_cloud, admin=True)


@pytest.fixture(scope="module")
def customer(http: httpx.Client, local_cloud: Any):
    return sign_up_and_in(http, local_cloud)


def new_product(**changes: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8].upper()
    return {
        "sku": f"E2E-{tag}",
        "name": f"Test Kettle {tag}",
        "description": "Boils water",
        "category": "kitchen",
        "price": 2999,
        **changes,
    }


def create(http: httpx.Client, admin, **changes: Any) -> dict[str, Any]:
    response = http.post("/products", headers=admin.auth, json=new_product(**changes))
    assert response.status_code == 201, response.text
    return response.json()


# ------------------------------------------------------------------ reads


def test_created_product_is_served_with_etag_and_304(http: httpx.Client, admin):
    product = create(http, admin)
    response = http.get(f"/products/{product['productId']}")
    assert response.status_code == 200 and response.json() == product
    assert "max-age" in response.headers["cache-control"] and response.headers["etag"]
    again = http.get(f"/products/{product['productId']}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_unknown_product_is_404_and_a_malformed_id_is_422(http: httpx.Client):
    assert_error(http.get("/products/does-not-exist"), 404, "PRODUCT_NOT_FOUND")
    assert_error(http.get("/products/bad%20id%21"), 422)


def test_category_pages_walk_every_product_once(http: httpx.Client, admin):
    mine = {create(http, admin, category="garden")["sku"] for _ in range(3)}

    def walk() -> list[str]:
        seen, cursor = [], None
        while True:
            params = {"category": "garden", "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = http.get("/products", params=params)
            assert page.status_code == 200, page.text
            assert len(page.json()["items"]) <= 2
            assert all(item["category"] == "garden" for item in page.json()["items"])
            seen += [item["sku"] for item in page.json()["items"]]
            cursor = page.json()["nextCursor"]
            if not cursor:
                return seen

    seen = eventually(lambda: (s := walk()) and mine <= set(s) and s)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"limit": -1},
        {"limit": 10**30},
        {"category": "weapons"},
    ],
)
def test_bad_list_query_is_422(http: httpx.Client, params: dict):
    assert_error(http.get("/products", params=params), 422, "VALIDATION_FAILED")


@pytest.mark.parametrize("cursor", ["eyJ4IjoxfQ", "x" * 1000])
def test_a_cursor_this_api_did_not_issue_names_no_page(http: httpx.Client, cursor: str):
    assert_error(http.get("/products", params={"cursor": cursor}), 404, "UNKNOWN_CURSOR")


def test_a_cursor_that_is_not_url_safe_base64_is_invalid(http: httpx.Client):
    assert_error(http.get("/products", params={"cursor": "garbage!"}), 422, "VALIDATION_FAILED")


def test_search_is_case_and_accent_insensitive(http: httpx.Client, admin):
    tag = uuid.uuid4().hex[:8]
    product = create(http, admin, name=f"Crème Brûlée Torch {tag}", description="Caramélise sugar")

    def found() -> list[str]:
        response = http.get("/products/search", params={"q": f"CREME brulee {tag}"})
        assert response.status_code == 200, response.text
        return [item["productId"] for item in response.json()["items"]]

    assert eventually(found) == [product["productId"]]
    by_description = http.get("/products/search", params={"q": f"CARAMÉLISE {tag}"}).json()
    assert [i["productId"] for i in by_description["items"]] == [product["productId"]]
    assert http.get("/products/search", params={"q": f"caramelise nothing{tag}"}).json()["total"] == 0
    assert product["productId"] in [
        i["productId"]
        for i in http.get("/products/search", params={"q": f"torch {tag[:4]}", "limit": 100}).json()["items"]
    ]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 201}, {"q": "kettle", "limit": 0}])
def test_bad_search_query_is_422(http: httpx.Client, params: dict):
    assert_error(http.get("/products/search", params=params), 422, "VALIDATION_FAILED")


# ------------------------------------------------------------------ admin writes


def test_update_and_delete_reach_every_read_and_publish_product_updated(
    http: httpx.Client, admin, local_cloud: Any
):
    with bus_events(local_cloud, "ProductUpdated") as published:
        product = create(http, admin)
        pid = product["productId"]
        http.get(f"/products/{pid}")  # cached now
        body = {k: product[k] for k in ("sku", "name", "description", "category")} | {"price": 1999}
        updated = http.put(f"/products/{pid}", headers=admin.auth, json=body)
        assert updated.status_code == 200 and updated.json()["version"] == 2, updated.text
        assert eventually(lambda: http.get(f"/products/{pid}").json()["price"] == 1999)

        assert http.delete(f"/products/{pid}", headers=admin.auth).status_code == 204
        assert eventually(lambda: http.get(f"/products/{pid}").status_code == 404)
        assert_error(http.delete(f"/products/{pid}", headers=admin.auth), 404)
        assert_error(http.put(f"/products/{pid}", headers=admin.auth, json=body), 404)

        changes = eventually(
            lambda: (
                (c := [e["data"]["change"] for e in published() if e["data"]["productId"] == pid])
                and len(c) >= 3
                and c
            )
        )
        assert changes == ["created", "updated", "deleted"]


def test_duplicate_sku_is_409_and_a_deleted_products_sku_is_free(http: httpx.Client, admin):
    product = create(http, admin)
    assert_error(
        http.post("/products", headers=admin.auth, json=new_product(sku=product["sku"])), 409, "SKU_TAKEN"
    )
    other = create(http, admin)
    moved = http.put(
        f"/products/{other['productId']}", headers=admin.auth, json=new_product(sku=product["sku"])
    )
    assert_error(moved, 409, "SKU_TAKEN")
    http.delete(f"/products/{product['productId']}", headers=admin.auth)
    assert create(http, admin, sku=product["sku"])["sku"] == product["sku"]


def test_non_admins_get_403_and_anonymous_callers_401(http: httpx.Client, admin, customer):
    product = create(http, admin)
    pid = product["productId"]
    assert_error(http.post("/products", headers=customer.auth, json=new_product()), 403, "FORBIDDEN")
    assert_error(http.put(f"/products/{pid}", headers=customer.auth, json=new_product()), 403, "FORBIDDEN")
    assert_error(http.delete(f"/products/{pid}", headers=customer.auth), 403, "FORBIDDEN")
    # the role is checked before the body: a non-admin learns nothing about the validation rules
    assert_error(http.post("/products", headers=customer.auth, json={"price": -1}), 403, "FORBIDDEN")
    bad_json = {**customer.auth, "Content-Type": "application/json"}
    assert_error(http.put(f"/products/{pid}", headers=bad_json, content=b"{"), 403, "FORBIDDEN")
    assert http.post("/products", json=new_product()).status_code == 401
    assert http.put(f"/products/{pid}", json=new_product()).status_code == 401
    assert http.delete(f"/products/{pid}").status_code == 401
    assert http.get(f"/products/{pid}").json()["name"] == product["name"]


@pytest.mark.parametrize(
    "changes",
    [
        {"price": 0},
        {"price": -100},
        {"price": 19.99},
        {"price": "2999"},
        {"price": 10**20},
        {"name": ""},
        {"name": "n" * 201},
        {"category": "weapons"},
        {"sku": "lower case"},
        {"currency": "EUR"},
        {"imageUrl": "ftp://x"},
        {"active": False},  # a product is on sale until DELETE retires it
        {"stock": 5},
        {"name": " padded "},  # the schema says no space at either end: nothing is stripped silently
    ],
)
def test_invalid_product_is_422(http: httpx.Client, admin, changes: dict):
    assert_error(
        http.post("/products", headers=admin.auth, json=new_product(**changes)), 422, "VALIDATION_FAILED"
    )


def test_an_integer_written_with_a_zero_fraction_is_an_integer(http: httpx.Client, admin):
    created = http.post("/products", headers=admin.auth, json=new_product(price=1999.0))
    assert created.status_code == 201, created.text
    assert created.json()["price"] == 1999 and isinstance(created.json()["price"], int)


def test_malformed_and_oversized_bodies_are_refused(http: httpx.Client, admin):
    headers = {**admin.auth, "Content-Type": "application/json"}
    assert_error(http.post("/products", headers=headers, content=b'{"sku": '), 400, "MALFORMED_JSON")
    assert_error(http.post("/products", headers=admin.auth, json=new_product(description="d" * 70_000)), 413)
    assert_error(http.put("/products/nope", headers=admin.auth, json=new_product()), 404)
