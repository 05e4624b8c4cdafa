"""The cost model: DynamoDB sizes and units by DynamoDB's rules, recorder parsing, list-price arithmetic."""

from __future__ import annotations

import base64
import json

import pytest

from tests.bench import cost


def test_item_size_counts_attribute_names_and_values() -> None:
    item = {"pk": {"S": "ORDER#1"}, "qty": {"N": "12"}, "ok": {"BOOL": True}}
    # "pk"+7, "qty"+(1 byte for two digits + 1), "ok"+1
    assert cost.item_size(item) == 2 + 7 + 3 + 2 + 2 + 1


def test_nested_maps_and_lists_carry_their_overhead() -> None:
    item = {"m": {"M": {"a": {"S": "xy"}}}, "l": {"L": [{"S": "z"}]}}
    assert cost.item_size(item) == (1 + 3 + 1 + 1 + 2) + (1 + 3 + 1 + 1)


def test_writes_round_up_per_kilobyte_and_transactions_double() -> None:
    assert cost.write_units(10) == 1
    assert cost.write_units(1025) == 2
    assert cost.write_units(1025, transactional=True) == 4


def test_reads_are_half_a_unit_per_4kb_unless_consistent() -> None:
    assert cost.read_units(100) == 0.5
    assert cost.read_units(100, consistent=True) == 1
    assert cost.read_units(4097) == 1
    assert cost.read_units(100, transactional=True) == 2


def _entry(target: str, body: dict, url: str = "http://127.0.0.1/") -> dict:
    return {"headers": {"X-Amz-Target": target}, "method": "POST", "url": url, "body": json.dumps(body),
            "body_encoded": False}


def test_recording_counts_units_events_and_emails() -> None:
    item = {"pk": {"S": "x" * 2000}}
    entries = [
        _entry("DynamoDB_20120810.PutItem", {"TableName": "orders", "Item": item}),
        _entry("DynamoDB_20120810.GetItem", {"TableName": "orders", "Key": {"pk": {"S": "a"}}, "ConsistentRead": True}),
        _entry("DynamoDB_20120810.TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "t", "Item": {"a": {"S": "b"}}}},
                                                                          {"Update": {"TableName": "t"}}]}),
        _entry("AWSEvents.PutEvents", {"Entries": [{}, {}, {}]}),
        {"headers": {}, "method": "POST", "url": "http://127.0.0.1/", "body_encoded": True,
         "body": base64.b64encode(b"Action=SendEmail&Source=a%40b.c").decode()},
        _entry("AWSStepFunctions.StartExecution", {"name": "o-1"}),
    ]
    replayed = []

    def replay(action: str, body: dict) -> dict:
        replayed.append(action)
        return {"Item": {"pk": {"S": "y" * 5000}}}

    activity = cost.summarize_recording(entries, replay=replay)
    assert activity.dynamodb.write == 2 + 2 + 2  # a 2 KB put; a transaction of two small items
    assert activity.dynamodb.read == 2  # a consistent read of a 5 KB item
    assert replayed == ["GetItem"]
    assert activity.eventbridge_entries == 3
    assert activity.ses_messages == 1
    assert activity.sfn_starts == 1
    assert activity.dynamodb.requests["PutItem orders"] == 1


def test_update_item_is_sized_by_reading_the_item_back() -> None:
    entry = _entry("DynamoDB_20120810.UpdateItem", {"TableName": "t", "Key": {"pk": {"S": "a"}}})
    activity = cost.summarize_recording([entry], replay=lambda action, body: {"Item": {"pk": {"S": "z" * 3000}}})
    assert activity.dynamodb.write == 3


PRICES = cost.load_prices()


def test_prices_file_names_its_date_and_region() -> None:
    assert PRICES["region"] == "us-east-1"
    assert PRICES["as_of"][:2] == "20"


def test_standard_pays_per_transition_and_express_per_request_and_duration() -> None:
    usage = cost.OrderUsage(sfn_transitions=8, sfn_executions=1, sfn_duration_ms=250)
    standard = cost.price_per_order(usage, PRICES, workflow="standard")["step_functions"]
    express = cost.price_per_order(usage, PRICES, workflow="express")["step_functions"]
    assert standard == pytest.approx(8 * 0.000025)
    # 250 ms bills 300 ms at 64 MB
    assert express == pytest.approx(0.000001 + 0.3 * (64 / 1024) * 0.00001667)


def test_price_per_million_orders_adds_every_line() -> None:
    usage = cost.OrderUsage(lambda_invocations=10, lambda_gb_seconds=0.5, dynamodb_read_units=4,
                            dynamodb_write_units=6, eventbridge_events=3, api_requests=4, ses_messages=1)
    million = cost.per_million_orders(usage, PRICES)["standard"]
    assert million["lambda_requests"] == pytest.approx(2.0)
    assert million["api_gateway"] == pytest.approx(14.0)
    assert million["ses"] == pytest.approx(100.0)
    parts = sum(v for k, v in million.items() if k != "total")
    assert million["total"] == pytest.approx(parts, abs=0.05)


def test_unknown_workflow_type_is_refused() -> None:
    with pytest.raises(ValueError):
        cost.price_per_order(cost.OrderUsage(), PRICES, workflow="batch")
