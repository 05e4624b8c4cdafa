"""Flash sale: N buyers check out one hot SKU with M units at once, without and with write sharding.

Each buyer is a signed-up customer with one unit in the cart. The admin sets the SKU's stock to M
(and its write shards: 1 = off, K = on), then N threads send POST /checkout together; every order
is followed to its final state. Oversold = confirmed orders beyond M, plus any negative stock: it
must be 0.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.bench.cloud import Shop


def _admin_put(shop: Shop, admin: dict[str, str], path: str, body: dict[str, Any]) -> httpx.Response:
    """PUT as the admin; a 5xx (a stalled gateway on a busy machine) is tried again, as a client would."""
    for _ in range(3):
        response = shop.http().put(f"{shop.api}{path}", json=body, headers=shop.auth(admin))
        if response.status_code < 500:
            break
    return response


def one_sale(shop: Shop, *, sku: str, buyers: list[dict[str, str]], units: int, shards: int,
             admin: dict[str, str]) -> dict[str, Any]:
    setup = [_admin_put(shop, admin, f"/inventory/{sku}/shards", {"shards": shards}),
             _admin_put(shop, admin, f"/inventory/{sku}", {"available": units})]
    problems = [f"{r.request.method} {r.request.url.path}: HTTP {r.status_code} {r.text[:200]}" for r in setup if not r.is_success]
    for buyer in buyers:
        shop.add_to_cart(buyer, sku, 1).raise_for_status()
    barrier = threading.Barrier(len(buyers))
    results: list[dict[str, Any]] = [{} for _ in buyers]

    def buy(index: int) -> None:
        buyer = buyers[index]
        with httpx.Client(timeout=60) as client:  # one connection per buyer, as real clients have
            token = shop.tokenize(client)  # card tokenized at the processor before the sale opens
            barrier.wait()
            started = time.perf_counter()
            response = shop.checkout(buyer, key=f"flash-{shards}-{index}-{time.time_ns()}", payment_method=token,
                                     client=client)
            answered = time.perf_counter() - started
            status = f"HTTP {response.status_code}"
            if response.status_code == 202:
                status = shop.wait_final(buyer, response.json()["orderId"], timeout=120, interval=0.05)
            order_id = response.json().get("orderId") if response.status_code == 202 else None
            results[index] = {"status": status, "answer_s": answered, "done": time.perf_counter(), "orderId": order_id}

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(buyers)) as pool:
        list(pool.map(buy, range(len(buyers))))
    wall = max(r["done"] for r in results) - started
    statuses = [r["status"] for r in results]
    confirmed = statuses.count("CONFIRMED")
    rejected = statuses.count("FAILED") + sum(s.startswith("HTTP 4") for s in statuses)
    stock = shop.http().get(f"{shop.api}/inventory/{sku}", headers=shop.auth(admin))
    stock_body = stock.json() if stock.is_success else {}
    available = stock_body.get("available")
    oversold = max(0, confirmed - units) + (max(0, -available) if isinstance(available, int) else 0)
    return {
        "sharded": shards > 1, "shards": shards, "buyers": len(buyers), "units": units,
        "confirmed": confirmed, "rejected": rejected, "oversold": oversold,
        "other": len(statuses) - confirmed - rejected,
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "checkouts_per_s": round(len(buyers) / wall, 2) if wall else None, "wall_s": round(wall, 2),
        "answer_p50_s": round(sorted(r["answer_s"] for r in results)[len(results) // 2], 3),
        "stock_after": stock_body, "setup_problems": problems,
        "orders": [{"orderId": r["orderId"], "status": r["status"]} for r in results],
        "stock_items": _stock_items(shop, sku) if oversold else None,  # evidence when the bar is broken
    }


def _stock_items(shop: Shop, sku: str) -> list[dict[str, Any]]:
    """Every InventoryTable item that mentions the SKU (counters and reservations), for a post-mortem."""
    table = f"{shop.cloud.health['stack']}-InventoryTable"
    dynamodb = shop.cloud.client("dynamodb")
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items += [item for item in page["Items"] if sku in json.dumps(item)]
    return items


def run(shop: Shop, *, buyers: int, units: int, shards: int) -> dict[str, Any]:
    admin = shop.admin()
    people = [shop.sign_up() for _ in range(buyers)]
    products = shop.product_ids(60)
    # a different hot SKU per run: each starts from an untouched stock record. The first sale only
    # warms as many execution environments as there are buyers (AWS: provisioned concurrency).
    warmup = one_sale(shop, sku=products[-3]["sku"], buyers=people, units=units, shards=1, admin=admin)
    runs = [one_sale(shop, sku=products[-1 - index]["sku"], buyers=people, units=units, shards=count, admin=admin)
            for index, count in enumerate((1, shards))]
    return {"runs": runs, "warmup": warmup,
            "notes": [f"{buyers} buyers, {units} units, 1 unit each; shards on = {shards} sub-counters.",
                      f"a first, unreported sale warmed {buyers} environments per function "
                      f"(its statuses: {warmup['statuses']}).",
                      "oversold = confirmed beyond the units, plus any negative stock; other = 5xx or no final state."]}
