"""Catalog models at the edges (HTTP bodies, cached values, events): money is integer cents + currency."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shop.fields import NOT_SPACE, Integer, TrimmedText

# The known categories: a closed set keeps category pages (the byCategory GSI) meaningful.
CATEGORIES: tuple[str, ...] = (
    "electronics",
    "books",
    "home",
    "kitchen",
    "toys",
    "sports",
    "beauty",
    "fashion",
    "garden",
    "grocery",
)
Category = Literal[
    "electronics", "books", "home", "kitchen", "toys", "sports", "beauty", "fashion", "garden", "grocery"
]
Currency = Literal["USD"]

MAX_PRICE_CENTS = 100_000_000  # one million dollars: anything above is a typo, not a product

PRODUCT_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
ProductId = Annotated[str, StringConstraints(pattern=PRODUCT_ID_PATTERN)]
SKU_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,39}$"  # the one definition of a SKU (bodies and paths)
Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]
ProductName = TrimmedText(200)
Description = Annotated[str, StringConstraints(max_length=5000)]
PriceCents = Integer(gt=0, le=MAX_PRICE_CENTS, description="Price in integer cents")
ImageUrl = Annotated[str, StringConstraints(pattern=rf"^https?://{NOT_SPACE}+$", max_length=2048)]


class ProductInput(BaseModel):
    """Body of POST /products and PUT /products/{productId} (PUT replaces every editable field).
    A product is on sale from its creation until DELETE retires it: `active` is not the client's to set."""

    model_config = ConfigDict(extra="forbid")

    sku: Sku
    name: ProductName
    description: Description = ""
    category: Category
    price: PriceCents
    currency: Currency = "USD"
    imageUrl: ImageUrl | None = None


class Product(BaseModel):
    """A product as stored, cached and served (shared by catalog and cart)."""

    productId: str
    sku: str
    name: str
    description: str = ""
    category: str
    price: int
    currency: str = "USD"
    imageUrl: str | None = None
    active: bool = True
    version: int = 1
    createdAt: str
    updatedAt: str


class ProductPage(BaseModel):
    """A page of products: pass `nextCursor` back as `cursor` for the next page (null at the end)."""

    items: list[Product]
    nextCursor: str | None = None


class ProductSearchResult(BaseModel):
    items: list[Product]
    nextCursor: str | None = None
    total: int = Field(description="How many products matched (items holds at most `limit` of them)")
