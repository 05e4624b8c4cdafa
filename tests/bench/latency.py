"""The seed's table: product get, profile get and checkout at p50/p95/p99 through the local API Gateway.

The same request sequence runs against each configuration ("initial", "current"), interleaved: product ids drawn
from a Zipf distribution over the catalog (fixed seed), a few signed-in customers for GET /me, and
one checkout per iteration (cart filled first, untimed). Checkout is timed twice: until the answer
(202 in the current design) and until GET /orders/{id} shows a final state (what the initial design
made the client wait for).
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.bench.cloud import Shop
from tests.bench.stats import improvement_pct, percentiles
from tests.bench.zipf_cache import zipf_keys

SEED_FIGURES = {  # the seed's report: before -> after (ms) and its improvement
    "product get": {"before": 450, "after": 120, "pct": 73},
    "profile get": {"before": 380, "after": 90, "pct": 76},
    "checkout": {"before": 2200, "after": 850, "pct": 61},
}
WARMUP = 5  # untimed requests per operation first: cold starts are section 2's subject


def _timed_get(shop: Shop, url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """(ms, HTTP status); status 0 when the request failed in transport (timeout, reset)."""
    started = time.perf_counter()
    try:
        status = shop.http().get(url, headers=headers).status_code
    except httpx.TransportError:
        status = 0
    return (time.perf_counter() - started) * 1000, status


def _checkout(shop: Shop, sku: str) -> tuple[float, float, str, bool]:
    """(ms to the answer, ms to the final state, status, answered 2xx) of one checkout by a new customer."""
    buyer = shop.sign_up()  # a fresh cart each time: no leftovers of the previous order's clean-up
    shop.add_to_cart(buyer, sku, 1).raise_for_status()
    token = shop.tokenize()  # the browser's call to the processor, before the shop's checkout: untimed
    started = time.perf_counter()
    try:
        response: httpx.Response | None = shop.checkout(buyer, payment_method=token)
    except httpx.TransportError as error:
        response = None
        status = type(error).__name__
    answered = (time.perf_counter() - started) * 1000
    if response is not None:
        status = f"HTTP {response.status_code}"
        if response.status_code in (200, 201, 202):
            status = shop.wait_final(buyer, response.json()["orderId"], interval=0.01)
    return answered, (time.perf_counter() - started) * 1000, status, response is not None and response.is_success


def measure(shops: dict[str, Shop], *, requests: int, checkouts: int, products: list[dict[str, Any]],
            customers: int = 3) -> dict[str, dict[str, Any]]:
    """Figures per configuration, {name: {"product get": pct, "profile get": pct, "checkout_answer": pct,
    "checkout_final": pct, ...}}. Requests alternate between the configurations (ABBA order), so that
    whatever else the machine does at a moment weighs on both alike."""
    names = list(shops)
    samples: dict[str, dict[str, list[float]]] = {n: {"product get": [], "profile get": [], "answer": [], "final": []}
                                                  for n in names}
    errors = {n: {"product get": 0, "profile get": 0, "checkout": 0, "checkout_final_not_confirmed": 0} for n in names}
    statuses: dict[str, list[str]] = {n: [] for n in names}

    def turn(i: int) -> list[str]:
        return names if i % 2 == 0 else names[::-1]

    ids = [p["productId"] for p in products]
    for i, product_id in enumerate(zipf_keys(ids, requests + WARMUP, seed=11)):
        for name in turn(i):
            elapsed, status = _timed_get(shops[name], f"{shops[name].api}/products/{product_id}")
            if i >= WARMUP:
                samples[name]["product get"].append(elapsed)
                errors[name]["product get"] += status != 200

    users = {name: [shop.sign_up() for _ in range(customers)] for name, shop in shops.items()}
    for i in range(requests + WARMUP):
        for name in turn(i):
            shop = shops[name]
            elapsed, status = _timed_get(shop, f"{shop.api}/me", shop.auth(users[name][i % customers]))
            if i >= WARMUP:
                samples[name]["profile get"].append(elapsed)
                errors[name]["profile get"] += status != 200

    skus = [p["sku"] for p in products[:20]]
    for i in range(checkouts + 1):  # the first checkout warms the saga's functions
        for name in turn(i):
            answered, finished, status, ok = _checkout(shops[name], skus[i % len(skus)])
            if i == 0:
                continue
            statuses[name].append(status)
            if not ok:
                errors[name]["checkout"] += 1
                continue
            samples[name]["answer"].append(answered)
            samples[name]["final"].append(finished)
            errors[name]["checkout_final_not_confirmed"] += status != "CONFIRMED"
    return {
        name: {
            "product get": percentiles(samples[name]["product get"]),
            "profile get": percentiles(samples[name]["profile get"]),
            "checkout_answer": percentiles(samples[name]["answer"]),
            "checkout_final": percentiles(samples[name]["final"]),
            "checkout_statuses": {s: statuses[name].count(s) for s in sorted(set(statuses[name]))},
            "errors": errors[name],
        }
        for name in names
    }


def table(initial: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the seed's table. Initial checkout = until the final state; current = until the 202."""
    rows = []
    for name, before_key, after_key in (("product get", "product get", "product get"),
                                        ("profile get", "profile get", "profile get"),
                                        ("checkout", "checkout_final", "checkout_answer")):
        before, after = initial.get(before_key) or {}, current.get(after_key) or {}
        rows.append({
            "name": name, "seed": SEED_FIGURES[name], "initial": before, "current": after,
            "improvement_pct": {q: improvement_pct(before.get(q, float("nan")), after.get(q, float("nan")))
                                for q in ("p50", "p95", "p99")},
        })
    return rows
