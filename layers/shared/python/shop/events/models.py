"""The data of every domain event. Money is integer minor units (cents) with an ISO 4217 currency.

Changing a model changes its JSON Schema: run `make schemas` and commit `events/schemas/`.
A breaking change is a new version: a new class with `@domain_event(..., version=2)`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from shop.events.envelope import CamelModel, EventData, domain_event

Id = Annotated[str, Field(min_length=1, max_length=128)]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
MinorUnits = Annotated[int, Field(ge=0, description="Amount in minor units of the currency (cents).")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")]
Quantity = Annotated[int, Field(ge=1)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]

ORDER = "shop.order"
INVENTORY = "shop.inventory"
PAYMENT = "shop.payment"
PRODUCT = "shop.product"
USER = "shop.user"


class OrderLine(CamelModel):
    """One line of an order, priced from the catalog when the order was created."""

    sku: Sku
    product_id: Id
    name: str
    quantity: Quantity
    unit_price: MinorUnits


class StockLine(CamelModel):
    """A quantity of one SKU (reserved, released or committed)."""

    sku: Sku
    quantity: Quantity


# ------------------------------------------------------------------ orders


@domain_event("OrderCreated", source=ORDER)
class OrderCreated(EventData):
    """A customer placed an order; the checkout saga starts from it."""

    order_id: Id
    user_id: Id
    items: list[OrderLine] = Field(min_length=1)
    total: MinorUnits
    currency: Currency = "USD"


@domain_event("OrderConfirmed", source=ORDER)
class OrderConfirmed(EventData):
    """Stock committed and payment captured: the order will be fulfilled."""

    order_id: Id
    user_id: Id
    email: Email | None = None
    items: list[OrderLine] = Field(min_length=1)
    total: MinorUnits
    currency: Currency = "USD"


@domain_event("OrderFailed", source=ORDER)
class OrderFailed(EventData):
    """The saga could not complete the order; every compensation has run."""

    order_id: Id
    user_id: Id
    reason: Reason


@domain_event("OrderCancelled", source=ORDER)
class OrderCancelled(EventData):
    """The customer cancelled the order before fulfilment."""

    order_id: Id
    user_id: Id
    reason: Reason


# ------------------------------------------------------------------ inventory


@domain_event("InventoryReserved", source=INVENTORY)
class InventoryReserved(EventData):
    """Stock is held for an order until `expires_at`."""

    order_id: Id
    items: list[StockLine] = Field(min_length=1)
    expires_at: AwareDatetime


@domain_event("InventoryReservationFailed", source=INVENTORY)
class InventoryReservationFailed(EventData):
    """Stock could not be reserved (e.g. out of stock); nothing is held."""

    order_id: Id
    reason: Reason
    sku: Sku | None = None


@domain_event("InventoryReleased", source=INVENTORY)
class InventoryReleased(EventData):
    """Held stock went back on sale (compensation, cancellation or expiry)."""

    order_id: Id
    items: list[StockLine] = Field(min_length=1)
    reason: Reason


@domain_event("InventoryCommitted", source=INVENTORY)
class InventoryCommitted(EventData):
    """Held stock is sold for good."""

    order_id: Id
    items: list[StockLine] = Field(min_length=1)


@domain_event("StockChanged", source=INVENTORY)
class StockChanged(EventData):
    """A SKU's stock changed (restock, set, reserve, release, commit, expiry)."""

    sku: Sku
    available: int = Field(ge=0)
    reserved: int = Field(ge=0)
    delta: int = Field(description="Change of available stock (negative when stock was taken).")
    reason: Reason


# ------------------------------------------------------------------ payments


class _PaymentAmount(EventData):
    order_id: Id
    payment_id: Id
    amount: MinorUnits
    currency: Currency = "USD"


@domain_event("PaymentAuthorized", source=PAYMENT)
class PaymentAuthorized(_PaymentAmount):
    """The provider holds `amount` on the customer's card (known to the shop by brand and last 4 only)."""

    card_brand: str | None = Field(default=None, max_length=32, description="As the processor names it: visa, ...")
    card_last4: str | None = Field(default=None, pattern=r"^\d{4}$", description="The last 4 digits, for display.")


@domain_event("PaymentCaptured", source=PAYMENT)
class PaymentCaptured(_PaymentAmount):
    """The held amount was taken."""


@domain_event("PaymentRefunded", source=PAYMENT)
class PaymentRefunded(_PaymentAmount):
    """The amount went back to the customer (compensation or cancellation)."""


@domain_event("PaymentFailed", source=PAYMENT)
class PaymentFailed(EventData):
    """The payment was declined or the provider could not be reached."""

    order_id: Id
    reason: Reason
    code: str = Field(min_length=1, max_length=64, description="e.g. DECLINED, PROVIDER_UNAVAILABLE.")


# ------------------------------------------------------------------ catalog and users


@domain_event("ProductUpdated", source=PRODUCT)
class ProductUpdated(EventData):
    """A product was created, changed or deleted (caches invalidate on it)."""

    product_id: Id
    change: Literal["created", "updated", "deleted"]
    version: int = Field(ge=0, description="The product's version after the change.")


@domain_event("UserRegistered", source=USER)
class UserRegistered(EventData):
    """A new customer signed up."""

    user_id: Id
    email: Email
