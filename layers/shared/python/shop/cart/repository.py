"""DynamoDB adapter of carts: one item per cart, on one of N shard tables chosen by the ShardRouter.

Why N tables: each shard is a table with its own throughput, limits, backups and blast radius,
and can later move to its own account or region. CART_TABLES lists the shard tables in shard
order; `ShardRouter(N)` (jump consistent hash of the cart key) picks the table.

Resharding online: deploy with the new CART_TABLES and CART_PREVIOUS_SHARDS=<old N>; a read that
misses on the new shard looks in the old one, and the next write moves the cart (put on the new
shard + delete on the old, one transaction). `python -m scripts.reshard_carts --from N --to M`
moves the rest (only the keys whose shard changes), after which CART_PREVIOUS_SHARDS is dropped.

Item: cartKey (hash key), lines [{sku, quantity}], version, updatedAt, expiresAt (TTL, epoch s).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.cart.domain import Cart, CartOwner
from shop.config import env_int, require_env
from shop.sharding import ShardRouter

HASH_KEY = "cartKey"


class VersionConflict(Exception):
    """The cart changed since it was read (a parallel request won): read it again and retry."""


def cart_tables_from_env() -> list[str]:
    return [name.strip() for name in require_env("CART_TABLES").split(",") if name.strip()]


class CartRepository:
    def __init__(
        self,
        table_names: Sequence[str] | None = None,
        *,
        previous_shards: int | None = None,
        dynamodb: Any = None,
    ) -> None:
        self.tables = list(table_names or cart_tables_from_env())
        self.router = ShardRouter(len(self.tables))
        previous = previous_shards if previous_shards is not None else env_int("CART_PREVIOUS_SHARDS", 0)
        self.previous_router = ShardRouter(previous) if previous and previous != len(self.tables) else None
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        return self._dynamodb or client("dynamodb")

    def table_for(self, owner: CartOwner) -> str:
        return self.tables[self.router.shard_for(owner.key)]

    def get(self, owner: CartOwner, now_epoch: int) -> tuple[Cart, str] | None:
        """The cart and the table it is on (None when absent or past its expiry)."""
        locations = [self.table_for(owner)]
        if self.previous_router is not None:
            old = self.tables[self.previous_router.shard_for(owner.key)]
            if old not in locations:
                locations.append(old)
        for table in locations:
            item = self.dynamodb.get_item(
                TableName=table, Key={HASH_KEY: {"S": owner.key}}, ConsistentRead=True
            ).get("Item")
            # TTL deletes lazily (up to days later): an expired cart is treated as gone now.
            if item and int(item.get("expiresAt", {"N": "0"})["N"]) > now_epoch:
                return _cart_from_item(owner, item), table
        return None

    def save(self, cart: Cart, found_on: str | None, now: str, expires_at: int) -> None:
        """Write the cart if its version is still the one read (moving it to its shard if needed)."""
        table = self.table_for(cart.owner)
        put = self._put(cart, table, now, expires_at)
        if found_on is None or found_on == table:
            self._write([{"Put": put}])
        else:
            self._write(
                [
                    {"Put": {**put, "ConditionExpression": "attribute_not_exists(cartKey)"}},
                    {"Delete": self._delete(cart, found_on)},
                ]
            )
        cart.version += 1
        cart.updated_at = now

    def delete(self, cart: Cart, found_on: str) -> None:
        self._write([{"Delete": self._delete(cart, found_on)}])

    def save_and_delete(
        self, target: Cart, target_on: str | None, source: Cart, source_on: str, now: str, expires_at: int
    ) -> None:
        """Write `target` and delete `source` in one transaction (merging an anonymous cart)."""
        table = self.table_for(target.owner)
        items: list[dict[str, Any]] = [{"Put": self._put(target, table, now, expires_at)}]
        if target_on is not None and target_on != table:
            items[0]["Put"]["ConditionExpression"] = "attribute_not_exists(cartKey)"
            items.append({"Delete": self._delete(target, target_on)})
        items.append({"Delete": self._delete(source, source_on)})
        self._write(items)
        target.version += 1
        target.updated_at = now

    # ------------------------------------------------------------------ helpers

    def _put(self, cart: Cart, table: str, now: str, expires_at: int) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": table,
            "Item": {
                HASH_KEY: {"S": cart.owner.key},
                "lines": {
                    "L": [
                        {"M": {"sku": {"S": sku}, "quantity": {"N": str(quantity)}}}
                        for sku, quantity in cart.lines.items()
                    ]
                },
                "version": {"N": str(cart.version + 1)},
                "updatedAt": {"S": now},
                "expiresAt": {"N": str(expires_at)},
            },
        }
        if cart.version == 0:
            put["ConditionExpression"] = "attribute_not_exists(cartKey)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(cart.version)}}
        return put

    def _delete(self, cart: Cart, table: str) -> dict[str, Any]:
        return {
            "TableName": table,
            "Key": {HASH_KEY: {"S": cart.owner.key}},
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": {"N": str(cart.version)}},
        }

    def _write(self, items: list[dict[str, Any]]) -> None:
        try:
            if len(items) == 1 and "Put" in items[0]:
                self.dynamodb.put_item(**items[0]["Put"])
            elif len(items) == 1:
                self.dynamodb.delete_item(**items[0]["Delete"])
            else:
                self.dynamodb.transact_write_items(TransactItems=items)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code in (
                "ConditionalCheckFailedException",
                "TransactionCanceledException",
                "TransactionConflictException",
            ):
                raise VersionConflict(str(err)) from err
            raise


def _cart_from_item(owner: CartOwner, item: dict[str, Any]) -> Cart:
    lines = {
        line["M"]["sku"]["S"]: int(line["M"]["quantity"]["N"]) for line in item.get("lines", {}).get("L", [])
    }
    return Cart(owner, lines, int(item["version"]["N"]), item.get("updatedAt", {}).get("S"))
