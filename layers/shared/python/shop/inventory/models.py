"""Inventory models at the edges: HTTP bodies, saga step input/output, the stock as clients see it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from shop.catalog.models import Sku
from shop.fields import Integer

MAX_STOCK = 1_000_000_000  # a billion units of one SKU is a typo, not a warehouse
MAX_SHARDS = 32
MAX_LINE_QUANTITY = 10_000

OrderId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
ReservationStatus = Literal["RESERVED", "COMMITTED", "RELEASED"]


class Stock(BaseModel):
    """GET /inventory/{sku}: totals over the SKU's counter items (one, or K sub-counters when hot)."""

    sku: str
    available: int
    reserved: int
    shards: int = Field(1, description="Sub-counters holding the stock (1 = not write-sharded)")
    updatedAt: str | None = None


class SetStockBody(BaseModel):
    """PUT /inventory/{sku}: set the available quantity (reserved stock is not touched)."""

    model_config = ConfigDict(extra="forbid")

    available: Integer(ge=0, le=MAX_STOCK)


class RestockBody(BaseModel):
    """POST /inventory/{sku}/restock: add to the available quantity."""

    model_config = ConfigDict(extra="forbid")

    quantity: Integer(gt=0, le=MAX_STOCK)


class SetShardsBody(BaseModel):
    """PUT /inventory/{sku}/shards: spread the SKU's stock over K sub-counters (1 = one counter)."""

    model_config = ConfigDict(extra="forbid")

    shards: Integer(ge=1, le=MAX_SHARDS)


class ReserveLine(BaseModel):
    sku: Sku
    quantity: Annotated[StrictInt, Field(gt=0, le=MAX_LINE_QUANTITY)]


class ReserveRequest(BaseModel):
    """Input of the `reserve` saga step (extra fields of the state machine's state are ignored)."""

    orderId: OrderId
    items: Annotated[list[ReserveLine], Field(min_length=1, max_length=99)]


class OrderRef(BaseModel):
    """Input of the `release` and `commit` saga steps."""

    orderId: OrderId


class ReservationResult(BaseModel):
    """Output of reserve / release / commit: the reservation as stored (`NONE` when there is none)."""

    orderId: str
    status: ReservationStatus | Literal["NONE"]
    items: list[ReserveLine] = []
    expiresAt: str | None = None
