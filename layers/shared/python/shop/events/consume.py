"""Consuming domain events: typed parsing, once-per-event processing, DynamoDB stream images.

    from shop.events import OrderConfirmed
    from shop.events.consume import idempotent_consumer, parse_event

    @idempotent_consumer
    def send_confirmation(event) -> dict:   # event: the parsed Envelope (or the raw EventBridge dict)
        ...
        return {"sent": True}               # stored; a duplicate delivery gets it back without a 2nd run

    @instrument
    def handler(event, context):
        return send_confirmation(parse_event(event, OrderConfirmed))

Delivery is at least once (EventBridge retries, SQS redelivers), so consumers that have effects
outside their own conditional writes go through `idempotent_consumer`.
"""

from __future__ import annotations

import decimal
import functools
import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import create_model

from shop.events.envelope import Envelope, EventData, UnknownEventType, envelope_model, event_model
from shop.observability import current_lambda_context

IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600  # longer than any redelivery: EventBridge retries for 24 h at most
# The key of an event, whether the consumer is given the raw EventBridge event or the parsed envelope.
EVENT_ID_JMESPATH = "detail.eventId || eventId"

Consumer = TypeVar("Consumer", bound=Callable[..., Any])


# ------------------------------------------------------------------ parsing


@cache
def eventbridge_model(data_model: type[EventData]) -> type[EventBridgeModel]:
    """Powertools' EventBridgeModel with our typed envelope as `detail`."""
    return create_model(
        f"{data_model.__name__}EventBridgeEvent",
        __base__=EventBridgeModel,
        # EventBridge always sends `account`; moto's delivery to SQS leaves it out.
        account=(str, ""),
        detail=(envelope_model(data_model), ...),
    )


def parse_event(event: Mapping[str, Any], data_model: type[EventData] | None = None) -> Envelope:
    """The typed envelope of an EventBridge event (the model from detail-type when not given).

    Raises pydantic's ValidationError on a malformed event, UnknownEventType on an unregistered type.
    """
    if data_model is None:
        detail = event.get("detail")
        version = detail.get("schemaVersion") if isinstance(detail, Mapping) else None
        data_model = event_model(str(event.get("detail-type")), version if isinstance(version, int) else None)
    parsed = parse(event=dict(event), model=eventbridge_model(data_model))
    if parsed.detail_type != parsed.detail.type:
        raise UnknownEventType(
            f"detail-type {parsed.detail_type!r} does not match envelope type {parsed.detail.type!r}"
        )
    return parsed.detail


def parse_sqs_events(event: Mapping[str, Any], data_model: type[EventData] | None = None) -> list[Envelope]:
    """The envelopes of an SQS batch whose messages are EventBridge events (a rule with an SQS target)."""
    return [parse_event(json.loads(record["body"]), data_model) for record in event.get("Records", [])]


# ------------------------------------------------------------------ processing each event once


def idempotent_consumer(
    function: Consumer | None = None,
    *,
    table_name: str | None = None,
    expires_after_seconds: int = IDEMPOTENCY_TTL_SECONDS,
    persistence_store: Any = None,
) -> Any:
    """Run the decorated `function(event, ...)` once per event id; duplicates get the stored result.

    `event` (first argument) is the parsed Envelope or the raw EventBridge event; the key is its
    `detail.eventId`. Records live in the Powertools DynamoDB persistence layer on IDEMPOTENCY_TABLE
    (partition key `id`, TTL attribute `expiration`). The result must be JSON-serialisable. A failed
    run stores nothing, so the redelivery runs again. Under `instrument`, the Lambda context is
    registered, so the record of a run that crashed mid-way expires with that invocation.
    """

    def decorate(consumer: Consumer) -> Consumer:
        guarded: list[tuple[Callable[..., Any], Any]] = []  # built at first call: env and clients are ready

        @functools.wraps(consumer)
        def call_with_event(*args: Any, event: Any, **kwargs: Any) -> Any:
            return consumer(event, *args, **kwargs)

        @functools.wraps(consumer)
        def wrapper(event: Any, *args: Any, **kwargs: Any) -> Any:
            if not guarded:
                guarded.append(_guard(call_with_event, table_name, expires_after_seconds, persistence_store))
            function, config = guarded[0]
            context = current_lambda_context()
            if context is not None:
                # A run that crashes mid-way then blocks redeliveries only until its invocation's
                # timeout, not until the record's TTL.
                config.register_lambda_context(context)
            return function(*args, event=event, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate(function) if function is not None else decorate


def _guard(
    function: Callable[..., Any], table_name: str | None, ttl: int, store: Any
) -> tuple[Callable[..., Any], Any]:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from shop.aws import client
    from shop.config import require_env

    if store is None:
        store = DynamoDBPersistenceLayer(
            table_name=table_name or require_env("IDEMPOTENCY_TABLE"), boto3_client=client("dynamodb")
        )
    config = IdempotencyConfig(
        event_key_jmespath=EVENT_ID_JMESPATH, raise_on_no_idempotency_key=True, expires_after_seconds=ttl
    )
    guarded = idempotent_function(
        function, data_keyword_argument="event", persistence_store=store, config=config
    )
    return guarded, config


# ------------------------------------------------------------------ DynamoDB streams


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, set):
        return {_plain(item) for item in value}
    return value


def stream_images(record: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(old image, new image) of a DynamoDB stream record as plain dicts (numbers as int or float).

    An image is None when the record has none (INSERT has no old image, REMOVE no new one, and
    KEYS_ONLY streams neither).
    """
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    stream = record.get("dynamodb", record)

    def image(name: str) -> dict[str, Any] | None:
        raw = stream.get(name)
        if raw is None:
            return None
        return {key: _plain(deserializer.deserialize(value)) for key, value in raw.items()}

    return image("OldImage"), image("NewImage")
