"""Orders as the API shows them (GET /orders, GET /orders/{orderId}, cancel): documented, and checked
on the way out. Fields may be added (extra fields pass); these are the ones clients rely on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
OrderStatus = Literal["PENDING", "CONFIRMED", "FAILED", "CANCELLED"]


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="allow")

    sku: str
    productId: str | None = None
    name: str | None = None
    quantity: int
    unitPrice: int = Field(description="Integer cents, priced from the catalog at checkout")
    lineTotal: int


class TimelineEntry(BaseModel):
    """One event of the order's history (ids and amounts only: never card data or addresses)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="The event: OrderCreated, InventoryReserved, PaymentAuthorized, ...")
    at: str
    version: int


class OrderSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    orderId: str
    status: OrderStatus
    items: list[OrderLine]
    total: int = Field(description="Integer cents")
    currency: str
    createdAt: str
    updatedAt: str
    reason: str | None = Field(None, description="Why the order failed or was cancelled")


class OrderView(OrderSummary):
    """GET /orders/{orderId}: the order with its status timeline (the event list)."""

    version: int
    timeline: list[TimelineEntry]


class OrderPage(BaseModel):
    items: list[OrderSummary]
    nextCursor: str | None = Field(None, description="Pass it back as cursor for the next page (null at the end)")


class CancelAccepted(BaseModel):
    orderId: str
    status: OrderStatus
