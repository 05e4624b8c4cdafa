"""The envelope every domain event travels in, the registry of event types, and `make_event`.

On the bus an event is ``{"source": "shop.<service>", "detail-type": <type>, "detail": <envelope>}``;
the envelope is ``{"eventId", "type", "schemaVersion", "source", "time", "correlationId", "data"}``.
Python attributes are snake_case; JSON (dumps, schemas, the bus) is camelCase.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model
from pydantic.alias_generators import to_camel

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
SOURCE_PATTERN = r"^shop\.[a-z][a-z0-9-]*$"


class CamelModel(BaseModel):
    """snake_case in Python, camelCase on the wire (validation accepts both)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
    )


class EventData(CamelModel):
    """Base of every event's data. `@domain_event` fills the class variables and registers the model."""

    # Tolerant reader: a field added by a newer producer of the same version does not break consumers.
    model_config = ConfigDict(extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[int]
    source: ClassVar[str]


DataT = TypeVar("DataT", bound=type[EventData])

_registry: dict[str, dict[int, type[EventData]]] = {}


def domain_event(event_type: str, *, source: str, version: int = 1) -> Callable[[DataT], DataT]:
    """Class decorator: name an event's data model, its producing service and schema version."""

    def register(cls: DataT) -> DataT:
        versions = _registry.setdefault(event_type, {})
        if version in versions:
            raise ValueError(f"{event_type} v{version} is registered twice")
        cls.event_type, cls.schema_version, cls.source = event_type, version, source
        versions[version] = cls
        return cls

    return register


class UnknownEventType(ValueError):
    """An event whose type or schema version no model is registered for."""


def event_model(event_type: str, version: int | None = None) -> type[EventData]:
    """The data model of `event_type` at `version` (the latest when None)."""
    versions = _registry.get(event_type)
    if not versions:
        raise UnknownEventType(f"unknown event type {event_type!r}")
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        raise UnknownEventType(f"{event_type} has no schema version {chosen} (known: {sorted(versions)})")
    return versions[chosen]


def event_models() -> list[type[EventData]]:
    """Every registered data model, ordered by type then version."""
    return [versions[v] for _, versions in sorted(_registry.items()) for v in sorted(versions)]


class Envelope(CamelModel):
    """What `detail` holds: who emitted which event when, for which flow, with its data."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(pattern=UUID_PATTERN, description="Unique per event; consumers deduplicate on it.")
    type: str = Field(description="The event name, equal to the EventBridge detail-type.")
    schema_version: int = Field(ge=1, description="Version of the data schema.")
    source: str = Field(pattern=SOURCE_PATTERN, description="shop.<service> that emitted the event.")
    time: AwareDatetime = Field(description="When the event happened (UTC, ISO-8601).")
    correlation_id: str = Field(
        min_length=1, description="Carried from the API request through saga and events."
    )
    data: Any


@cache
def envelope_model(data_model: type[EventData]) -> type[Envelope]:
    """The envelope typed for one event (Literal type, version and source; typed data)."""
    return create_model(
        f"{data_model.__name__}Event",
        __base__=Envelope,
        __doc__=f"The {data_model.event_type} event (schema version {data_model.schema_version}).",
        type=(Literal[data_model.event_type], Field(description="The event name (EventBridge detail-type).")),
        schema_version=(Literal[data_model.schema_version], Field(description="Version of the data schema.")),
        source=(Literal[data_model.source], Field(description="The service that emits this event.")),
        data=(data_model, ...),
    )


def make_event(data: EventData, *, correlation_id: str | None = None) -> Envelope:
    """Wrap `data` in a new envelope: fresh uuid4 id, now (UTC), the invocation's correlation id."""
    if correlation_id is None:
        from shop.observability import get_correlation_id

        correlation_id = get_correlation_id() or str(uuid.uuid4())
    model = type(data)
    return envelope_model(model)(
        event_id=str(uuid.uuid4()),
        type=model.event_type,
        schema_version=model.schema_version,
        source=model.source,
        time=datetime.now(UTC),
        correlation_id=correlation_id,
        data=data,
    )


def parse_envelope(detail: Mapping[str, Any] | str | bytes) -> Envelope:
    """Validate an envelope (an EventBridge `detail`, as a dict or JSON) into its typed model.

    Raises UnknownEventType for a type or version no model is registered for, and pydantic's
    ValidationError when the envelope or its data does not match the schema.
    """
    if isinstance(detail, str | bytes):
        import json

        detail = json.loads(detail)
    if not isinstance(detail, Mapping):
        raise UnknownEventType("an event envelope must be a JSON object")
    version = detail.get("schemaVersion", detail.get("schema_version"))
    model = event_model(str(detail.get("type")), version if isinstance(version, int) else None)
    return envelope_model(model).model_validate(detail)
