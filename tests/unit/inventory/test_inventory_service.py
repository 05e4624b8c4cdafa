"""InventoryService against moto's DynamoDB: stock records, reservations and their idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from shop.inventory.errors import OutOfStock, ReservationNotFound, ReservationReleased, StockNotFound
from shop.inventory.service import InventoryService


def totals(inventory: InventoryService, sku: str) -> tuple[int, int]:
    stock = inventory.get_stock(sku, fresh=True)
    return stock.available, stock.reserved


def test_set_stock_creates_the_record_then_sets_it(inventory: InventoryService) -> None:
    assert inventory.set_stock("SKU-1", 10).available == 10
    assert totals(inventory, "SKU-1") == (10, 0)
    inventory.set_stock("SKU-1", 3)
    assert totals(inventory, "SKU-1") == (3, 0)


def test_unknown_sku_has_no_stock(inventory: InventoryService) -> None:
    with pytest.raises(StockNotFound):
        inventory.get_stock("NOPE-1", fresh=True)
    with pytest.raises(StockNotFound):
        inventory.restock("NOPE-1", 5)


def test_restock_adds_to_available(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 10)
    assert inventory.restock("SKU-1", 5).available == 15


def test_reserve_moves_units_from_available_to_reserved(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.set_stock("SKU-2", 10)
    result = inventory.reserve("o-1", [("SKU-1", 3), ("SKU-2", 1), ("SKU-1", 1)])
    assert result.status == "RESERVED"
    assert {line.sku: line.quantity for line in result.items} == {"SKU-1": 4, "SKU-2": 1}
    assert totals(inventory, "SKU-1") == (6, 4)
    assert totals(inventory, "SKU-2") == (9, 1)


def test_second_reserve_for_an_order_returns_the_first_result_and_takes_nothing(
    inventory: InventoryService,
) -> None:
    inventory.set_stock("SKU-1", 10)
    first = inventory.reserve("o-1", [("SKU-1", 3)])
    again = inventory.reserve("o-1", [("SKU-1", 5)])
    assert again == first
    assert totals(inventory, "SKU-1") == (7, 3)


def test_reserve_is_all_or_nothing_when_one_line_is_short(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.set_stock("SKU-2", 1)
    with pytest.raises(OutOfStock) as raised:
        inventory.reserve("o-1", [("SKU-1", 3), ("SKU-2", 2)])
    assert raised.value.details["sku"] == "SKU-2"
    assert totals(inventory, "SKU-1") == (10, 0)
    assert inventory.release("o-1").status == "NONE"


def test_reserve_of_an_unstocked_sku_is_out_of_stock(inventory: InventoryService) -> None:
    with pytest.raises(OutOfStock):
        inventory.reserve("o-1", [("NOPE-1", 1)])


def test_release_gives_units_back_once(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.reserve("o-1", [("SKU-1", 4)])
    assert inventory.release("o-1").status == "RELEASED"
    assert inventory.release("o-1").status == "RELEASED"
    assert totals(inventory, "SKU-1") == (10, 0)


def test_release_of_an_unknown_order_is_a_no_op(inventory: InventoryService) -> None:
    assert inventory.release("never").status == "NONE"


def test_commit_removes_reserved_units_once_and_release_after_it_is_a_no_op(
    inventory: InventoryService,
) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.reserve("o-1", [("SKU-1", 4)])
    assert inventory.commit("o-1").status == "COMMITTED"
    assert inventory.commit("o-1").status == "COMMITTED"
    assert inventory.release("o-1").status == "COMMITTED"
    assert totals(inventory, "SKU-1") == (6, 0)


def test_commit_of_unknown_or_released_reservation_is_refused(inventory: InventoryService) -> None:
    with pytest.raises(ReservationNotFound):
        inventory.commit("never")
    inventory.set_stock("SKU-1", 10)
    inventory.reserve("o-1", [("SKU-1", 1)])
    inventory.release("o-1")
    with pytest.raises(ReservationReleased):
        inventory.commit("o-1")


def test_set_stock_keeps_units_held_by_reservations(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.reserve("o-1", [("SKU-1", 4)])
    inventory.set_stock("SKU-1", 20)
    assert totals(inventory, "SKU-1") == (20, 4)
    inventory.release("o-1")
    assert totals(inventory, "SKU-1") == (24, 0)


def test_expire_stale_releases_only_expired_uncommitted_reservations(
    inventory: InventoryService, clock: Any
) -> None:
    inventory.set_stock("SKU-1", 10)
    inventory.reserve("old", [("SKU-1", 1)])
    inventory.reserve("old-committed", [("SKU-1", 2)])
    inventory.commit("old-committed")
    clock.now += 600
    inventory.reserve("young", [("SKU-1", 3)])
    clock.now += 301  # "old" is 901 s old (ttl 900), "young" 301 s
    assert inventory.expire_stale() == ["old"]
    assert totals(inventory, "SKU-1") == (5, 3)
    assert inventory.expire_stale() == []


# ------------------------------------------------------------------ hot SKUs (write sharding)


def sub_counters(dynamodb: Any, sku: str) -> dict[str, tuple[int, int]]:
    items = dynamodb.query(
        TableName="inventory-test",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": sku}},
    )["Items"]
    return {i["sk"]["S"]: (int(i["available"]["N"]), int(i["reserved"]["N"])) for i in items}


def test_set_shards_spreads_available_stock_and_keeps_the_total(
    inventory: InventoryService, dynamodb: Any
) -> None:
    inventory.set_stock("HOT-1", 10)
    stock = inventory.set_shards("HOT-1", 4)
    assert (stock.available, stock.shards) == (10, 4)
    assert sub_counters(dynamodb, "HOT-1") == {
        "STOCK": (0, 0),
        "STOCK#0": (3, 0),
        "STOCK#1": (3, 0),
        "STOCK#2": (2, 0),
        "STOCK#3": (2, 0),
    }


def test_hot_sku_reserve_falls_back_across_sub_counters_until_exactly_empty(
    inventory: InventoryService,
) -> None:
    inventory.set_stock("HOT-1", 10)
    inventory.set_shards("HOT-1", 4)
    for i in range(5):
        inventory.reserve(f"o-{i}", [("HOT-1", 2)])
    assert totals(inventory, "HOT-1") == (0, 10)
    with pytest.raises(OutOfStock):
        inventory.reserve("o-late", [("HOT-1", 1)])
    for i in range(5):
        inventory.release(f"o-{i}")
    assert totals(inventory, "HOT-1") == (10, 0)


def test_hot_sku_set_stock_restock_and_back_to_one_counter(
    inventory: InventoryService, dynamodb: Any
) -> None:
    inventory.set_stock("HOT-1", 10)
    inventory.set_shards("HOT-1", 3)
    inventory.reserve("o-1", [("HOT-1", 4)])
    assert inventory.set_stock("HOT-1", 9).available == 9
    assert inventory.restock("HOT-1", 2).available == 11
    stock = inventory.set_shards("HOT-1", 1)
    assert (stock.available, stock.reserved, stock.shards) == (11, 4, 1)
    assert sub_counters(dynamodb, "HOT-1")["STOCK"][0] == 11
    inventory.commit("o-1")
    assert totals(inventory, "HOT-1") == (11, 0)
