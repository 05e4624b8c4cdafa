"""Publishing to EventBridge: batches of 10, per-entry retries, size limits, a rule -> SQS round trip."""

from __future__ import annotations

import json

import boto3
import pytest
from conftest_events import REGION, order_created
from shop.events import EventPublisher, OrderCreated, PublishError, make_event
from shop.events.consume import parse_event, parse_sqs_events
from shop.events.publisher import MAX_ENTRY_BYTES, entry_size

BUS = "shop-test-events"


class RecordingClient:
    """Wraps a real (moto) client and records each PutEvents call's entries."""

    def __init__(self, client):
        self._client = client
        self.calls: list[list[dict]] = []

    def put_events(self, Entries):  # noqa: N803  (boto3's parameter name)
        self.calls.append(Entries)
        return self._client.put_events(Entries=Entries)


class FlakyClient:
    """A stub PutEvents that fails chosen entries (by event id) a number of times, then accepts them."""

    def __init__(self, failures: dict[str, list[str]]):
        self.failures = failures  # event id -> error codes to answer, one per attempt
        self.calls: list[list[str]] = []

    def put_events(self, Entries):  # noqa: N803
        ids = [json.loads(entry["Detail"])["eventId"] for entry in Entries]
        self.calls.append(ids)
        results = []
        for event_id in ids:
            codes = self.failures.get(event_id) or []
            if codes:
                code = codes.pop(0)
                results.append({"ErrorCode": code, "ErrorMessage": f"{code} for {event_id}"})
            else:
                results.append({"EventId": f"eb-{event_id}"})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def events(count: int):
    return [make_event(order_created(f"o-{n}"), correlation_id="c") for n in range(count)]


@pytest.fixture
def bus_with_queue(aws):  # noqa: F811
    """A custom bus whose rule on shop.order events targets an SQS queue."""
    eventbridge = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    eventbridge.create_event_bus(Name=BUS)
    queue_url = sqs.create_queue(QueueName="order-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    eventbridge.put_rule(Name="orders", EventBusName=BUS, EventPattern=json.dumps({"source": ["shop.order"]}))
    eventbridge.put_targets(Rule="orders", EventBusName=BUS, Targets=[{"Id": "q", "Arn": queue_arn}])
    return eventbridge, sqs, queue_url


def receive_all(sqs, queue_url, expected: int) -> list[dict]:
    messages: list[dict] = []
    for _ in range(10):
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        messages += batch
        if len(messages) >= expected or not batch:
            break
    return messages


def test_publishing_25_events_makes_batches_of_at_most_10(bus_with_queue):
    eventbridge, sqs, queue_url = bus_with_queue
    client = RecordingClient(eventbridge)
    published = events(25)
    ids = EventPublisher(BUS, client).publish(published)
    assert [len(call) for call in client.calls] == [10, 10, 5]
    assert ids == [event.event_id for event in published]
    assert {entry["EventBusName"] for call in client.calls for entry in call} == {BUS}
    assert len(receive_all(sqs, queue_url, 25)) == 25


def test_event_round_trips_through_a_rule_to_sqs_and_parses_back(bus_with_queue):
    _, sqs, queue_url = bus_with_queue
    sent = make_event(order_created("o-rt", quantity=3), correlation_id="corr-rt")
    EventPublisher(BUS).publish(sent)
    [message] = receive_all(sqs, queue_url, 1)
    delivered = json.loads(message["Body"])
    assert delivered["detail-type"] == "OrderCreated"
    assert delivered["source"] == "shop.order"
    received = parse_event(delivered, OrderCreated)
    assert received == sent
    assert parse_sqs_events({"Records": [{"body": message["Body"]}]}) == [sent]


def test_bus_name_comes_from_environment(bus_with_queue, monkeypatch):
    monkeypatch.setenv("EVENT_BUS_NAME", BUS)
    assert EventPublisher().bus_name == BUS


def test_only_failed_entries_are_retried_until_accepted():
    batch = events(4)
    flaky = {
        batch[1].event_id: ["ThrottlingException"],
        batch[3].event_id: ["InternalFailure", "InternalFailure"],
    }
    client = FlakyClient(flaky)
    delays: list[float] = []
    EventPublisher("bus", client, sleep=delays.append).publish(batch)
    assert client.calls == [
        [e.event_id for e in batch],
        [batch[1].event_id, batch[3].event_id],
        [batch[3].event_id],
    ]
    assert len(delays) == 2
    assert all(0 <= d <= 1.0 for d in delays)


def test_entries_still_failing_after_the_attempts_raise_publish_error_naming_them():
    batch = events(3)
    client = FlakyClient({batch[2].event_id: ["InternalFailure"] * 10})
    with pytest.raises(PublishError) as error:
        EventPublisher("bus", client, max_attempts=3, sleep=lambda _: None).publish(batch)
    assert [(f.event_id, f.error_code) for f in error.value.failed] == [
        (batch[2].event_id, "InternalFailure")
    ]
    assert len(client.calls) == 3


def test_permanent_errors_are_not_retried():
    batch = events(2)
    client = FlakyClient({batch[0].event_id: ["MalformedDetail"] * 5})
    with pytest.raises(PublishError) as error:
        EventPublisher("bus", client, sleep=lambda _: None).publish(batch)
    assert [f.error_code for f in error.value.failed] == ["MalformedDetail"]
    assert len(client.calls) == 1


def test_oversized_entry_is_refused_before_anything_is_sent():
    huge = make_event(order_created("o-big", name="x" * (MAX_ENTRY_BYTES + 1)), correlation_id="c")
    client = FlakyClient({})
    with pytest.raises(PublishError) as error:
        EventPublisher("bus", client).publish([*events(2), huge])
    assert [(f.event_id, f.error_code) for f in error.value.failed] == [(huge.event_id, "EntryTooLarge")]
    assert client.calls == []


def test_batches_also_respect_the_request_size_limit():
    big = [make_event(order_created(f"o-{n}", name="x" * 100_000), correlation_id="c") for n in range(5)]
    assert all(entry_size(EventPublisher("bus").entry(e)) < MAX_ENTRY_BYTES for e in big)
    client = FlakyClient({})
    EventPublisher("bus", client).publish(big)
    assert [len(call) for call in client.calls] == [2, 2, 1]
