"""Cart end to end through the local gateway: signed-in and anonymous carts, merge on sign-in,
prices from the catalog, limits, bad input, and one user never reaching another's cart."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_cart_support import User, assert_error, create_product, make_user, new_sku, seed_products


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_cloud.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(local_cloud: Any) -> User:
    return make_user(local_cloud, admin=True)


@pytest.fixture
def alice(local_cloud: Any) -> User:
    return make_user(local_cloud)


@pytest.fixture
def bob(local_cloud: Any) -> User:
    return make_user(local_cloud)


@pytest.fixture(scope="module")
def book(http: httpx.Client, admin: User) -> dict[str, Any]:
    return create_product(http, admin, price=1250, stock=500)


@pytest.fixture(scope="module")
def toy(http: httpx.Client, admin: User) -> dict[str, Any]:
    return create_product(http, admin, price=999, stock=3)


def lines(body: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity"] for line in body["items"]}


# ------------------------------------------------------------------ the signed-in cart


def test_a_new_user_has_an_empty_cart(http: httpx.Client, alice: User) -> None:
    body = http.get("/cart", headers=alice.auth).json()
    assert body["items"] == [] and body["total"] == 0 and body["itemCount"] == 0
    assert body["cartId"] == alice.user_id


def test_add_change_remove_and_clear_with_prices_from_the_catalog(
    http: httpx.Client, alice: User, book: dict[str, Any], toy: dict[str, Any]
) -> None:
    added = http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 2})
    assert added.status_code == 200, added.text
    http.post("/cart/items", headers=alice.auth, json={"sku": toy["sku"], "quantity": 1})
    http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 1})
    body = http.get("/cart", headers=alice.auth).json()
    first = body["items"][0]
    assert set(first) >= {"sku", "productId", "name", "quantity", "unitPrice", "lineTotal"}
    assert (first["sku"], first["productId"], first["quantity"], first["unitPrice"], first["lineTotal"]) == (
        book["sku"],
        book["productId"],
        3,
        1250,
        3750,
    )
    assert (body["total"], body["itemCount"], body["currency"]) == (3750 + 999, 4, "USD")
    assert body["updatedAt"]

    changed = http.patch(f"/cart/items/{book['sku']}", headers=alice.auth, json={"quantity": 5}).json()
    assert lines(changed) == {book["sku"]: 5, toy["sku"]: 1}
    removed = http.delete(f"/cart/items/{toy['sku']}", headers=alice.auth).json()
    assert lines(removed) == {book["sku"]: 5}
    cleared = http.delete("/cart", headers=alice.auth)
    assert cleared.status_code == 200 and cleared.json()["items"] == []
    assert http.get("/cart", headers=alice.auth).json()["items"] == []


def test_the_client_cannot_set_a_price(http: httpx.Client, alice: User, book: dict[str, Any]) -> None:
    response = http.post(
        "/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 1, "unitPrice": 1}
    )
    assert_error(response, 422, "VALIDATION_FAILED")
    assert http.get("/cart", headers=alice.auth).json()["items"] == []


def test_unknown_sku_is_404_and_short_stock_is_409(
    http: httpx.Client, alice: User, toy: dict[str, Any]
) -> None:
    assert_error(
        http.post("/cart/items", headers=alice.auth, json={"sku": new_sku("NONE"), "quantity": 1}), 404
    )
    assert_error(
        http.post("/cart/items", headers=alice.auth, json={"sku": toy["sku"], "quantity": 4}),
        409,
        "INSUFFICIENT_STOCK",
    )
    http.post("/cart/items", headers=alice.auth, json={"sku": toy["sku"], "quantity": 2})
    assert_error(http.patch(f"/cart/items/{toy['sku']}", headers=alice.auth, json={"quantity": 4}), 409)
    assert_error(http.patch(f"/cart/items/{new_sku('NONE')}", headers=alice.auth, json={"quantity": 1}), 404)
    assert_error(http.delete(f"/cart/items/{new_sku('NONE')}", headers=alice.auth), 404)


def test_a_line_holds_at_most_99_units_and_a_cart_50_lines(
    http: httpx.Client, local_cloud: Any, alice: User, book: dict[str, Any]
) -> None:
    http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 98})
    assert_error(
        http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 2}),
        409,
        "CART_LIMIT_EXCEEDED",
    )
    *skus, extra = seed_products(local_cloud, 50, price=100, stock=5)
    for sku in skus:
        assert (
            http.post("/cart/items", headers=alice.auth, json={"sku": sku, "quantity": 1}).status_code == 200
        )
    assert_error(
        http.post("/cart/items", headers=alice.auth, json={"sku": extra, "quantity": 1}),
        409,
        "CART_LIMIT_EXCEEDED",
    )
    assert len(http.get("/cart", headers=alice.auth).json()["items"]) == 50


def test_parallel_adds_lose_no_update(http: httpx.Client, alice: User, book: dict[str, Any]) -> None:
    statuses: list[int] = []

    def add() -> None:
        statuses.append(
            http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 1}).status_code
        )

    add()  # the cart exists: the parallel adds below all race on its version
    threads = [threading.Thread(target=add) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert lines(http.get("/cart", headers=alice.auth).json()) == {book["sku"]: 6}


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"sku": "BOOK-1", "quantity": 0}, 422),
        ({"sku": "BOOK-1", "quantity": -1}, 422),
        ({"sku": "BOOK-1", "quantity": 100}, 422),
        ({"sku": "BOOK-1", "quantity": 10**20}, 422),
        ({"sku": "BOOK-1", "quantity": "2"}, 422),
        ({"sku": "BOOK-1", "quantity": 1.5}, 422),
        ({"sku": "BOOK-1", "quantity": True}, 422),
        ({"sku": "lower-case", "quantity": 1}, 422),
        ({"sku": 42, "quantity": 1}, 422),
        ({"quantity": 1}, 422),
        ([{"sku": "BOOK-1", "quantity": 1}], 422),  # Powertools alone would unwrap it to its item
        (["x"], 422),
        (7, 422),
        (b"{not json", 400),
        (b"", 422),
        (b'{"sku": "' + b"A" * 70_000 + b'", "quantity": 1}', 413),
    ],
)
def test_bad_add_bodies_are_4xx_with_the_error_body(
    http: httpx.Client, alice: User, body: Any, status: int
) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {**alice.auth, "Content-Type": "application/json"}
    assert_error(http.post("/cart/items", headers=headers, content=content), status)
    assert_error(
        http.post("/cart/anonymous/items", headers={"Content-Type": "application/json"}, content=content),
        status,
    )


@pytest.mark.parametrize("quantity", [0, 100, -3, "1", None])
def test_bad_quantity_changes_are_422(
    http: httpx.Client, alice: User, book: dict[str, Any], quantity: Any
) -> None:
    http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 1})
    assert_error(
        http.patch(f"/cart/items/{book['sku']}", headers=alice.auth, json={"quantity": quantity}), 422
    )
    assert lines(http.get("/cart", headers=alice.auth).json()) == {book["sku"]: 1}


def test_malformed_sku_in_the_path_is_422(http: httpx.Client, alice: User) -> None:
    assert_error(http.patch("/cart/items/not-a-sku", headers=alice.auth, json={"quantity": 1}), 422)
    assert_error(http.delete("/cart/items/not-a-sku", headers=alice.auth), 422)


# ------------------------------------------------------------------ auth and other users


def test_cart_routes_need_a_token(http: httpx.Client, book: dict[str, Any]) -> None:
    assert http.get("/cart").status_code == 401
    assert http.post("/cart/items", json={"sku": book["sku"], "quantity": 1}).status_code == 401
    assert http.delete("/cart").status_code == 401
    assert http.post("/cart/merge", json={"cartId": str(uuid.uuid4())}).status_code == 401
    assert http.get("/cart", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401


def test_a_user_never_reads_or_changes_another_users_cart(
    http: httpx.Client, alice: User, bob: User, book: dict[str, Any]
) -> None:
    http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 2})
    alice_cart_id = http.get("/cart", headers=alice.auth).json()["cartId"]
    # Bob names Alice's cart every way he can: the token always wins on /cart ...
    as_bob = {**bob.auth, "X-Cart-Id": alice_cart_id}
    assert http.get("/cart", headers=as_bob).json()["items"] == []
    http.delete("/cart", headers=as_bob)
    http.delete(f"/cart/items/{book['sku']}", headers=as_bob)
    # ... the anonymous routes know only anonymous carts ...
    assert_error(http.get("/cart/anonymous", headers={"X-Cart-Id": alice_cart_id}), 404, "CART_NOT_FOUND")
    assert_error(http.delete("/cart/anonymous", headers={"X-Cart-Id": alice_cart_id}), 404)
    assert_error(
        http.patch(
            f"/cart/anonymous/items/{book['sku']}", headers={"X-Cart-Id": alice_cart_id}, json={"quantity": 9}
        ),
        404,
    )
    # ... and a merge takes only an anonymous cart.
    assert_error(http.post("/cart/merge", headers=bob.auth, json={"cartId": alice_cart_id}), 404)
    assert lines(http.get("/cart", headers=alice.auth).json()) == {book["sku"]: 2}
    assert http.get("/cart", headers=bob.auth).json()["items"] == []


# ------------------------------------------------------------------ anonymous carts and merge


def test_anonymous_cart_lifecycle_and_merge_on_sign_in(
    http: httpx.Client, alice: User, book: dict[str, Any], toy: dict[str, Any]
) -> None:
    created = http.post("/cart/anonymous/items", json={"sku": book["sku"], "quantity": 2})
    assert created.status_code == 201, created.text
    cart_id = created.headers["X-Cart-Id"]
    assert created.json()["cartId"] == cart_id
    mine = {"X-Cart-Id": cart_id}
    assert (
        http.post("/cart/anonymous/items", headers=mine, json={"sku": toy["sku"], "quantity": 1}).status_code
        == 200
    )
    assert (
        http.patch(f"/cart/anonymous/items/{toy['sku']}", headers=mine, json={"quantity": 2}).status_code
        == 200
    )
    body = http.get("/cart/anonymous", headers=mine).json()
    assert lines(body) == {book["sku"]: 2, toy["sku"]: 2} and body["total"] == 2 * 1250 + 2 * 999

    http.post("/cart/items", headers=alice.auth, json={"sku": book["sku"], "quantity": 1})
    merged = http.post("/cart/merge", headers=alice.auth, json={"cartId": cart_id})
    assert merged.status_code == 200, merged.text
    assert lines(merged.json()) == {book["sku"]: 3, toy["sku"]: 2}
    assert lines(http.get("/cart", headers=alice.auth).json()) == {book["sku"]: 3, toy["sku"]: 2}
    assert_error(http.get("/cart/anonymous", headers=mine), 404, "CART_NOT_FOUND")
    assert_error(http.post("/cart/merge", headers=alice.auth, json={"cartId": cart_id}), 404)


def test_anonymous_remove_and_clear(http: httpx.Client, book: dict[str, Any], toy: dict[str, Any]) -> None:
    cart_id = http.post("/cart/anonymous/items", json={"sku": book["sku"], "quantity": 1}).headers[
        "X-Cart-Id"
    ]
    mine = {"X-Cart-Id": cart_id}
    http.post("/cart/anonymous/items", headers=mine, json={"sku": toy["sku"], "quantity": 1})
    assert lines(http.delete(f"/cart/anonymous/items/{book['sku']}", headers=mine).json()) == {toy["sku"]: 1}
    assert http.delete("/cart/anonymous", headers=mine).json()["items"] == []
    assert_error(http.get("/cart/anonymous", headers=mine), 404)


def test_anonymous_routes_refuse_missing_or_forged_cart_ids(http: httpx.Client, book: dict[str, Any]) -> None:
    assert_error(http.get("/cart/anonymous"), 422, "VALIDATION_FAILED")
    assert_error(http.get("/cart/anonymous", headers={"X-Cart-Id": "../../etc"}), 422)
    assert_error(
        http.post(
            "/cart/anonymous/items",
            headers={"X-Cart-Id": "x" * 500},
            json={"sku": book["sku"], "quantity": 1},
        ),
        422,
    )
    assert_error(
        http.post(
            "/cart/anonymous/items",
            headers={"X-Cart-Id": str(uuid.uuid4())},
            json={"sku": book["sku"], "quantity": 1},
        ),
        404,
        "CART_NOT_FOUND",
    )


@pytest.mark.parametrize(
    "body", [{"cartId": "not-a-uuid"}, {"cartId": 5}, {}, {"cartId": str(uuid.uuid4()), "x": 1}]
)
def test_bad_merge_bodies_are_422(http: httpx.Client, alice: User, body: dict[str, Any]) -> None:
    assert_error(http.post("/cart/merge", headers=alice.auth, json=body), 422)
