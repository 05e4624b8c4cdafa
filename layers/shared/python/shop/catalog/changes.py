"""ProductsTable stream records -> what changed (ProductUpdated data and the images to uncache).

The stream is the outbox: an event is published only for a write that committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from shop.catalog.repository import is_sku_guard
from shop.events import ProductUpdated

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class ProductChange:
    event: ProductUpdated
    images: list[dict[str, Any]]  # old and/or new product values (their cache keys go)


def _image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    image = (record.get("dynamodb") or {}).get(name)
    return {k: _deserializer.deserialize(v) for k, v in image.items()} if image else None


def product_change(record: dict[str, Any]) -> ProductChange | None:
    """The change one stream record stands for; None for SKU guard items."""
    old, new = _image(record, "OldImage"), _image(record, "NewImage")
    current = new or old
    if current is None or is_sku_guard(str(current.get("productId", ""))):
        return None
    if record.get("eventName") == "INSERT":
        change = "created"
    elif new is None or (not new.get("active", True) and (old or {}).get("active", True)):
        change = "deleted"
    else:
        change = "updated"
    event = ProductUpdated(product_id=current["productId"], change=change, version=int(current.get("version", 0)))
    return ProductChange(event=event, images=[i for i in (old, new) if i])
