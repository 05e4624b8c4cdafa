"""python -m tests.bench [--quick] [--only NAME ...]: start the local cloud, seed it, run the benchmarks,
write bench-results/results.json and results.md, print the tables.

Sections: latency (the seed's table, "initial" vs "current"), cache_latency (tests/bench/bench_cache.py),
coldstart, load (locust), flash_sale, cost, zipf. "initial" is the same code and data in a second
local cloud started with the techniques switched off (see `initial_overrides`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench import report
from tests.bench.cloud import BENCH_SKUS, ROOT, Shop, running_shop, seed, template_parameters

NEEDS_INITIAL = {"latency"}
NEEDS_CLOUD = {"latency", "coldstart", "load", "flash_sale", "cost", "zipf"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny sample sizes, one local cloud")
    parser.add_argument("--only", action="append", choices=report.SECTIONS, help="run only this section (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument("--requests", type=int, help="requests per latency row (default 300; quick 10)")
    parser.add_argument("--checkouts", type=int, help="checkouts per configuration (default 30; quick 2)")
    parser.add_argument("--rounds", type=int, help="fresh environments per function (default 2; quick 1)")
    parser.add_argument("--users", type=int, help="locust users (default 8; quick 2)")
    parser.add_argument("--duration", type=int, help="locust run seconds (default 60; quick 8)")
    parser.add_argument("--think-time", type=float, default=0.5, help="locust think time between requests (s)")
    parser.add_argument("--buyers", type=int, help="flash sale buyers (default 20; quick 3)")
    parser.add_argument("--units", type=int, help="flash sale units (default 8; quick 1)")
    parser.add_argument("--shards", type=int, default=4, help="flash sale write shards when on")
    parser.add_argument("--orders", type=int, help="orders in the cost run (default 20; quick 2)")
    parser.add_argument("--zipf-requests", type=int, help="reads in the Zipf run (default 20000; quick 1000)")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {"requests": (300, 10), "checkouts": (30, 2), "rounds": (2, 1), "users": (8, 2), "duration": (60, 8),
                "buyers": (20, 3), "units": (8, 1), "orders": (20, 2), "zipf_requests": (20_000, 1000)}
    for name, (full, small) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    return args


def initial_overrides(parameters: set[str]) -> tuple[dict[str, str], list[str]]:
    """Template parameters that switch the techniques off, and notes on what could not be."""
    overrides: dict[str, str] = {}
    notes = []
    if "CacheEnabled" in parameters:
        overrides["CacheEnabled"] = "false"
    else:  # no switch for L1: at least take L2 away (an unreachable Redis: reads fall through to the table)
        overrides["CacheMode"] = "none"
        notes.append("template.yaml has no CacheEnabled parameter: 'initial' runs with CacheMode=none (no L2) "
                     "but the 5 s L1 stays on, so the cache gain is understated.")
    notes.append("checkout 'initial' = request until GET /orders/{id} shows CONFIRMED/FAILED (polled every 10 ms); "
                 "'current' = until the 202.")
    return overrides, notes


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.results: dict[str, Any] = {}
        self.work = args.out / "work"
        self.work.mkdir(parents=True, exist_ok=True)

    def wanted(self, name: str) -> bool:
        return not self.args.only or name in self.args.only

    def section(self, name: str, fn: Callable[[], dict[str, Any]]) -> None:
        if not self.wanted(name):
            return
        print(f"[bench] {name} ...", flush=True)
        started = time.monotonic()
        try:
            self.results[name] = fn()
        except Exception as error:  # noqa: BLE001 - one failing benchmark must not lose the others' figures
            traceback.print_exc()
            self.results[name] = {"error": f"{type(error).__name__}: {error}"}
        self.results[name]["seconds"] = round(time.monotonic() - started, 1)
        print(f"[bench] {name} done in {self.results[name]['seconds']} s", flush=True)

    # ------------------------------------------------------------------ sections
    def cache_latency(self) -> dict[str, Any]:
        from tests.bench.bench_cache import run  # noqa: PLC0415 - owned by the layer engineer

        return run(iterations=100 if self.args.quick else 500)

    def zipf(self, shop: Shop) -> dict[str, Any]:
        from localcloud.redisd import ensure_redis  # noqa: PLC0415
        from shop.redis_client import create_redis  # noqa: PLC0415

        from tests.bench.zipf_cache import run_zipf  # noqa: PLC0415

        table = f"{shop.cloud.health['stack']}-ProductsTable"
        dynamodb = shop.cloud.client("dynamodb")
        keys = [p["productId"] for p in shop.product_ids(1000)]

        def loader(product_id: str) -> Any:
            return dynamodb.get_item(TableName=table, Key={"productId": {"S": product_id}}).get("Item")

        redis_server = ensure_redis()
        try:
            return {**run_zipf(keys, loader, create_redis(redis_server.url), requests=self.args.zipf_requests),
                    "loader": f"DynamoDB GetItem on {table}"}
        finally:
            redis_server.stop()

    def run(self) -> dict[str, Any]:
        args = self.args
        started = time.monotonic()
        self.results["meta"] = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
                                "commit": report.git_commit(ROOT),
                                "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "args": {k: str(v) for k, v in vars(args).items()}}
        self.section("cache_latency", self.cache_latency)  # its own moto: before the clouds load the machine
        wanted_cloud = [s for s in NEEDS_CLOUD if self.wanted(s)]
        if wanted_cloud:
            self.with_clouds({})  # each local cloud runs its own payment sandbox, keyed from its secrets
        self.results["meta"]["duration_s"] = round(time.monotonic() - started, 1)
        self.results["meta"]["machine"] = report.machine()
        return self.results

    def with_clouds(self, base: dict[str, str]) -> None:
        try:
            self.clouds(base)
        except Exception as error:  # noqa: BLE001 - a cloud did not come up: every cloud section says so
            traceback.print_exc()
            for name in NEEDS_CLOUD:
                if self.wanted(name) and name not in self.results:
                    self.results[name] = {"error": f"local cloud: {type(error).__name__}: {error}"}

    def clouds(self, base: dict[str, str]) -> None:
        from tests.bench import checkout_cost, coldstart, flash_sale, latency, load  # noqa: PLC0415

        args = self.args
        overrides, notes = initial_overrides(template_parameters())
        with ExitStack() as outer:
            initial_stack = outer.enter_context(ExitStack())  # closed as soon as the latency table is done
            shops: dict[str, Shop] = {}
            if self.wanted("latency") and not args.quick:
                print("[bench] starting the 'initial' local cloud (techniques off) ...", flush=True)
                shops["initial"] = initial_stack.enter_context(
                    running_shop("initial", {**base, **overrides}, self.work, do_seed=False))
            print("[bench] starting the 'current' local cloud ...", flush=True)
            shop = shops["current"] = outer.enter_context(running_shop("current", base, self.work, do_seed=False))
            print(f"[bench] seeding {' and '.join(shops)} ...", flush=True)
            with ThreadPoolExecutor(max_workers=len(shops)) as pool:  # same data in both, at the same time
                for each, took in zip(shops.values(), pool.map(lambda s: seed(s.cloud), shops.values()), strict=True):
                    each.seed_s = took
            print(f"[bench]   seeded in {max(s.seed_s for s in shops.values()):.0f} s", flush=True)
            products = shop.product_ids(300)
            skus = [p["sku"] for p in products[:BENCH_SKUS]]
            for each in shops.values():
                each.stock_up(skus)

            def latency_section() -> dict[str, Any]:
                figures = latency.measure(shops, requests=args.requests, checkouts=args.checkouts, products=products)
                current = figures["current"]
                initial = figures.get("initial")
                section_notes = list(notes)
                if initial is None:  # --quick: one cloud; the table's shape is checked, not the gain
                    initial = current
                    section_notes.insert(0, "--quick: 'initial' is the current configuration (harness check only).")
                else:
                    section_notes.insert(0, "both configurations ran side by side, requests alternating between "
                                            "them, so that other load on the machine weighs on both alike.")
                return {"requests": args.requests, "checkouts": args.checkouts, "rows": latency.table(initial, current),
                        "checkout_confirmation": current["checkout_final"], "initial_overrides": overrides,
                        "raw": {"initial": initial, "current": current}, "notes": section_notes}

            self.section("latency", latency_section)
            initial_stack.close()  # the rest measures the current configuration alone
            self.section("cost", lambda: checkout_cost.run(shop, orders=args.orders, products=products))
            self.section("flash_sale", lambda: flash_sale.run(shop, buyers=args.buyers, units=args.units, shards=args.shards))
            self.section("coldstart", lambda: coldstart.run(shop, products=products, rounds=args.rounds, cache_dir=args.out))
            self.section("zipf", lambda: self.zipf(shop))
            self.section("load", lambda: load.run(shop, users=args.users, spawn_rate=max(1, args.users / 2),
                                                  duration_s=args.duration, think_time_s=args.think_time, out_dir=self.work,
                                                  skus=skus))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = Runner(args).run()
    json_path, md_path = report.write_results(results, args.out)
    print(md_path.read_text())
    print(f"[bench] wrote {json_path} and {md_path}")
    failed = [name for name in report.SECTIONS if isinstance(results.get(name), dict) and "error" in results[name]]
    if failed:
        print(f"[bench] sections that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
