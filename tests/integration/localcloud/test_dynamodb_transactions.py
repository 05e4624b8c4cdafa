"""The local cloud's TransactWriteItems (no whole-table snapshots) keeps DynamoDB's semantics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from localcloud import dynamodb_transactions
from moto import mock_aws
from moto.dynamodb.models.table import Table


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    dynamodb_transactions.install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(
                TableName="stock", BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            )
            for sku, available in (("A", 5), ("B", 1)):
                client.put_item(TableName="stock", Item={"sku": {"S": sku}, "available": {"N": str(available)}})
            yield client
    finally:
        dynamodb_transactions.uninstall()


def take(sku: str, quantity: int) -> dict[str, Any]:
    return {"Update": {
        "TableName": "stock", "Key": {"sku": {"S": sku}},
        "UpdateExpression": "SET available = available - :q",
        "ConditionExpression": "available >= :q",
        "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }}


def available(client: Any, sku: str) -> int:
    return int(client.get_item(TableName="stock", Key={"sku": {"S": sku}})["Item"]["available"]["N"])


def test_all_conditions_hold_every_write_is_applied(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[take("A", 2), take("B", 1)])
    assert (available(dynamodb, "A"), available(dynamodb, "B")) == (3, 0)


def test_one_failed_condition_applies_nothing_and_names_the_item(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=[take("A", 2), take("B", 2)])
    reasons = cancelled.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
    assert reasons[1]["Item"]["available"] == {"N": "1"}
    assert (available(dynamodb, "A"), available(dynamodb, "B")) == (5, 1)


def test_two_operations_on_one_item_are_refused_as_moto_does(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[take("A", 1), take("A", 1)])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert available(dynamodb, "A") == 5


def test_tables_are_not_copied_but_the_old_image_of_an_update_is_kept(dynamodb: Any, monkeypatch) -> None:
    copied: list[Any] = []
    original = dynamodb_transactions.copy.deepcopy
    monkeypatch.setattr(dynamodb_transactions.copy, "deepcopy",
                        lambda value, memo=None: copied.append(type(value)) or original(value, memo))
    dynamodb.transact_write_items(TransactItems=[take("A", 2)])
    assert Table not in copied
    from moto.dynamodb.models import dynamodb_backends

    table = next(iter(dynamodb_backends.values()))["us-east-1"].get_table("stock")
    update = [r.to_json() for r in table.stream_shard.items if r.to_json()["eventName"] == "MODIFY"][-1]
    images = update["dynamodb"]
    assert (images["OldImage"]["available"], images["NewImage"]["available"]) == ({"N": "5"}, {"N": "3"})
