"""`SandboxStore` on one DynamoDB table, so a deployed sandbox keeps its state across Lambda containers.

Items (pk, sk): IDEM#<scope> / -; PM#<id> / -; AUTH#<id> / -; REF#<merchant>#<reference> / <auth id>;
LEDGER / <time>#<id> and LEDGER#<reference> / <time>#<id>; COUNTERS / -. Documents are JSON strings
(no Decimal conversions); `expiresAt` is the table's TTL attribute.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.exceptions import ClientError

from .store import (
    IN_FLIGHT_LEASE_SECONDS,
    AuthorizationNotFound,
    Claim,
    ClaimOutcome,
    PaymentMethodNotFound,
    StoredResponse,
)

T = TypeVar("T")
_NO_SORT = "-"
_MAX_OPTIMISTIC_ATTEMPTS = 10


def _conditional_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoDBStore:
    def __init__(self, table_name: str, client: Any = None) -> None:
        self._table_name = table_name
        self._client = client or boto3.client("dynamodb")

    def ensure_table(self) -> None:
        """Create the table (on demand, TTL on expiresAt) when it does not exist yet."""
        try:
            self._client.describe_table(TableName=self._table_name)
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
        self._client.create_table(
            TableName=self._table_name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        )
        self._client.get_waiter("table_exists").wait(TableName=self._table_name)
        self._client.update_time_to_live(
            TableName=self._table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"})

    # Idempotency keys: a conditional put is the per-key lock, held until finish or release.
    def claim_idempotency_key(self, scope: str, fingerprint: str, now: float, ttl_seconds: float) -> Claim:
        key = {"pk": {"S": f"IDEM#{scope}"}, "sk": {"S": _NO_SORT}}
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item={**key, "fingerprint": {"S": fingerprint}, "expiresAt": {"N": str(int(now + ttl_seconds))},
                      "lockedUntil": {"N": str(int(now + IN_FLIGHT_LEASE_SECONDS))}},
                ConditionExpression="attribute_not_exists(pk) OR expiresAt <= :now"
                                    " OR (attribute_not_exists(#r) AND lockedUntil <= :now)",
                ExpressionAttributeNames={"#r": "response"},
                ExpressionAttributeValues={":now": {"N": str(int(now))}},
            )
            return Claim(ClaimOutcome.STARTED)
        except ClientError as error:
            if not _conditional_failed(error):
                raise
        item = self._client.get_item(TableName=self._table_name, Key=key, ConsistentRead=True).get("Item")
        if item is None:  # released between our put and get: the caller may simply retry
            return Claim(ClaimOutcome.IN_PROGRESS)
        if "response" not in item:
            return Claim(ClaimOutcome.IN_PROGRESS)
        if item["fingerprint"]["S"] != fingerprint:
            return Claim(ClaimOutcome.MISMATCH)
        stored = json.loads(item["response"]["S"])
        return Claim(ClaimOutcome.REPLAY, StoredResponse(stored["status"], stored["body"]))

    def finish_idempotency_key(self, scope: str, response: StoredResponse) -> None:
        self._client.update_item(
            TableName=self._table_name, Key={"pk": {"S": f"IDEM#{scope}"}, "sk": {"S": _NO_SORT}},
            UpdateExpression="SET #r = :r",
            ExpressionAttributeNames={"#r": "response"},
            ExpressionAttributeValues={":r": {"S": json.dumps({"status": response.status, "body": response.body})}},
        )

    def release_idempotency_key(self, scope: str) -> None:
        self._client.delete_item(TableName=self._table_name,
                                 Key={"pk": {"S": f"IDEM#{scope}"}, "sk": {"S": _NO_SORT}})

    # Payment methods: written once; `usedAt` set by one conditional update (single use).
    def create_payment_method(self, payment_method: dict[str, Any]) -> None:
        self._client.put_item(TableName=self._table_name, Item={
            "pk": {"S": f"PM#{payment_method['id']}"}, "sk": {"S": _NO_SORT},
            "doc": {"S": json.dumps(payment_method)}}, ConditionExpression="attribute_not_exists(pk)")

    def get_payment_method(self, payment_method_id: str) -> dict[str, Any] | None:
        item = self._client.get_item(TableName=self._table_name, ConsistentRead=True,
                                     Key={"pk": {"S": f"PM#{payment_method_id}"}, "sk": {"S": _NO_SORT}}).get("Item")
        if item is None:
            return None
        document = json.loads(item["doc"]["S"])
        if "usedAt" in item:
            document["usedAt"] = item["usedAt"]["S"]
        return document

    def use_payment_method(self, payment_method_id: str, used_at: str) -> bool:
        try:
            self._client.update_item(
                TableName=self._table_name, Key={"pk": {"S": f"PM#{payment_method_id}"}, "sk": {"S": _NO_SORT}},
                UpdateExpression="SET usedAt = :at",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(usedAt)",
                ExpressionAttributeValues={":at": {"S": used_at}})
            return True
        except ClientError as error:
            if not _conditional_failed(error):
                raise
        if self.get_payment_method(payment_method_id) is None:
            raise PaymentMethodNotFound(payment_method_id)
        return False

    # Authorizations: versioned documents, changed by optimistic concurrency.
    def create_authorization(self, authorization: dict[str, Any]) -> None:
        self._put_authorization(authorization, version=1, expected=None)
        self._client.put_item(TableName=self._table_name, Item={
            "pk": {"S": f"REF#{authorization['merchant']}#{authorization['reference']}"},
            "sk": {"S": authorization["id"]}})

    def get_authorization(self, authorization_id: str) -> dict[str, Any] | None:
        found = self._get_versioned(authorization_id)
        return found[0] if found else None

    def update_authorization(self, authorization_id: str, change: Callable[[dict[str, Any]], T]) -> T:
        for _ in range(_MAX_OPTIMISTIC_ATTEMPTS):
            found = self._get_versioned(authorization_id)
            if found is None:
                raise AuthorizationNotFound(authorization_id)
            draft, version = found
            result = change(draft)
            try:
                self._put_authorization(draft, version=version + 1, expected=version)
                return result
            except ClientError as error:
                if not _conditional_failed(error):
                    raise
        raise RuntimeError(f"authorization {authorization_id} kept changing under us")

    def find_authorizations(self, merchant: str, reference: str | None) -> list[dict[str, Any]]:
        if reference is None:
            items = self._scan_prefix("AUTH#")
            docs = [json.loads(i["doc"]["S"]) for i in items]
            return [d for d in docs if d["merchant"] == merchant]
        ids = [i["sk"]["S"] for i in self._query(f"REF#{merchant}#{reference}")]
        return [a for a in (self.get_authorization(i) for i in ids) if a is not None]

    def append_ledger(self, entry: dict[str, Any]) -> None:
        sort = f"{entry['createdAt']}#{entry['id']}"
        for partition in ("LEDGER", f"LEDGER#{entry['reference']}"):
            self._client.put_item(TableName=self._table_name, Item={
                "pk": {"S": partition}, "sk": {"S": sort}, "doc": {"S": json.dumps(entry)}})

    def ledger(self, reference: str | None = None) -> list[dict[str, Any]]:
        partition = "LEDGER" if reference is None else f"LEDGER#{reference}"
        return [json.loads(i["doc"]["S"]) for i in self._query(partition)]

    def count(self, counter: str, by: int = 1) -> None:
        self._client.update_item(
            TableName=self._table_name, Key={"pk": {"S": "COUNTERS"}, "sk": {"S": _NO_SORT}},
            UpdateExpression="ADD #c :n", ExpressionAttributeNames={"#c": counter},
            ExpressionAttributeValues={":n": {"N": str(by)}})

    def counters(self) -> dict[str, int]:
        item = self._client.get_item(TableName=self._table_name, ConsistentRead=True,
                                     Key={"pk": {"S": "COUNTERS"}, "sk": {"S": _NO_SORT}}).get("Item", {})
        return {name: int(value["N"]) for name, value in item.items() if "N" in value}

    def reset(self) -> None:
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table_name, ProjectionExpression="pk, sk"):
            for item in page.get("Items", []):
                self._client.delete_item(TableName=self._table_name, Key={"pk": item["pk"], "sk": item["sk"]})

    def _put_authorization(self, authorization: dict[str, Any], version: int, expected: int | None) -> None:
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"} if expected is None else
            {"ConditionExpression": "version = :expected",
             "ExpressionAttributeValues": {":expected": {"N": str(expected)}}})
        self._client.put_item(TableName=self._table_name, Item={
            "pk": {"S": f"AUTH#{authorization['id']}"}, "sk": {"S": _NO_SORT},
            "doc": {"S": json.dumps(authorization)}, "version": {"N": str(version)},
            "updatedAt": {"N": str(int(time.time()))}}, **condition)

    def _get_versioned(self, authorization_id: str) -> tuple[dict[str, Any], int] | None:
        item = self._client.get_item(TableName=self._table_name, ConsistentRead=True,
                                     Key={"pk": {"S": f"AUTH#{authorization_id}"}, "sk": {"S": _NO_SORT}}).get("Item")
        if item is None:
            return None
        return json.loads(item["doc"]["S"]), int(item["version"]["N"])

    def _query(self, partition: str) -> list[dict[str, Any]]:
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(TableName=self._table_name, ConsistentRead=True,
                                   KeyConditionExpression="pk = :pk",
                                   ExpressionAttributeValues={":pk": {"S": partition}})
        return [item for page in pages for item in page.get("Items", [])]

    def _scan_prefix(self, prefix: str) -> list[dict[str, Any]]:
        paginator = self._client.get_paginator("scan")
        pages = paginator.paginate(TableName=self._table_name, FilterExpression="begins_with(pk, :p)",
                                   ExpressionAttributeValues={":p": {"S": prefix}})
        return [item for page in pages for item in page.get("Items", [])]
