"""Resharding carts from 2 to 3 shard tables (and back): only the keys whose shard changes move."""

from __future__ import annotations

from typing import Any

from shop.cart.domain import Cart, CartOwner
from shop.cart.repository import CartRepository
from shop.cart.resharding import reshard
from shop.sharding import reshard_plan

from scripts.reshard_carts import main, shard_tables

NOW = 1_800_000_000


def fill(dynamodb: Any, tables: list[str], count: int) -> list[CartOwner]:
    repository = CartRepository(tables, dynamodb=dynamodb)
    owners = [CartOwner.user(f"user-{i}") for i in range(count)]
    for owner in owners:
        repository.save(Cart(owner, {"BOOK-1": 1}), None, "2026-01-01T00:00:00Z", NOW + 3600)
    return owners


def items_by_table(dynamodb: Any, tables: list[str]) -> dict[str, dict[str, Any]]:
    return {name: {i["cartKey"]["S"]: i for i in dynamodb.scan(TableName=name)["Items"]} for name in tables}


def test_growing_moves_exactly_the_planned_keys_to_the_new_shard(dynamodb: Any) -> None:
    tables = ["carts-0", "carts-1", "carts-2"]
    owners = fill(dynamodb, tables[:2], 60)
    before = items_by_table(dynamodb, tables)
    planned = reshard_plan([owner.key for owner in owners], 2, 3)

    report = reshard(dynamodb, tables, 2, 3)

    after = items_by_table(dynamodb, tables)
    assert report.moved == len(planned) > 0 and report.skipped == []
    assert set(after["carts-2"]) == {move.key for move in planned}
    for name in tables[:2]:  # everything else stayed, untouched
        assert after[name] == {k: v for k, v in before[name].items() if k not in after["carts-2"]}
    grown = CartRepository(tables, dynamodb=dynamodb)
    assert all(grown.get(owner, NOW) is not None for owner in owners)
    assert reshard(dynamodb, tables, 2, 3).moved == 0  # a second run finds nothing to move


def test_shrinking_moves_the_last_shard_back(dynamodb: Any) -> None:
    tables = ["carts-0", "carts-1", "carts-2"]
    owners = fill(dynamodb, tables, 45)
    report = reshard(dynamodb, tables, 3, 2)
    assert report.moved > 0
    assert dynamodb.scan(TableName="carts-2")["Count"] == 0
    shrunk = CartRepository(tables[:2], dynamodb=dynamodb)
    assert all(shrunk.get(owner, NOW) is not None for owner in owners)


def test_a_cart_changed_during_the_move_is_skipped_not_lost(dynamodb: Any, monkeypatch: Any) -> None:
    tables = ["carts-0", "carts-1", "carts-2"]
    owners = fill(dynamodb, tables[:2], 30)
    moving = reshard_plan([owner.key for owner in owners], 2, 3)[0]
    source = tables[moving.from_shard]
    original_scan = dynamodb.scan

    def scan_then_write(**kwargs: Any) -> Any:
        page = original_scan(**kwargs)
        if kwargs["TableName"] == source:  # the user changes the cart right after we read it
            dynamodb.update_item(
                TableName=source,
                Key={"cartKey": {"S": moving.key}},
                UpdateExpression="SET version = version + :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
        return page

    monkeypatch.setattr(dynamodb, "scan", scan_then_write)
    report = reshard(dynamodb, tables, 2, 3)
    assert moving.key in report.skipped
    assert moving.key in {i["cartKey"]["S"] for i in original_scan(TableName=source)["Items"]}


def test_the_command_finds_the_stacks_shard_tables_in_order(dynamodb: Any, capsys: Any) -> None:
    assert shard_tables(["s-CartsShard1Table-X", "s-Products", "s-CartsShard0Table-Y"]) == [
        "s-CartsShard0Table-Y",
        "s-CartsShard1Table-X",
    ]
    fill(dynamodb, ["carts-0", "carts-1"], 20)
    assert main(["--from", "2", "--to", "3", "--tables", "carts-0,carts-1,carts-2", "--dry-run"]) == 0
    assert "would move" in capsys.readouterr().out
    assert dynamodb.scan(TableName="carts-2")["Count"] == 0
    assert main(["--from", "2", "--to", "4", "--tables", "carts-0,carts-1,carts-2"]) == 2
