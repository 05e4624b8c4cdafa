"""Inventory end to end: the stock routes through the local gateway (auth, admin, bad input) and the
saga steps through the local Lambda Invoke, including many parallel reservations on one SKU."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_cart_support import (
    User,
    assert_error,
    create_product,
    function_name,
    make_user,
    new_sku,
)


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_cloud.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(local_cloud: Any) -> User:
    return make_user(local_cloud, admin=True)


@pytest.fixture(scope="module")
def alice(local_cloud: Any) -> User:
    return make_user(local_cloud)


@pytest.fixture(scope="module")
def steady_sku(http: httpx.Client, admin: User) -> str:
    """A SKU with 3 units that only refused requests touch."""
    return create_product(http, admin, price=100, stock=3)["sku"]


@pytest.fixture(scope="module")
def lambda_client(local_cloud: Any) -> Any:
    from botocore.config import Config

    # Throttles (reserved concurrency) are retried by the client, as the state machine would.
    return local_cloud.client(
        "lambda",
        config=Config(
            retries={"mode": "standard", "max_attempts": 10}, max_pool_connections=32, read_timeout=30
        ),
    )


def invoke(
    lambda_client: Any, local_cloud: Any, step: str, payload: dict[str, Any]
) -> tuple[str | None, Any]:
    """(errorType or None, payload) of one synchronous invocation of an inventory saga step."""
    response = lambda_client.invoke(
        FunctionName=function_name(local_cloud, f"Inventory{step}Function"),
        Payload=json.dumps(payload).encode(),
    )
    body = json.loads(response["Payload"].read() or b"null")
    if response.get("FunctionError"):
        return body.get("errorType"), body
    return None, body


def inventory_table(local_cloud: Any) -> str:
    names = local_cloud.client("dynamodb").list_tables()["TableNames"]
    return next(name for name in names if "InventoryTable" in name)


def reservation_exists(local_cloud: Any, order_id: str) -> bool:
    key = {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "RESERVATION"}}
    item = local_cloud.client("dynamodb").get_item(
        TableName=inventory_table(local_cloud), Key=key, ConsistentRead=True
    )
    return "Item" in item


def stock(http: httpx.Client, user: User, sku: str) -> dict[str, Any]:
    response = http.get(f"/inventory/{sku}", headers=user.auth)
    assert response.status_code == 200, response.text
    return response.json()


# ------------------------------------------------------------------ routes


def test_signed_in_user_reads_stock_and_anonymous_caller_cannot(
    http: httpx.Client, admin: User, alice: User
) -> None:
    sku = create_product(http, admin, price=100, stock=7)["sku"]
    body = stock(http, alice, sku)
    assert (body["sku"], body["available"], body["reserved"]) == (sku, 7, 0)
    assert body["updatedAt"]
    assert http.get(f"/inventory/{sku}").status_code == 401


def test_admin_sets_restocks_and_shards_stock(http: httpx.Client, admin: User, alice: User) -> None:
    sku = create_product(http, admin, price=100, stock=7)["sku"]
    assert http.put(f"/inventory/{sku}", headers=admin.auth, json={"available": 20}).json()["available"] == 20
    assert (
        http.post(f"/inventory/{sku}/restock", headers=admin.auth, json={"quantity": 5}).json()["available"]
        == 25
    )
    sharded = http.put(f"/inventory/{sku}/shards", headers=admin.auth, json={"shards": 4}).json()
    assert (sharded["available"], sharded["shards"]) == (25, 4)
    assert stock(http, alice, sku)["available"] == 25


def test_non_admins_never_reach_admin_routes(http: httpx.Client, admin: User, alice: User) -> None:
    sku = create_product(http, admin, price=100, stock=7)["sku"]
    assert_error(http.put(f"/inventory/{sku}", headers=alice.auth, json={"available": 99}), 403, "FORBIDDEN")
    assert_error(http.post(f"/inventory/{sku}/restock", headers=alice.auth, json={"quantity": 1}), 403)
    assert_error(http.put(f"/inventory/{sku}/shards", headers=alice.auth, json={"shards": 2}), 403)
    assert http.put(f"/inventory/{sku}", json={"available": 99}).status_code == 401
    assert stock(http, alice, sku)["available"] == 7


def test_unknown_skus_are_not_found(http: httpx.Client, admin: User) -> None:
    sku = new_sku("NONE")
    assert_error(http.get(f"/inventory/{sku}", headers=admin.auth), 404)
    assert_error(
        http.put(f"/inventory/{sku}", headers=admin.auth, json={"available": 1}), 404, "PRODUCT_NOT_FOUND"
    )
    assert_error(http.post(f"/inventory/{sku}/restock", headers=admin.auth, json={"quantity": 1}), 404)
    assert_error(http.put(f"/inventory/{sku}/shards", headers=admin.auth, json={"shards": 2}), 404)


@pytest.mark.parametrize(
    ("method", "suffix", "body", "status"),
    [
        ("PUT", "", {"available": -1}, 422),
        ("PUT", "", {"available": 10**12}, 422),
        ("PUT", "", {"available": "12"}, 422),
        ("PUT", "", {"available": 1.5}, 422),
        ("PUT", "", {}, 422),
        ("PUT", "", {"available": 1, "reserved": 0}, 422),
        ("PUT", "", b"{not json", 400),
        ("PUT", "", b"x" * 70_000, 413),
        ("PUT", "", [1, 2], 422),
        ("POST", "/restock", {"quantity": 0}, 422),
        ("POST", "/restock", {"quantity": -5}, 422),
        ("POST", "/restock", {"quantity": None}, 422),
        ("PUT", "/shards", {"shards": 0}, 422),
        ("PUT", "/shards", {"shards": 1000}, 422),
    ],
)
def test_bad_admin_input_is_a_4xx_with_the_error_body(
    http: httpx.Client, admin: User, steady_sku: str, method: str, suffix: str, body: Any, status: int
) -> None:
    sku = steady_sku
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = http.request(
        method,
        f"/inventory/{sku}{suffix}",
        headers={**admin.auth, "Content-Type": "application/json"},
        content=content,
    )
    assert_error(response, status)
    assert stock(http, admin, sku)["available"] == 3


@pytest.mark.parametrize("bad_sku", ["lower-case", "A", "SKU%20WITH%20SPACE", "X" * 80, "ORDER%23123"])
def test_malformed_sku_in_the_path_is_refused(http: httpx.Client, admin: User, bad_sku: str) -> None:
    response = http.get(f"/inventory/{bad_sku}", headers=admin.auth)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


# ------------------------------------------------------------------ saga steps through Lambda Invoke


def test_reserve_commit_release_are_idempotent_by_order(
    http: httpx.Client, admin: User, local_cloud: Any, lambda_client: Any
) -> None:
    sku = create_product(http, admin, price=100, stock=10)["sku"]
    order = f"order-{new_sku()}"
    error, first = invoke(
        lambda_client, local_cloud, "Reserve", {"orderId": order, "items": [{"sku": sku, "quantity": 4}]}
    )
    assert error is None and first["status"] == "RESERVED"
    _, again = invoke(
        lambda_client, local_cloud, "Reserve", {"orderId": order, "items": [{"sku": sku, "quantity": 9}]}
    )
    assert again == first
    assert (stock(http, admin, sku)["available"], stock(http, admin, sku)["reserved"]) == (6, 4)
    assert invoke(lambda_client, local_cloud, "Commit", {"orderId": order})[1]["status"] == "COMMITTED"
    assert invoke(lambda_client, local_cloud, "Commit", {"orderId": order})[1]["status"] == "COMMITTED"
    assert invoke(lambda_client, local_cloud, "Release", {"orderId": order})[1]["status"] == "COMMITTED"
    assert invoke(lambda_client, local_cloud, "Release", {"orderId": "never-seen"})[1]["status"] == "NONE"
    body = stock(http, admin, sku)
    assert (body["available"], body["reserved"]) == (6, 0)


def test_out_of_stock_fails_with_an_error_type_the_saga_can_catch(
    http: httpx.Client, admin: User, local_cloud: Any, lambda_client: Any
) -> None:
    plenty = create_product(http, admin, price=100, stock=10)["sku"]
    scarce = create_product(http, admin, price=100, stock=1)["sku"]
    error, body = invoke(
        lambda_client,
        local_cloud,
        "Reserve",
        {
            "orderId": f"order-{new_sku()}",
            "items": [{"sku": plenty, "quantity": 2}, {"sku": scarce, "quantity": 2}],
        },
    )
    assert error == "OutOfStock", body
    assert stock(http, admin, plenty)["available"] == 10  # all or nothing
    error, _ = invoke(lambda_client, local_cloud, "Reserve", {"orderId": "x", "items": []})
    assert error == "InvalidReservation"


def test_stale_reservations_are_released_by_the_schedule(
    http: httpx.Client, admin: User, local_cloud: Any, lambda_client: Any
) -> None:
    sku = create_product(http, admin, price=100, stock=10)["sku"]
    stale, fresh = f"order-{new_sku()}", f"order-{new_sku()}"
    for order in (stale, fresh):
        assert (
            invoke(
                lambda_client,
                local_cloud,
                "Reserve",
                {"orderId": order, "items": [{"sku": sku, "quantity": 3}]},
            )[0]
            is None
        )
    table = inventory_table(local_cloud)
    # Age one reservation past its expiry instead of waiting 15 minutes.
    local_cloud.client("dynamodb").update_item(
        TableName=table,
        Key={"pk": {"S": f"ORDER#{stale}"}, "sk": {"S": "RESERVATION"}},
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": "1000"}},
    )
    rule = next(name for name in local_cloud.health["schedules"] if "InventoryExpireReservations" in name)
    local_cloud.run_schedule(rule)
    deadline = time.monotonic() + 20
    while (body := stock(http, admin, sku))["reserved"] != 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (body["available"], body["reserved"]) == (7, 3)
    assert invoke(lambda_client, local_cloud, "Release", {"orderId": stale})[1]["status"] == "RELEASED"


@pytest.mark.parametrize("shards", [1, 4], ids=["one-counter", "write-sharded"])
def test_parallel_reservations_never_oversell(
    http: httpx.Client, admin: User, local_cloud: Any, lambda_client: Any, shards: int
) -> None:
    initial = 30
    sku = create_product(http, admin, price=100, stock=initial)["sku"]
    if shards > 1:
        assert (
            http.put(f"/inventory/{sku}/shards", headers=admin.auth, json={"shards": shards}).status_code
            == 200
        )
    reserved: list[int] = []
    refused: list[int] = []
    unexpected: list[Any] = []
    granted_orders: list[str] = []
    lock = threading.Lock()

    def customer(worker: int) -> None:
        rng = random.Random(worker)
        for n in range(5):
            quantity = rng.randint(1, 3)
            error, body = invoke(
                lambda_client,
                local_cloud,
                "Reserve",
                {"orderId": f"par-{sku}-{worker}-{n}", "items": [{"sku": sku, "quantity": quantity}]},
            )
            with lock:
                if error is None:
                    reserved.append(quantity)
                    granted_orders.append(body["orderId"])
                elif error == "OutOfStock":
                    refused.append(quantity)
                else:
                    unexpected.append(body)

    threads = [threading.Thread(target=customer, args=(worker,)) for worker in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    assert refused, "demand (~100 units) exceeded stock: some reservations must be refused"
    body = stock(http, admin, sku)
    assert body["available"] >= 0
    assert body["reserved"] == sum(reserved), "every unit granted to an order is held exactly once"
    assert body["reserved"] + body["available"] == initial
    assert [order for order in granted_orders if not reservation_exists(local_cloud, order)] == []
