"""Consuming events: each event id processed once (moto DynamoDB), typed parsing, stream images."""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from conftest_events import REGION, FakeLambdaContext, order_created
from pydantic import ValidationError
from shop.events import OrderConfirmed, OrderCreated, UnknownEventType, make_event
from shop.events.consume import idempotent_consumer, parse_event, stream_images

TABLE = "idempotency"


@pytest.fixture
def idempotency_table(aws, monkeypatch):  # noqa: F811
    """The table Powertools idempotency expects: partition key `id`, TTL on `expiration`."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("IDEMPOTENCY_TABLE", TABLE)
    return dynamodb


def eventbridge_event(envelope) -> dict:
    """The event EventBridge hands a Lambda target for `envelope`."""
    return {
        "version": "0",
        "id": "eb-1",
        "detail-type": envelope.type,
        "source": envelope.source,
        "account": "123456789012",
        "time": "2026-01-15T10:30:00Z",
        "region": REGION,
        "resources": [],
        "detail": json.loads(envelope.model_dump_json()),
    }


@pytest.mark.filterwarnings("ignore:Couldn.t determine the remaining time")
def test_duplicate_delivery_is_processed_once_and_gets_the_first_result(idempotency_table):
    effects: list[str] = []

    @idempotent_consumer
    def send_confirmation(event):
        effects.append(event.data.order_id)
        return {"sent": event.data.order_id}

    envelope = make_event(order_created("o-7"), correlation_id="c")
    first = send_confirmation(parse_event(eventbridge_event(envelope)))
    again = send_confirmation(parse_event(eventbridge_event(envelope)))
    assert effects == ["o-7"]
    assert first == again == {"sent": "o-7"}
    assert idempotency_table.scan(TableName=TABLE)["Count"] == 1


@pytest.mark.filterwarnings("ignore:Couldn.t determine the remaining time")
def test_different_event_ids_are_each_processed(idempotency_table):
    effects: list[str] = []

    @idempotent_consumer
    def consume(event):
        effects.append(event.event_id)
        return None

    one, two = (make_event(order_created("o-8"), correlation_id="c") for _ in range(2))
    consume(one)
    consume(two)
    consume(one)
    assert effects == [one.event_id, two.event_id]


@pytest.mark.filterwarnings("ignore:Couldn.t determine the remaining time")
def test_raw_eventbridge_event_is_keyed_on_detail_event_id(idempotency_table):
    effects: list[str] = []

    @idempotent_consumer(table_name=TABLE)
    def consume(event, tag):
        effects.append(tag)
        return tag

    raw = eventbridge_event(make_event(order_created("o-9"), correlation_id="c"))
    assert consume(raw, "first") == "first"
    assert consume({**raw, "id": "eb-redelivered"}, "second") == "first"
    assert effects == ["first"]


@pytest.mark.filterwarnings("ignore:Couldn.t determine the remaining time")
def test_failed_processing_is_not_remembered_so_the_redelivery_runs(idempotency_table):
    attempts: list[int] = []

    @idempotent_consumer
    def consume(event):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("mail server down")
        return "sent"

    envelope = make_event(order_created("o-10"), correlation_id="c")
    with pytest.raises(RuntimeError):
        consume(envelope)
    assert consume(envelope) == "sent"
    assert len(attempts) == 2


# ------------------------------------------------------------------ parsing


def test_parse_event_picks_the_model_from_detail_type():
    envelope = make_event(OrderConfirmed(order_id="o", user_id="u", items=order_created().items, total=2500))
    parsed = parse_event(eventbridge_event(envelope))
    assert isinstance(parsed.data, OrderConfirmed)
    assert parsed == envelope


def test_parse_event_refuses_a_detail_type_that_disagrees_with_the_envelope():
    event = eventbridge_event(make_event(order_created()))
    event["detail-type"] = "OrderConfirmed"
    with pytest.raises((UnknownEventType, ValidationError)):
        parse_event(event)
    with pytest.raises(UnknownEventType):
        parse_event(event, OrderCreated)


def test_parse_event_reports_invalid_data():
    event = eventbridge_event(make_event(order_created()))
    event["detail"]["data"]["total"] = -1
    with pytest.raises(ValidationError):
        parse_event(event, OrderCreated)


# ------------------------------------------------------------------ DynamoDB streams


def _image(item: dict) -> dict:
    serializer = TypeSerializer()
    return {key: serializer.serialize(value) for key, value in item.items()}


def test_stream_record_gives_old_and_new_images_as_plain_dicts():
    old = {"sku": "MUG-1", "available": Decimal(5), "tags": ["a"], "price": Decimal("12.5")}
    new = {**old, "available": Decimal(3)}
    record = {"eventName": "MODIFY", "dynamodb": {"OldImage": _image(old), "NewImage": _image(new)}}
    before, after = stream_images(record)
    assert before == {"sku": "MUG-1", "available": 5, "tags": ["a"], "price": 12.5}
    assert after["available"] == 3
    assert isinstance(after["available"], int)


def test_insert_has_no_old_image_and_remove_no_new_image():
    item = _image({"sku": "MUG-1"})
    assert stream_images({"eventName": "INSERT", "dynamodb": {"NewImage": item}}) == (None, {"sku": "MUG-1"})
    assert stream_images({"eventName": "REMOVE", "dynamodb": {"OldImage": item}}) == ({"sku": "MUG-1"}, None)


def test_under_instrument_an_in_progress_record_expires_with_the_invocation(idempotency_table):
    from shop.observability import instrument

    seen: dict = {}

    @idempotent_consumer
    def consume(event):
        [item] = idempotency_table.scan(TableName=TABLE)["Items"]
        seen.update(item)
        return "done"

    @instrument
    def handler(event, context):
        return consume(parse_event(event))

    assert handler(eventbridge_event(make_event(order_created("o-11"))), FakeLambdaContext()) == "done"
    assert seen["status"]["S"] == "INPROGRESS"
    assert "in_progress_expiration" in seen
