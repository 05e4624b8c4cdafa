"""Cart models at the HTTP edge: request bodies and the priced cart clients read."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shop.cart.domain import MAX_QUANTITY
from shop.catalog.models import Sku
from shop.fields import Integer

# Anonymous cart ids are ones we issued: uuid4, lower-case hex (they are bearer secrets).
ANONYMOUS_CART_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
AnonymousCartId = Annotated[str, StringConstraints(pattern=ANONYMOUS_CART_ID_PATTERN)]
CART_ID_HEADER = "X-Cart-Id"
Quantity = Integer(ge=1, le=MAX_QUANTITY, description=f"1..{MAX_QUANTITY}")


class AddItemBody(BaseModel):
    """POST /cart/items: add `quantity` units of `sku` (summed with the line already in the cart)."""

    model_config = ConfigDict(extra="forbid")

    sku: Sku
    quantity: Quantity


class SetQuantityBody(BaseModel):
    """PATCH /cart/items/{sku}: the line's new quantity."""

    model_config = ConfigDict(extra="forbid")

    quantity: Quantity


class MergeBody(BaseModel):
    """POST /cart/merge: the anonymous cart to merge into the signed-in user's cart."""

    model_config = ConfigDict(extra="forbid")

    cartId: AnonymousCartId


class CartLineView(BaseModel):
    sku: str
    productId: str
    name: str
    quantity: int
    unitPrice: int = Field(description="Integer cents, from the catalog")
    lineTotal: int = Field(description="unitPrice x quantity, integer cents")
    imageUrl: str | None = None


class CartView(BaseModel):
    """GET /cart: every price from the catalog at read time; lines whose product is gone are listed apart."""

    cartId: str
    items: list[CartLineView]
    total: int = Field(description="Integer cents")
    currency: str
    itemCount: int
    updatedAt: str | None = None
    unavailable: list[str] = Field(default_factory=list, description="SKUs no longer sold (not in total)")
    dropped: list[str] | None = Field(None, description="Merge only: SKUs that did not fit (50 lines)")
