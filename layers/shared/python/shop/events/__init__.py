"""Domain events: typed envelopes and data models, publishing to EventBridge, consuming them.

    from shop.events import OrderCreated, make_event, EventPublisher

    EventPublisher().publish([make_event(OrderCreated(order_id=..., ...))])

Consumers: `shop.events.consume` (parse an EventBridge event, idempotent processing, stream images).
JSON Schemas: `python -m shop.events.schemas --write events/schemas` (`--check` in tests and CI).
"""

from shop.events.envelope import (
    CamelModel,
    Envelope,
    EventData,
    UnknownEventType,
    domain_event,
    envelope_model,
    event_model,
    event_models,
    make_event,
    parse_envelope,
)
from shop.events.models import (
    InventoryCommitted,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    OrderCancelled,
    OrderConfirmed,
    OrderCreated,
    OrderFailed,
    OrderLine,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    ProductUpdated,
    StockChanged,
    StockLine,
    UserRegistered,
)
from shop.events.publisher import EventPublisher, FailedEntry, PublishError

__all__ = [
    "CamelModel",
    "Envelope",
    "EventData",
    "EventPublisher",
    "FailedEntry",
    "InventoryCommitted",
    "InventoryReleased",
    "InventoryReservationFailed",
    "InventoryReserved",
    "OrderCancelled",
    "OrderConfirmed",
    "OrderCreated",
    "OrderFailed",
    "OrderLine",
    "PaymentAuthorized",
    "PaymentCaptured",
    "PaymentFailed",
    "PaymentRefunded",
    "ProductUpdated",
    "PublishError",
    "StockChanged",
    "StockLine",
    "UnknownEventType",
    "UserRegistered",
    "domain_event",
    "envelope_model",
    "event_model",
    "event_models",
    "make_event",
    "parse_envelope",
]
