"""Read models of orders in OrdersTable: the order as the customer sees it, and orders by user (GSI).

Written only by the projector from the event store's stream. A write carries the version of the
last event it folded and lands only over an older one, so duplicate and out-of-order stream
deliveries cannot roll a view back.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env
from shop.errors import NotFound

BY_USER_INDEX = "byUser"


class InvalidCursor(NotFound):
    """A cursor this API did not issue (for this caller): no page is there, as for any unknown id."""

    code = "UNKNOWN_CURSOR"


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    plain = {name: value["S"] for name, value in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, user_id: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this API issued") from None
    if not isinstance(plain, dict) or set(plain) != {"orderId", "userId", "createdAt"} or plain["userId"] != user_id:
        raise InvalidCursor("cursor is not one this API issued")
    return {name: {"S": str(value)} for name, value in plain.items()}


class OrderViews:
    def __init__(self, table_name: str | None = None, dynamodb: Any = None) -> None:
        self.table_name = table_name or require_env("ORDERS_TABLE")
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        return self._dynamodb or client("dynamodb")

    def put(self, view: dict[str, Any]) -> bool:
        """Store `view` unless a view of the same or a newer version is there; True when written."""
        item = {
            "orderId": {"S": view["orderId"]},
            "userId": {"S": view["userId"]},
            "createdAt": {"S": view["createdAt"]},
            "status": {"S": view["status"]},
            "version": {"N": str(view["version"])},
            "view": {"S": json.dumps(view, separators=(",", ":"))},
        }
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(orderId) OR version < :v",
                ExpressionAttributeValues={":v": {"N": str(view["version"])}},
            )
            return True
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise

    def get(self, order_id: str) -> dict[str, Any] | None:
        item = self.dynamodb.get_item(TableName=self.table_name, Key={"orderId": {"S": order_id}}).get("Item")
        return json.loads(item["view"]["S"]) if item else None

    def list_for_user(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """The user's orders, newest first, one page; the cursor of the next page or None."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": BY_USER_INDEX,
            "KeyConditionExpression": "userId = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = decode_cursor(cursor, user_id)
        page = self.dynamodb.query(**kwargs)
        views = [json.loads(item["view"]["S"]) for item in page.get("Items", [])]
        return views, encode_cursor(page.get("LastEvaluatedKey"))
