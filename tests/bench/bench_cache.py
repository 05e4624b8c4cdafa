"""Tiered cache latencies: L1 hit, L2 (Redis) hit and miss, where the loader is a real DynamoDB GetItem.

    python tests/bench/bench_cache.py            # prints a table
    from tests.bench.bench_cache import run      # -> dict of figures (µs)

DynamoDB is moto (a ThreadedMotoServer on a free port) unless AWS_ENDPOINT_URL names an endpoint;
Redis is REDIS_URL when it answers, else a redis-server started for the run.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT / "infrastructure" / "local", ROOT / "layers" / "shared" / "python"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import boto3  # noqa: E402
from localcloud.redisd import ensure_redis, free_port  # noqa: E402
from shop.cache import TieredCache  # noqa: E402
from shop.redis_client import create_redis  # noqa: E402
from shop.resilience import boto_config  # noqa: E402

ITEM = {  # about 500 bytes, like a catalog product
    "pk": {"S": "PRODUCT#bench"},
    "name": {"S": "Desk lamp with a long descriptive name"},
    "description": {"S": "x" * 380},
    "price": {"N": "49.90"},
    "category": {"S": "lighting"},
}


def percentiles(samples_s: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles([s * 1e6 for s in samples_s], n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


def timed(fn: Any, n: int) -> list[float]:
    samples = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - started)
    return samples


def _dynamodb(endpoint: str) -> Any:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    region = os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=region, config=boto_config())


def run(iterations: int = 500) -> dict[str, Any]:
    """Measure and return {"l1_hit": {...}, "l2_hit": {...}, "miss": {...}, "no_cache": {...}, "ratios": {...}}."""
    moto = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - only without an endpoint

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
        port = free_port()
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto.start()
        endpoint = f"http://127.0.0.1:{port}"
    redis_server = ensure_redis()
    table = f"bench-cache-{uuid.uuid4().hex[:8]}"
    dynamodb = _dynamodb(endpoint)
    try:
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        dynamodb.put_item(TableName=table, Item=ITEM)

        def get_item() -> dict:
            item = dynamodb.get_item(TableName=table, Key={"pk": ITEM["pk"]})["Item"]
            return {name: next(iter(value.values())) for name, value in item.items()}

        client = create_redis(redis_server.url)
        namespace = f"bench-{uuid.uuid4().hex[:8]}"  # fresh keys every run, nothing to flush
        filler = TieredCache(namespace, client, l1_ttl=60, l2_ttl=600)
        reader = TieredCache(namespace, client, l1_ttl=60, l2_ttl=600)
        for i in range(20):  # warm connections and code paths
            get_item()
            filler.get_or_load(f"warm-{i}", get_item)

        no_cache = timed(lambda i: get_item(), iterations)
        miss = timed(lambda i: filler.get_or_load(f"miss-{i}", get_item), iterations)
        for i in range(iterations):
            filler.get_or_load(f"l2-{i}", get_item)
        reader.get_or_load("l2-0", get_item)  # the reader learns the namespace version once
        l2_hit = timed(lambda i: reader.get_or_load(f"l2-{i}", get_item), iterations)
        l1_hit = timed(lambda i: reader.get_or_load("l2-0", get_item), iterations)
        assert reader.counters["l2_hit"] >= iterations - 1 and reader.counters["miss"] == 0

        figures: dict[str, Any] = {
            "iterations": iterations,
            "endpoint": "moto" if moto else endpoint,
            "no_cache": percentiles(no_cache),
            "miss": percentiles(miss),
            "l2_hit": percentiles(l2_hit),
            "l1_hit": percentiles(l1_hit),
        }
        figures["ratios"] = {
            "miss_over_l2_p50": round(figures["miss"]["p50"] / figures["l2_hit"]["p50"], 1),
            "miss_over_l1_p50": round(figures["miss"]["p50"] / figures["l1_hit"]["p50"], 1),
            "l2_over_l1_p50": round(figures["l2_hit"]["p50"] / figures["l1_hit"]["p50"], 1),
        }
        stale_keys = list(client.scan_iter(f"cache:{namespace}:*", count=1000))
        if stale_keys:
            client.delete(*stale_keys)
        return figures
    finally:
        try:
            dynamodb.delete_table(TableName=table)
        finally:
            if moto is not None:
                moto.stop()
            redis_server.stop()


def print_table(figures: dict[str, Any]) -> None:
    print(f"tiered cache, {figures['iterations']} reads per row, loader = DynamoDB GetItem ({figures['endpoint']})")
    print(f"{'read':<22}{'p50 µs':>10}{'p95 µs':>10}{'p99 µs':>10}")
    for label, name in (("L1 hit", "l1_hit"), ("L2 hit (Redis)", "l2_hit"), ("miss (load + fill)", "miss"),
                        ("no cache (GetItem)", "no_cache")):
        row = figures[name]
        print(f"{label:<22}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['p99']:>10.1f}")
    ratios = figures["ratios"]
    print(f"p50 ratios: miss/L2 {ratios['miss_over_l2_p50']}x, miss/L1 {ratios['miss_over_l1_p50']}x, "
          f"L2/L1 {ratios['l2_over_l1_p50']}x")


if __name__ == "__main__":
    print_table(run())
