"""Hit ratio per cache level under a Zipf-distributed product workload.

Several simulated execution environments (one TieredCache each: its own L1) share one Redis (L2) and
read products whose popularity follows Zipf's law (rank r drawn with weight 1 / r^s). The loader is
the real read behind the cache (a DynamoDB GetItem on the seeded catalog when a table is given).
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

DEFAULT_S = 1.1


def zipf_weights(n: int, s: float = DEFAULT_S) -> list[float]:
    """Cumulative weights of ranks 1..n (for random.choices(cum_weights=...))."""
    return list(itertools.accumulate(1.0 / rank**s for rank in range(1, n + 1)))


def zipf_keys(keys: Sequence[str], count: int, *, s: float = DEFAULT_S, seed: int = 7) -> list[str]:
    """`count` draws from `keys` where keys[0] is the most popular."""
    rng = random.Random(seed)
    return rng.choices(list(keys), cum_weights=zipf_weights(len(keys), s), k=count)


def top_share(n: int, top: int, s: float = DEFAULT_S) -> float:
    """The share of all requests that go to the `top` most popular keys."""
    weights = zipf_weights(n, s)
    return weights[min(top, n) - 1] / weights[-1]


def run_zipf(
    keys: Sequence[str],
    loader: Callable[[str], Any],
    redis: Any,
    *,
    environments: int = 4,
    requests: int = 20_000,
    s: float = DEFAULT_S,
    l1_ttl: float = 5.0,
    l2_ttl: float = 300.0,
    l1_maxsize: int = 1024,
    seed: int = 7,
) -> dict[str, Any]:
    """Replay a Zipf workload spread at random over `environments`; hit ratios per level."""
    from shop.cache import TieredCache  # noqa: PLC0415 - the layer is on the path only when benchmarks run

    namespace = f"bench-zipf-{uuid.uuid4().hex[:8]}"  # fresh keys: every run starts cold
    caches = [TieredCache(namespace, redis, l1_ttl=l1_ttl, l2_ttl=l2_ttl, l1_maxsize=l1_maxsize)
              for _ in range(environments)]
    rng = random.Random(seed + 1)
    workload = zipf_keys(keys, requests, s=s, seed=seed)
    loads: Counter[str] = Counter()

    def load(key: str) -> Callable[[], Any]:
        def run() -> Any:
            loads[key] += 1
            return loader(key)
        return run

    started = time.perf_counter()
    for key in workload:
        cache = caches[rng.randrange(environments)]
        cache.get_or_load(key, load(key))
    elapsed = time.perf_counter() - started
    totals: Counter[str] = Counter()
    for cache in caches:
        totals.update(cache.counters)
    served = totals["l1_hit"] + totals["l2_hit"] + totals["miss"]
    if redis is not None:
        stale = list(redis.scan_iter(f"cache:{namespace}:*", count=1000))
        if stale:
            redis.delete(*stale)
    return {
        "requests": requests,
        "distinct_keys": len(keys),
        "distinct_requested": len(set(workload)),
        "environments": environments,
        "zipf_s": s,
        "l1_ttl_s": l1_ttl,
        "l2_ttl_s": l2_ttl,
        "top_10_share": round(top_share(len(keys), 10, s), 3),
        "hit_ratio": {
            "l1": round(totals["l1_hit"] / served, 4),
            "l2": round(totals["l2_hit"] / served, 4),
            "miss": round(totals["miss"] / served, 4),
            "overall": round((totals["l1_hit"] + totals["l2_hit"]) / served, 4),
        },
        "loader_calls": sum(loads.values()),
        "redis_errors": totals["redis_errors"],
        "elapsed_s": round(elapsed, 2),
    }
