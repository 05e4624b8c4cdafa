"""Stock rules with no I/O: which counter items a reservation takes from, how stock spreads over shards.

A SKU's stock lives in counter items: the main one (`STOCK`) and, when the SKU is write-sharded
(hot), K sub-counters `STOCK#0..K-1`. Totals are the sum over all of them; a reservation takes from
the main counter, or from the sub-counters of a hot SKU (one if it can, else several), and records
exactly which, so that release and commit give back to the same items.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shop.inventory.errors import OutOfStock
from shop.sharding import ShardedCounter

MAIN_COUNTER = "STOCK"


@dataclass(frozen=True)
class Counter:
    """One counter item of a SKU as read (consistently) from the table."""

    sk: str
    available: int
    reserved: int


@dataclass(frozen=True)
class Part:
    """`quantity` units of `sku` held on the counter item `sk`."""

    sku: str
    sk: str
    quantity: int


def sub_counter_keys(shards: int) -> list[str]:
    """The sort keys of a hot SKU's sub-counters (`STOCK#0` ..)."""
    return ShardedCounter(MAIN_COUNTER, shards).sub_keys


def merge_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """One demand per SKU (a cart may list a SKU twice; a transaction may touch an item once)."""
    demand: dict[str, int] = {}
    for sku, quantity in lines:
        demand[sku] = demand.get(sku, 0) + quantity
    return demand


def allocate(
    sku: str, quantity: int, counters: Mapping[str, Counter], shards: int, rng: random.Random | None = None
) -> list[Part]:
    """The counter items to take `quantity` from; OutOfStock when their sum is short.

    A hot SKU starts at a random sub-counter (writes spread) and falls back across the others,
    splitting the quantity only when no single sub-counter holds it all.
    """
    if shards <= 1:
        main = counters.get(MAIN_COUNTER)
        available = main.available if main else 0
        if available < quantity:
            raise _out_of_stock(sku, quantity, available)
        return [Part(sku, MAIN_COUNTER, quantity)]

    keys = sub_counter_keys(shards)
    start = (
        keys.index(ShardedCounter(MAIN_COUNTER, shards).sub_key_for())
        if rng is None
        else rng.randrange(shards)
    )
    ordered = [keys[(start + i) % shards] for i in range(shards)]
    availability = [(key, counters[key].available if key in counters else 0) for key in ordered]
    total = sum(max(available, 0) for _, available in availability)
    if total < quantity:
        raise _out_of_stock(sku, quantity, total)
    for key, available in availability:
        if available >= quantity:
            return [Part(sku, key, quantity)]
    parts, missing = [], quantity
    for key, available in availability:
        take = min(available, missing)
        if take > 0:
            parts.append(Part(sku, key, take))
            missing -= take
        if missing == 0:
            break
    return parts


def _out_of_stock(sku: str, requested: int, available: int) -> OutOfStock:
    return OutOfStock(
        f"not enough stock for {sku}: {requested} requested, {available} available",
        details={"sku": sku, "requested": requested, "available": available},
    )


def spread(total: int, shards: int) -> list[int]:
    """`total` split over `shards` as evenly as integers allow (the first ones get the remainder)."""
    base, remainder = divmod(total, shards)
    return [base + (1 if i < remainder else 0) for i in range(shards)]


def target_available(total: int, shards: int, existing: Iterable[str]) -> dict[str, int]:
    """The available quantity every counter item should hold so that the SKU has `total` over `shards`.

    Items outside the new layout (the main counter of a hot SKU, sub-counters beyond K) go to zero
    available; they keep their reserved units until those are committed or released.
    """
    if shards <= 1:
        layout = {MAIN_COUNTER: total}
    else:
        layout = dict(zip(sub_counter_keys(shards), spread(total, shards), strict=True))
    return {**{sk: 0 for sk in existing}, **layout}
