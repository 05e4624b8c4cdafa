"""Price cart lines from the catalog (never from the client). No I/O beyond the catalog port."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from shop.errors import Conflict


class EmptyCart(Conflict):
    code = "EMPTY_CART"


class ItemNotSold(Conflict):
    code = "ITEM_NOT_SOLD"


class MixedCurrencies(Conflict):
    code = "MIXED_CURRENCIES"


class ProductLike(Protocol):
    productId: str
    sku: str
    name: str
    price: int
    currency: str
    active: bool


class Catalog(Protocol):
    def get_by_sku(self, sku: str) -> Any: ...


@dataclass(frozen=True)
class PricedOrder:
    items: list[dict[str, Any]]  # {sku, productId, name, quantity, unitPrice, lineTotal}
    total: int
    currency: str


def price_lines(lines: Iterable[tuple[str, int]], catalog: Catalog) -> PricedOrder:
    """Every line at the catalog's current price; 422 when empty, a SKU is not sold, or currencies mix."""
    items: list[dict[str, Any]] = []
    currencies: set[str] = set()
    for sku, quantity in lines:
        if quantity <= 0:
            continue
        product = catalog.get_by_sku(sku)
        if product is None or not product.active:
            raise ItemNotSold(f"{sku} is no longer sold; remove it from the cart", details={"sku": sku})
        currencies.add(product.currency)
        items.append({
            "sku": sku, "productId": product.productId, "name": product.name, "quantity": quantity,
            "unitPrice": product.price, "lineTotal": product.price * quantity,
        })
    if not items:
        raise EmptyCart("the cart is empty")
    if len(currencies) > 1:
        raise MixedCurrencies("the cart mixes currencies", details={"currencies": sorted(currencies)})
    return PricedOrder(items, sum(item["lineTotal"] for item in items), currencies.pop())
