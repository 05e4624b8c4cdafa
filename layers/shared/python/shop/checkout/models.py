"""POST /checkout: the body, and the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.payments.provider import Card

Text = Annotated[str, Field(max_length=200)]


class PaymentMethod(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card: Card


class ShippingAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    line1: Text
    line2: Text | None = None
    city: Text
    postalCode: Annotated[str, Field(max_length=20)]
    region: Text | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class CheckoutBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paymentMethod: PaymentMethod
    shippingAddress: ShippingAddress | None = None


class CheckoutAccepted(BaseModel):
    orderId: str
    status: Literal["PENDING", "CONFIRMED", "FAILED", "CANCELLED"]
