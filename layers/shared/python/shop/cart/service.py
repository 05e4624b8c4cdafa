"""The cart's use cases: every change is read, modify, conditional write (retried on a version conflict).

    from shop.cart.service import CartService
    from shop.cart.domain import CartOwner

    carts = CartService()
    carts.add_item(CartOwner.user(user_id), "ELEC-0001", 2)   # -> CartView, priced from the catalog

Prices and availability come from the catalog and the inventory (cached reads), never from the client.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from shop.cart.domain import Cart, CartNotFound, CartOwner, merge_into
from shop.cart.models import CartLineView, CartView
from shop.cart.repository import CartRepository, VersionConflict
from shop.catalog.models import Product
from shop.config import env_int
from shop.errors import Conflict, NotFound, ServiceUnavailable

DEFAULT_CART_TTL_S = 30 * 24 * 3600
MAX_ATTEMPTS = 8
DEFAULT_CURRENCY = "USD"


class ProductNotSold(NotFound):
    code = "PRODUCT_NOT_FOUND"


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"


class Catalog(Protocol):
    def get_by_sku(self, sku: str) -> Product | None: ...


class Inventory(Protocol):
    def get_stock(self, sku: str) -> Any: ...


class CartService:
    def __init__(
        self,
        repository: CartRepository | None = None,
        *,
        catalog: Catalog | None = None,
        inventory: Inventory | None = None,
        ttl_s: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.repository = repository or CartRepository()
        self._catalog = catalog
        self._inventory = inventory
        self.ttl_s = ttl_s or env_int("CART_TTL_SECONDS", DEFAULT_CART_TTL_S)
        self.clock = clock

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from shop.catalog.service import CatalogService

            self._catalog = CatalogService()
        return self._catalog

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None:
            from shop.inventory.service import InventoryService

            self._inventory = InventoryService()
        return self._inventory

    # ------------------------------------------------------------------ use cases

    @staticmethod
    def new_anonymous_owner() -> CartOwner:
        return CartOwner.anonymous(str(uuid.uuid4()))

    def view(self, owner: CartOwner) -> CartView:
        """The priced cart; a user with no cart has an empty one, an unknown anonymous cart is 404."""
        found = self.repository.get(owner, int(self.clock()))
        if found is None:
            if owner.kind == "anon":
                raise CartNotFound("no such cart (it may have expired)", details={"cartId": owner.id})
            return self._priced(Cart(owner))
        return self._priced(found[0])

    def add_item(self, owner: CartOwner, sku: str, quantity: int, *, create: bool = False) -> CartView:
        """Add units of a SKU sold by the catalog and in stock; `create` starts a new anonymous cart."""
        product = self._product(sku)

        def change(cart: Cart) -> None:
            self._check_stock(sku, cart.quantity_of(sku) + quantity)
            cart.add(sku, quantity)

        return self._priced(self._mutate(owner, change, create=create), {sku: product})

    def set_quantity(self, owner: CartOwner, sku: str, quantity: int) -> CartView:
        def change(cart: Cart) -> None:
            cart.set_quantity(sku, quantity)  # LineNotFound first: a line not in the cart is 404
            self._product(sku)
            self._check_stock(sku, quantity)

        return self._priced(self._mutate(owner, change))

    def remove_item(self, owner: CartOwner, sku: str) -> CartView:
        return self._priced(self._mutate(owner, lambda cart: cart.remove(sku)))

    def clear(self, owner: CartOwner) -> CartView:
        for _ in range(MAX_ATTEMPTS):
            found = self.repository.get(owner, int(self.clock()))
            if found is None:
                if owner.kind == "anon":
                    raise CartNotFound("no such cart (it may have expired)", details={"cartId": owner.id})
                return self._priced(Cart(owner))
            try:
                self.repository.delete(*found)
                return self._priced(Cart(owner))
            except VersionConflict:
                continue
        raise ServiceUnavailable("the cart kept changing; try again")

    def merge(self, user: CartOwner, anonymous_cart_id: str) -> CartView:
        """Move an anonymous cart's lines into the user's cart (quantities summed, capped) and delete it."""
        source_owner = CartOwner.anonymous(anonymous_cart_id)
        for _ in range(MAX_ATTEMPTS):
            now = self.clock()
            source = self.repository.get(source_owner, int(now))
            if source is None:
                raise CartNotFound(
                    "no such cart (it may have expired)", details={"cartId": anonymous_cart_id}
                )
            found = self.repository.get(user, int(now))
            target, target_on = found if found else (Cart(user), None)
            dropped = merge_into(target, source[0])
            try:
                self.repository.save_and_delete(
                    target, target_on, source[0], source[1], _iso(now), int(now) + self.ttl_s
                )
            except VersionConflict:
                continue
            view = self._priced(target)
            view.dropped = dropped
            return view
        raise ServiceUnavailable("the cart kept changing; try again")

    # ------------------------------------------------------------------ internals

    def _mutate(self, owner: CartOwner, change: Callable[[Cart], None], *, create: bool = False) -> Cart:
        for _ in range(MAX_ATTEMPTS):
            now = self.clock()
            found = self.repository.get(owner, int(now))
            if found is None and owner.kind == "anon" and not create:
                raise CartNotFound("no such cart (it may have expired)", details={"cartId": owner.id})
            cart, found_on = found if found else (Cart(owner), None)
            change(cart)
            try:
                # Every change pushes the expiry out again (TTL refreshed on change).
                self.repository.save(cart, found_on, _iso(now), int(now) + self.ttl_s)
                return cart
            except VersionConflict:
                continue  # a parallel change won: apply ours to the cart as it is now
        raise ServiceUnavailable("the cart kept changing; try again")

    def _product(self, sku: str) -> Product:
        product = self.catalog.get_by_sku(sku)
        if product is None or not product.active:
            raise ProductNotSold(f"{sku} is not sold", details={"sku": sku})
        return product

    def _check_stock(self, sku: str, quantity: int) -> None:
        from shop.inventory.errors import StockNotFound

        try:
            available = self.inventory.get_stock(sku).available
        except StockNotFound:
            available = 0
        if quantity > available:
            raise InsufficientStock(
                f"only {available} of {sku} available",
                details={"sku": sku, "requested": quantity, "available": available},
            )

    def _priced(self, cart: Cart, known: dict[str, Product] | None = None) -> CartView:
        lines, unavailable, currency = [], [], None
        for sku, quantity in cart.lines.items():
            product = (known or {}).get(sku) or self.catalog.get_by_sku(sku)
            if product is None or not product.active:
                unavailable.append(sku)
                continue
            currency = currency or product.currency
            lines.append(
                CartLineView(
                    sku=sku,
                    productId=product.productId,
                    name=product.name,
                    quantity=quantity,
                    unitPrice=product.price,
                    lineTotal=product.price * quantity,
                    imageUrl=product.imageUrl,
                )
            )
        return CartView(
            cartId=cart.owner.id,
            items=lines,
            total=sum(line.lineTotal for line in lines),
            currency=currency or DEFAULT_CURRENCY,
            itemCount=sum(line.quantity for line in lines),
            updatedAt=cart.updated_at,
            unavailable=unavailable,
        )


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
