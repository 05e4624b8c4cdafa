"""CartService against moto's DynamoDB (shard tables) with a dict catalog and inventory."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from shop.cart.domain import CartLimitExceeded, CartNotFound, CartOwner, LineNotFound
from shop.cart.repository import CartRepository
from shop.cart.service import CartService, InsufficientStock, ProductNotSold

ALICE = CartOwner.user("alice")


def test_add_prices_lines_from_the_catalog(carts: CartService) -> None:
    carts.add_item(ALICE, "BOOK-1", 2)
    view = carts.add_item(ALICE, "BOOK-2", 1)
    assert [(line.sku, line.unitPrice, line.lineTotal) for line in view.items] == [
        ("BOOK-1", 1250, 2500),
        ("BOOK-2", 999, 999),
    ]
    assert (view.total, view.itemCount, view.currency, view.cartId) == (3499, 3, "USD", "alice")


def test_price_changes_in_the_catalog_show_in_the_cart(carts: CartService, catalog: Any) -> None:
    carts.add_item(ALICE, "BOOK-1", 1)
    catalog.products["BOOK-1"] = catalog.products["BOOK-1"].model_copy(update={"price": 2000})
    assert carts.view(ALICE).total == 2000


def test_a_product_no_longer_sold_leaves_the_total(carts: CartService, catalog: Any) -> None:
    carts.add_item(ALICE, "BOOK-1", 1)
    carts.add_item(ALICE, "BOOK-2", 1)
    del catalog.products["BOOK-1"]
    view = carts.view(ALICE)
    assert view.total == 999 and view.unavailable == ["BOOK-1"]


def test_unknown_sku_is_not_found_and_short_stock_is_a_conflict(carts: CartService) -> None:
    with pytest.raises(ProductNotSold):
        carts.add_item(ALICE, "NOPE-1", 1)
    carts.add_item(ALICE, "TOY-1", 2)
    with pytest.raises(InsufficientStock) as raised:
        carts.add_item(ALICE, "TOY-1", 2)
    assert raised.value.details == {"sku": "TOY-1", "requested": 4, "available": 3}


def test_set_quantity_remove_and_clear(carts: CartService) -> None:
    carts.add_item(ALICE, "BOOK-1", 1)
    assert carts.set_quantity(ALICE, "BOOK-1", 5).itemCount == 5
    with pytest.raises(LineNotFound):
        carts.set_quantity(ALICE, "BOOK-2", 1)
    carts.add_item(ALICE, "BOOK-2", 1)
    assert [line.sku for line in carts.remove_item(ALICE, "BOOK-1").items] == ["BOOK-2"]
    assert carts.clear(ALICE).items == []
    assert carts.view(ALICE).items == []


def test_quantity_over_99_is_refused(carts: CartService) -> None:
    carts.add_item(ALICE, "BOOK-1", 60)
    with pytest.raises(CartLimitExceeded):
        carts.add_item(ALICE, "BOOK-1", 40)


def test_an_unknown_anonymous_cart_is_not_found(carts: CartService) -> None:
    stranger = CartOwner.anonymous("0b3d6c1e-8a57-4b59-9a7e-1f1f1f1f1f1f")
    with pytest.raises(CartNotFound):
        carts.view(stranger)
    with pytest.raises(CartNotFound):
        carts.add_item(stranger, "BOOK-1", 1)


def test_merge_moves_the_anonymous_cart_into_the_users_and_deletes_it(carts: CartService) -> None:
    visitor = carts.new_anonymous_owner()
    carts.add_item(visitor, "BOOK-1", 3, create=True)
    carts.add_item(visitor, "TOY-1", 1)
    carts.add_item(ALICE, "BOOK-1", 2)
    merged = carts.merge(ALICE, visitor.id)
    assert {line.sku: line.quantity for line in merged.items} == {"BOOK-1": 5, "TOY-1": 1}
    assert merged.dropped == []
    with pytest.raises(CartNotFound):
        carts.view(visitor)
    with pytest.raises(CartNotFound):
        carts.merge(ALICE, visitor.id)


def test_carts_expire_after_their_ttl_and_each_change_refreshes_it(carts: CartService, clock: Any) -> None:
    carts.add_item(ALICE, "BOOK-1", 1)
    clock.now += 3000
    carts.add_item(ALICE, "BOOK-1", 1)
    clock.now += 3000  # 6000 s after the first add, 3000 s after the last change
    assert carts.view(ALICE).itemCount == 2
    clock.now += 601
    assert carts.view(ALICE).items == []


def test_parallel_adds_lose_no_update(carts: CartService) -> None:
    errors: list[Exception] = []

    def add() -> None:
        try:
            carts.add_item(ALICE, "BOOK-1", 1)
        except Exception as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert carts.view(ALICE).itemCount == 8


def test_carts_are_spread_over_the_shard_tables(carts: CartService, dynamodb: Any) -> None:
    for i in range(20):
        carts.add_item(CartOwner.user(f"user-{i}"), "BOOK-1", 1)
    counts = [dynamodb.scan(TableName=name)["Count"] for name in ("carts-0", "carts-1")]
    assert sum(counts) == 20 and min(counts) > 0


def test_after_a_reshard_deploy_old_carts_are_read_and_moved_on_write(
    carts: CartService, dynamodb: Any, catalog: Any, stock: Any, clock: Any
) -> None:
    owners = [CartOwner.user(f"user-{i}") for i in range(30)]
    for owner in owners:
        carts.add_item(owner, "BOOK-1", 1)
    grown = CartService(
        CartRepository(["carts-0", "carts-1", "carts-2"], previous_shards=2, dynamodb=dynamodb),
        catalog=catalog,
        inventory=stock,
        ttl_s=3600,
        clock=clock,
    )
    assert all(grown.view(owner).itemCount == 1 for owner in owners)
    for owner in owners:
        grown.add_item(owner, "BOOK-1", 1)
    assert dynamodb.scan(TableName="carts-2")["Count"] > 0
    total = sum(dynamodb.scan(TableName=name)["Count"] for name in ("carts-0", "carts-1", "carts-2"))
    assert total == 30
    assert all(grown.view(owner).itemCount == 2 for owner in owners)
