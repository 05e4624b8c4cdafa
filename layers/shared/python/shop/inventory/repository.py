"""DynamoDB adapter of the inventory: one table, counters and reservations, every change conditional.

Layout of INVENTORY_TABLE (pk, sk):
- `<sku>`, `STOCK`               main counter: available, reserved, shards (K), updatedAt
- `<sku>`, `STOCK#<i>`           sub-counter i of a hot SKU (available, reserved)
- `ORDER#<orderId>`, `RESERVATION`  one reservation per order: status, lines, parts (the counter
                                  items it holds units on), expiresAt; `pending` (GSI byExpiry hash
                                  key) only while RESERVED, so the expiry query reads only live ones.
SKUs never contain '#', so the two kinds of partition cannot collide.
boto3's low-level client is used (not pynamodb): conditions and transactions read plainly here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env
from shop.inventory.domain import MAIN_COUNTER, Counter, Part

RESERVATION_SK = "RESERVATION"
PENDING = "RESERVED"
EXPIRY_INDEX = "byExpiry"
FINISHED_RESERVATION_TTL_S = 30 * 24 * 3600  # kept a month for audits and late duplicate steps


class TransactionCancelled(Exception):
    """A transaction refused by a condition or a conflict; `reasons[i]` is the code of item i."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons

    def failed_at(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] not in ("None", "", None)


@dataclass
class SkuCounters:
    """Every counter item of one SKU, read together."""

    sku: str
    shards: int
    counters: dict[str, Counter]
    updated_at: str | None = None

    @property
    def available(self) -> int:
        return sum(c.available for c in self.counters.values())

    @property
    def reserved(self) -> int:
        return sum(c.reserved for c in self.counters.values())


@dataclass
class Reservation:
    order_id: str
    status: str
    lines: list[tuple[str, int]]
    parts: list[Part]
    expires_at: int
    created_at: str = ""


def _n(value: int) -> dict[str, str]:
    return {"N": str(int(value))}


def _s(value: str) -> dict[str, str]:
    return {"S": value}


class InventoryRepository:
    def __init__(self, table_name: str | None = None, dynamodb: Any = None) -> None:
        self.table_name = table_name or require_env("INVENTORY_TABLE")
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        return self._dynamodb or client("dynamodb")

    # ------------------------------------------------------------------ counters

    def read_counters(self, sku: str, *, consistent: bool = True) -> SkuCounters | None:
        """The SKU's counter items (None when the SKU has no stock record)."""
        response = self.dynamodb.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": _s(sku), ":prefix": _s(MAIN_COUNTER)},
            ConsistentRead=consistent,
        )
        items = response.get("Items", [])
        main = next((item for item in items if item["sk"]["S"] == MAIN_COUNTER), None)
        if main is None:
            return None
        counters = {
            item["sk"]["S"]: Counter(
                item["sk"]["S"],
                int(item.get("available", {"N": "0"})["N"]),
                int(item.get("reserved", {"N": "0"})["N"]),
            )
            for item in items
        }
        return SkuCounters(
            sku, int(main.get("shards", {"N": "1"})["N"]), counters, main.get("updatedAt", {}).get("S")
        )

    def create_stock(self, sku: str, available: int, now: str) -> bool:
        """Create the main counter; False when it exists already."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item={
                    "pk": _s(sku),
                    "sk": _s(MAIN_COUNTER),
                    "available": _n(available),
                    "reserved": _n(0),
                    "shards": _n(1),
                    "updatedAt": _s(now),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except ClientError as err:
            if _code(err) == "ConditionalCheckFailedException":
                return False
            raise

    def rewrite_layout(
        self, current: SkuCounters, targets: dict[str, int], shards: int, now: str, change: str
    ) -> None:
        """Set each counter's available to its target, if nothing changed since `current` was read.

        Raises TransactionCancelled when another writer got there first (the caller re-reads).
        """
        items = []
        for sk, available in targets.items():
            seen = current.counters.get(sk)
            names = {"#a": "available", "#r": "reserved", "#u": "updatedAt", "#c": "change"}
            values: dict[str, Any] = {":a": _n(available), ":zero": _n(0), ":now": _s(now), ":c": _s(change)}
            update = "SET #a = :a, #r = if_not_exists(#r, :zero), #u = :now, #c = :c"
            if seen is None:
                condition = "attribute_not_exists(pk)"
            else:
                condition = "#a = :seen"
                values[":seen"] = _n(seen.available)
            if sk == MAIN_COUNTER:
                names["#k"] = "shards"
                values[":k"], values[":oldk"] = _n(shards), _n(current.shards)
                update += ", #k = :k"
                condition += " AND #k = :oldk"
            items.append(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": {"pk": _s(current.sku), "sk": _s(sk)},
                        "UpdateExpression": update,
                        "ConditionExpression": condition,
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        self._transact(items)

    def add_available(self, sku: str, sk: str, quantity: int, shards: int, now: str, change: str) -> None:
        """Add units to one counter, provided the SKU still has `shards` sub-counters."""
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"pk": _s(sku), "sk": _s(sk)},
                    "UpdateExpression": "ADD #a :q SET #u = :now, #c = :c",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#a": "available", "#u": "updatedAt", "#c": "change"},
                    "ExpressionAttributeValues": {":q": _n(quantity), ":now": _s(now), ":c": _s(change)},
                }
            }
        ]
        guard = {
            "TableName": self.table_name,
            "Key": {"pk": _s(sku), "sk": _s(MAIN_COUNTER)},
            "ConditionExpression": "shards = :k",
            "ExpressionAttributeValues": {":k": _n(shards)},
        }
        if sk == MAIN_COUNTER:
            update = items[0]["Update"]
            update["ConditionExpression"] += " AND shards = :k"
            update["ExpressionAttributeValues"][":k"] = _n(shards)
        else:
            # A resharding in between would strand these units outside the layout: check K is unchanged.
            items.append({"ConditionCheck": guard})
        self._transact(items)

    # ------------------------------------------------------------------ reservations

    def get_reservation(self, order_id: str) -> Reservation | None:
        item = self.dynamodb.get_item(
            TableName=self.table_name,
            Key={"pk": _s(_order_pk(order_id)), "sk": _s(RESERVATION_SK)},
            ConsistentRead=True,
        ).get("Item")
        return _reservation_from_item(item) if item else None

    def reserve(self, reservation: Reservation, now: str, expiry_ttl: int) -> None:
        """Take every part's units and record the reservation, all or nothing.

        Raises TransactionCancelled: index len(parts) failing means the order is reserved already.
        """
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"pk": _s(part.sku), "sk": _s(part.sk)},
                    # The condition is what keeps stock >= 0 whatever runs concurrently.
                    "UpdateExpression": "SET #a = #a - :q, #r = #r + :q, #u = :now, #c = :c",
                    "ConditionExpression": "attribute_exists(pk) AND #a >= :q",
                    "ExpressionAttributeNames": {
                        "#a": "available",
                        "#r": "reserved",
                        "#u": "updatedAt",
                        "#c": "change",
                    },
                    "ExpressionAttributeValues": {
                        ":q": _n(part.quantity),
                        ":now": _s(now),
                        ":c": _s(f"reserve {reservation.order_id}"),
                    },
                }
            }
            for part in reservation.parts
        ]
        items.append(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": {
                        "pk": _s(_order_pk(reservation.order_id)),
                        "sk": _s(RESERVATION_SK),
                        "orderId": _s(reservation.order_id),
                        "status": _s(PENDING),
                        "pending": _s(PENDING),
                        "lines": _s(json.dumps(reservation.lines)),
                        "parts": _s(json.dumps([[p.sku, p.sk, p.quantity] for p in reservation.parts])),
                        "expiresAt": _n(reservation.expires_at),
                        "createdAt": _s(now),
                        "ttl": _n(reservation.expires_at + expiry_ttl),
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
        self._transact(items)

    def finish(self, reservation: Reservation, status: str, now: str, now_epoch: int, reason: str) -> None:
        """RESERVED -> COMMITTED (units leave) or RELEASED (units back to available), all or nothing.

        Raises TransactionCancelled (index 0: the reservation is no longer RESERVED).
        """
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"pk": _s(_order_pk(reservation.order_id)), "sk": _s(RESERVATION_SK)},
                    "UpdateExpression": (
                        "SET #s = :status, finishedAt = :now, finishReason = :reason, #ttl = :ttl REMOVE pending"
                    ),
                    "ConditionExpression": "#s = :reserved",
                    "ExpressionAttributeNames": {"#s": "status", "#ttl": "ttl"},
                    "ExpressionAttributeValues": {
                        ":status": _s(status),
                        ":reserved": _s(PENDING),
                        ":now": _s(now),
                        ":reason": _s(reason),
                        ":ttl": _n(now_epoch + FINISHED_RESERVATION_TTL_S),
                    },
                }
            }
        ]
        give_back = "SET #r = #r - :q, #u = :now, #c = :c" + (
            ", #a = #a + :q" if status == "RELEASED" else ""
        )
        change = f"{reason} {reservation.order_id}"
        for part in reservation.parts:
            names = {"#r": "reserved", "#u": "updatedAt", "#c": "change"}
            if status == "RELEASED":
                names["#a"] = "available"
            items.append(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": {"pk": _s(part.sku), "sk": _s(part.sk)},
                        "UpdateExpression": give_back,
                        "ConditionExpression": "#r >= :q",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": {
                            ":q": _n(part.quantity),
                            ":now": _s(now),
                            ":c": _s(change),
                        },
                    }
                }
            )
        self._transact(items)

    def stale_reservation_ids(self, now_epoch: int, limit: int = 100) -> list[str]:
        """Order ids of RESERVED reservations whose expiresAt has passed (oldest first)."""
        response = self.dynamodb.query(
            TableName=self.table_name,
            IndexName=EXPIRY_INDEX,
            KeyConditionExpression="pending = :p AND expiresAt <= :now",
            ExpressionAttributeValues={":p": _s(PENDING), ":now": _n(now_epoch)},
            Limit=limit,
        )
        # The index projects keys only: the order id is the partition key without its prefix.
        return [item["pk"]["S"].removeprefix("ORDER#") for item in response.get("Items", [])]

    # ------------------------------------------------------------------ helpers

    def _transact(self, items: Sequence[dict[str, Any]]) -> None:
        try:
            self.dynamodb.transact_write_items(TransactItems=list(items))
        except ClientError as err:
            if _code(err) == "TransactionCanceledException":
                raise TransactionCancelled(_cancellation_reasons(err, len(items))) from err
            if _code(err) in ("TransactionConflictException", "ConditionalCheckFailedException"):
                raise TransactionCancelled(["TransactionConflict"] * len(items)) from err
            raise


def _order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _cancellation_reasons(err: ClientError, count: int) -> list[str]:
    reasons = err.response.get("CancellationReasons")
    if reasons:
        return [str(reason.get("Code", "None")) for reason in reasons]
    # Some emulators only list the reasons in the message: "... [ConditionalCheckFailed, None]".
    message = str(err.response.get("Error", {}).get("Message", ""))
    if "[" in message and message.endswith("]"):
        listed = [part.strip() for part in message[message.rindex("[") + 1 : -1].split(",")]
        if len(listed) == count:
            return listed
    return ["Unknown"] * count


def _reservation_from_item(item: dict[str, Any]) -> Reservation:
    return Reservation(
        order_id=item["orderId"]["S"],
        status=item["status"]["S"],
        lines=[(sku, int(quantity)) for sku, quantity in json.loads(item["lines"]["S"])],
        parts=[Part(sku, sk, int(quantity)) for sku, sk, quantity in json.loads(item["parts"]["S"])],
        expires_at=int(item["expiresAt"]["N"]),
        created_at=item.get("createdAt", {}).get("S", ""),
    )
