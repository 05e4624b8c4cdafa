"""Stock rules without I/O: allocation over counters, spreading stock over sub-counters."""

from __future__ import annotations

import random

import pytest
from shop.inventory.domain import Counter, Part, allocate, merge_lines, spread, target_available
from shop.inventory.errors import OutOfStock


def counters(**available: int) -> dict[str, Counter]:
    return {sk.replace("_", "#"): Counter(sk.replace("_", "#"), value, 0) for sk, value in available.items()}


def test_plain_sku_takes_everything_from_the_main_counter() -> None:
    assert allocate("A-1", 3, counters(STOCK=5), 1) == [Part("A-1", "STOCK", 3)]


def test_plain_sku_short_of_stock_raises_out_of_stock_with_the_numbers() -> None:
    with pytest.raises(OutOfStock) as raised:
        allocate("A-1", 6, counters(STOCK=5), 1)
    assert raised.value.details == {"sku": "A-1", "requested": 6, "available": 5}
    assert type(raised.value).__name__ == "OutOfStock"


def test_hot_sku_takes_from_one_sub_counter_when_one_holds_enough() -> None:
    parts = allocate("A-1", 4, counters(STOCK=0, STOCK_0=1, STOCK_1=5, STOCK_2=1), 3, random.Random(0))
    assert parts == [Part("A-1", "STOCK#1", 4)]


def test_hot_sku_splits_over_sub_counters_when_none_holds_enough() -> None:
    parts = allocate("A-1", 5, counters(STOCK_0=2, STOCK_1=2, STOCK_2=2), 3, random.Random(1))
    assert sum(part.quantity for part in parts) == 5
    assert all(part.quantity <= 2 for part in parts)


def test_hot_sku_short_over_all_sub_counters_raises_out_of_stock() -> None:
    with pytest.raises(OutOfStock):
        allocate("A-1", 7, counters(STOCK_0=2, STOCK_1=2, STOCK_2=2), 3, random.Random(1))


def test_hot_sku_ignores_units_outside_its_layout() -> None:
    # The main counter of a hot SKU is not one of its sub-counters, whatever it holds.
    with pytest.raises(OutOfStock):
        allocate("A-1", 3, counters(STOCK=10, STOCK_0=1, STOCK_1=1), 2, random.Random(0))


def test_hot_sku_start_sub_counter_is_spread_over_all_of_them() -> None:
    rng = random.Random(42)
    starts = {
        allocate("A-1", 1, counters(STOCK_0=9, STOCK_1=9, STOCK_2=9, STOCK_3=9), 4, rng)[0].sk
        for _ in range(200)
    }
    assert starts == {"STOCK#0", "STOCK#1", "STOCK#2", "STOCK#3"}


def test_merge_lines_sums_repeated_skus() -> None:
    assert merge_lines([("A-1", 1), ("B-2", 2), ("A-1", 3)]) == {"A-1": 4, "B-2": 2}


def test_spread_keeps_the_total_and_differs_by_at_most_one() -> None:
    for total in (0, 1, 7, 100, 101):
        parts = spread(total, 4)
        assert sum(parts) == total and max(parts) - min(parts) <= 1


def test_target_available_zeroes_items_outside_the_new_layout() -> None:
    assert target_available(10, 2, ["STOCK", "STOCK#0", "STOCK#1", "STOCK#2"]) == {
        "STOCK": 0,
        "STOCK#0": 5,
        "STOCK#1": 5,
        "STOCK#2": 0,
    }
    assert target_available(10, 1, ["STOCK", "STOCK#0"]) == {"STOCK": 10, "STOCK#0": 0}
