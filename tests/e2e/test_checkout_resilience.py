"""The saga under faults and load: a failing provider behind the circuit breaker, and a flash sale."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from checkout_support import BREAKER_OPEN_SECONDS, Shop, User, start_shop


@pytest.fixture(scope="module")
def shop(start_local_cloud: Callable[..., Any]) -> Shop:
    return start_shop(start_local_cloud)


def checkout_like_a_client(shop: Shop, user: User) -> tuple[User, Any]:
    """POST /checkout, retried on 429/5xx/timeouts with the same Idempotency-Key, as a client should."""
    key, token = uuid.uuid4().hex, shop.tokenize()
    for attempt in range(6):
        try:
            answer = shop.checkout(user, key, token)
        except httpx.TimeoutException:
            answer = None
        if answer is not None and answer.status_code < 500 and answer.status_code != 429:
            return user, answer
        time.sleep(min(8.0, 0.5 * 2**attempt))
    return user, answer


def buy(shop: Shop, user: User, sku: str, token: str | None = None) -> tuple[str, dict[str, Any], float]:
    shop.add_to_cart(user, sku, 1)
    started = time.monotonic()
    answer = shop.checkout(user, payment_method=token)
    assert answer.status_code == 202, answer.text
    order = shop.wait_for_order(user, answer.json()["orderId"], timeout=90)
    return order["orderId"], order, time.monotonic() - started


def test_a_failing_provider_opens_the_breaker_checkouts_fail_fast_and_it_closes_after_recovery(shop: Shop):
    sku = shop.product(stock=20)
    users = [shop.sign_up("breaker") for _ in range(9)]
    tokens = [shop.tokenize() for _ in users[:6]]  # the browsers tokenized before the processor went down
    shop.configure_sandbox(outage=True)
    try:
        failed: list[dict[str, Any]] = []
        for user, token in zip(users[:6], tokens, strict=True):  # each failing checkout makes several calls
            errors_before = shop.sandbox_call("GET", "/_sandbox/stats")["errors"]
            _, order, took = buy(shop, user, sku, token)
            failed.append(order)
            if "is open" in order["reason"]:  # CircuitOpenError: nothing was sent
                break
        assert all(order["status"] == "FAILED" for order in failed)
        assert failed[0]["reason"].startswith("PAYMENT_UNAVAILABLE"), failed[0]
        fast = failed[-1]
        assert "is open" in fast["reason"], [order["reason"] for order in failed]
        assert shop.sandbox_call("GET", "/_sandbox/stats")["errors"] == errors_before  # no call went out
        assert took < 10, f"an open breaker should fail the checkout fast, took {took:.1f}s"
        assert shop.stock(sku)["available"] == 20 and shop.stock(sku)["reserved"] == 0  # all released
    finally:
        shop.configure_sandbox(outage=False)
    time.sleep(BREAKER_OPEN_SECONDS + 0.5)
    recovered = [buy(shop, user, sku)[1] for user in users[6:]]  # half-open trial calls, then closed
    assert [order["status"] for order in recovered] == ["CONFIRMED"] * 3
    assert shop.stock(sku)["available"] == 17


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_200_concurrent_checkouts_on_50_units_confirm_exactly_50_and_never_oversell(shop: Shop):
    started = time.monotonic()
    sku = shop.product(stock=50, price=500)
    users = shop.sign_up_many(200)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda user: shop.add_to_cart(user, sku, 1), users))
    print(f"200 users with a cart in {time.monotonic() - started:.0f}s")

    lowest = [50]
    done = threading.Event()

    def watch_stock() -> None:
        while not done.is_set():
            answer = shop.api("GET", f"/inventory/{sku}", shop.admin)
            if answer.status_code == 200:
                lowest[0] = min(lowest[0], answer.json()["available"])
            time.sleep(0.2)

    watcher = threading.Thread(target=watch_stock, daemon=True)
    watcher.start()
    webhook_url = shop.sandbox_call("GET", "/_sandbox/config")["webhookUrl"]
    shop.configure_sandbox(webhookUrl=None)  # 600 webhook deliveries would only add load here
    try:
        # 16 clients keep 200 checkouts in flight against a 2-core machine without gateway timeouts.
        with ThreadPoolExecutor(16) as pool:
            accepted = list(pool.map(lambda user: checkout_like_a_client(shop, user), users))
        refused = [answer.text if answer is not None else "timeout" for _, answer in accepted
                   if answer is None or answer.status_code != 202]
        assert not refused, refused[:3]
        print(f"200 checkouts accepted after {time.monotonic() - started:.0f}s")
        with ThreadPoolExecutor(16) as pool:
            orders = list(
                pool.map(
                    lambda pair: shop.wait_for_order(pair[0], pair[1].json()["orderId"], timeout=110),
                    accepted,
                )
            )
    finally:
        done.set()
        watcher.join()
        shop.configure_sandbox(webhookUrl=webhook_url)

    print(f"200 orders final after {time.monotonic() - started:.0f}s")
    statuses = Counter(order["status"] for order in orders)
    assert statuses == {"CONFIRMED": 50, "FAILED": 150}, statuses
    reasons = Counter(order["reason"].split(":")[0] for order in orders if order["status"] == "FAILED")
    assert set(reasons) == {"OUT_OF_STOCK"}, reasons
    assert lowest[0] >= 0
    assert shop.stock(sku)["available"] == 0 and shop.stock(sku)["reserved"] == 0
    payments = shop.sandbox_call("GET", "/_sandbox/stats")["byReference"]
    confirmed = {order["orderId"] for order in orders if order["status"] == "CONFIRMED"}
    captured = {
        reference
        for reference, totals in payments.items()
        if totals["captures"] and reference in {o["orderId"] for o in orders}
    }
    assert captured == confirmed  # no capture without a confirmed order, one per confirmed order
    assert all(payments[order_id]["captures"] == 1 for order_id in confirmed)
