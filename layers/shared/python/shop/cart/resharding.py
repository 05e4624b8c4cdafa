"""Move carts between shard tables when the shard count changes: only the keys whose shard changes.

Jump consistent hash (shop.sharding) moves about 1/(N+1) of the keys when a shard is added, all of
them to the new one. Each move is one transaction: put on the new shard (if absent there) and
delete on the old one (if the cart's version is still the one read), so a cart written meanwhile
is never lost or duplicated; such a cart is skipped and moved by a second run or by its next write
(CART_PREVIOUS_SHARDS, see shop.cart.repository). Running it twice moves nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from shop.cart.repository import HASH_KEY
from shop.sharding import ShardRouter, reshard_plan


@dataclass
class ReshardReport:
    scanned: int = 0
    moved: int = 0
    skipped: list[str] = field(default_factory=list)  # changed while moving, or already on the new shard
    moves_by_shard: dict[tuple[int, int], int] = field(default_factory=dict)


def _scan(dynamodb: Any, table: str) -> Iterator[list[dict[str, Any]]]:
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**kwargs)
        yield page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def reshard(
    dynamodb: Any, tables: Sequence[str], from_shards: int, to_shards: int, *, dry_run: bool = False
) -> ReshardReport:
    """Move every cart of the first `from_shards` tables whose shard differs under `to_shards`."""
    if max(from_shards, to_shards) > len(tables):
        raise ValueError(f"{max(from_shards, to_shards)} shard tables needed, {len(tables)} given")
    old_router = ShardRouter(from_shards)
    report = ReshardReport()
    for shard in range(from_shards):
        for items in _scan(dynamodb, tables[shard]):
            report.scanned += len(items)
            by_key = {item[HASH_KEY]["S"]: item for item in items}
            # Only keys that live where the old layout says (a half-done earlier run leaves none astray).
            keys = [key for key in by_key if old_router.shard_for(key) == shard]
            for move in reshard_plan(keys, from_shards, to_shards):
                pair = (move.from_shard, move.to_shard)
                report.moves_by_shard[pair] = report.moves_by_shard.get(pair, 0) + 1
                if dry_run:
                    report.moved += 1
                    continue
                if _move(dynamodb, by_key[move.key], tables[move.from_shard], tables[move.to_shard]):
                    report.moved += 1
                else:
                    report.skipped.append(move.key)
    return report


def _move(dynamodb: Any, item: dict[str, Any], source: str, target: str) -> bool:
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": target,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(cartKey)",
                    }
                },
                {
                    "Delete": {
                        "TableName": source,
                        "Key": {HASH_KEY: item[HASH_KEY]},
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": {":v": item["version"]},
                    }
                },
            ]
        )
        return True
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in (
            "TransactionCanceledException",
            "TransactionConflictException",
        ):
            return False
        raise
