"""The local DynamoDB applies transactions atomically under concurrent requests, as DynamoDB does.

moto 5.2.5 alone does not: a cancelled TransactWriteItems restores a copy of the table taken when it
began, erasing writes other requests committed meanwhile (concurrent stock reservations oversold).
The local cloud serializes DynamoDB requests; this test fails if that protection goes away.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from typing import Any

from botocore.exceptions import ClientError


def test_cancelled_transactions_never_erase_concurrent_commits(wiring: Any) -> None:
    dynamodb = wiring.client("dynamodb")
    table = f"atomicity-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    # bulk makes moto's whole-table snapshot slow enough for the race to show without the lock
    for start in range(0, 1000, 25):
        dynamodb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {"pk": {"S": f"filler-{n}"}, "payload": {"S": "x" * 200}}}}
            for n in range(start, start + 25)]})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "counter"}, "n": {"N": "0"}})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "present"}})
    increment = {"Update": {"TableName": table, "Key": {"pk": {"S": "counter"}},
                            "UpdateExpression": "SET n = n + :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}}
    cancelled_on_purpose = {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "present"}},
                                               "ConditionExpression": "attribute_not_exists(pk)"}}
    committed: list[int] = []
    cancelled: list[int] = []

    def client_loop() -> None:
        client = wiring.client("dynamodb")
        for _ in range(8):
            client.transact_write_items(TransactItems=[increment])
            committed.append(1)
            with contextlib.suppress(ClientError):
                client.transact_write_items(TransactItems=[cancelled_on_purpose])
                return  # never reached: the condition always fails
            cancelled.append(1)

    threads = [threading.Thread(target=client_loop) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]
    dynamodb.delete_table(TableName=table)
    assert len(cancelled) == 80
    assert int(item["n"]["N"]) == len(committed) == 80
