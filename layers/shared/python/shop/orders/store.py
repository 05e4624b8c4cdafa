"""The order event store: one DynamoDB item per event (pk orderId, sk version), append-only.

Appending at `expected_version + 1` with `attribute_not_exists(version)` is the optimistic
concurrency check: two commands that read the same version cannot both append. The table's stream
(NEW_IMAGE) is the outbox: the projector and the publisher read committed events from it, never a
second write. boto3's client is used because the conditions and the transaction read plainly.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env
from shop.orders.domain import NewEvent, StoredEvent


class ConcurrencyConflict(Exception):
    """Another command appended to this order since it was read: reload and decide again."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class OrderEventStore:
    def __init__(self, table_name: str | None = None, dynamodb: Any = None) -> None:
        self.table_name = table_name or require_env("ORDER_EVENTS_TABLE")
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        return self._dynamodb or client("dynamodb")

    def load(self, order_id: str) -> list[StoredEvent]:
        """Every event of the order, oldest first (a strongly consistent read)."""
        events: list[StoredEvent] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "orderId = :id",
            "ExpressionAttributeValues": {":id": {"S": order_id}},
            "ConsistentRead": True,
        }
        while True:
            page = self.dynamodb.query(**kwargs)
            events.extend(StoredEvent.from_item(_plain(item)) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return events
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def append(
        self,
        order_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        correlation_id: str | None = None,
        user_id: str | None = None,
    ) -> list[StoredEvent]:
        """Append `events` after `expected_version`, all or nothing; ConcurrencyConflict if it moved."""
        if not events:
            return []
        at = now_iso()
        stored = [
            StoredEvent(order_id, expected_version + i + 1, e.type, e.data, str(uuid.uuid4()), at, correlation_id)
            for i, e in enumerate(events)
        ]
        puts = [
            {
                "TableName": self.table_name,
                "Item": _item(event, user_id),
                "ConditionExpression": "attribute_not_exists(version)",
            }
            for event in stored
        ]
        try:
            if len(puts) == 1:
                self.dynamodb.put_item(**puts[0])
            else:
                self.dynamodb.transact_write_items(TransactItems=[{"Put": put} for put in puts])
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException",
                        "TransactionConflictException"):
                raise ConcurrencyConflict(f"order {order_id} moved past version {expected_version}") from err
            raise
        return stored


def _item(event: StoredEvent, user_id: str | None) -> dict[str, Any]:
    item = {
        "orderId": {"S": event.order_id},
        "version": {"N": str(event.version)},
        "type": {"S": event.type},
        "data": {"S": json.dumps(event.data, separators=(",", ":"))},
        "eventId": {"S": event.event_id},
        "at": {"S": event.at},
    }
    if event.correlation_id:
        item["correlationId"] = {"S": event.correlation_id}
    if user_id:
        item["userId"] = {"S": user_id}
    return item


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A low-level DynamoDB item (only S and N attributes here) as plain values."""
    return {name: value.get("S", value.get("N")) for name, value in item.items()}


def stored_event_from_image(image: dict[str, Any]) -> StoredEvent:
    """A stream record's NewImage (low-level form) as a StoredEvent."""
    return StoredEvent.from_item(_plain(image))
