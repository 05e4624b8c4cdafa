"""Cart rules with no I/O: lines, limits, merging an anonymous cart into a user's.

A cart is one record holding its lines (SKU and quantity only: prices come from the catalog at
read time, never from the client) and a version for optimistic concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shop.errors import Conflict, NotFound

MAX_LINES = 50
MAX_QUANTITY = 99


class CartLimitExceeded(Conflict):
    code = "CART_LIMIT_EXCEEDED"


class CartNotFound(NotFound):
    code = "CART_NOT_FOUND"


class LineNotFound(NotFound):
    code = "CART_LINE_NOT_FOUND"


@dataclass(frozen=True)
class CartOwner:
    """Whose cart: a signed-in user (id from the token) or an anonymous visitor (id we issued)."""

    kind: str  # "user" | "anon"
    id: str

    @property
    def key(self) -> str:
        # Namespaced: an anonymous id equal to some user's id still names a different cart.
        return f"{self.kind}#{self.id}"

    @classmethod
    def user(cls, user_id: str) -> CartOwner:
        return cls("user", user_id)

    @classmethod
    def anonymous(cls, cart_id: str) -> CartOwner:
        return cls("anon", cart_id)


@dataclass
class Cart:
    owner: CartOwner
    lines: dict[str, int] = field(default_factory=dict)  # sku -> quantity, in the order added
    version: int = 0  # 0: not stored yet
    updated_at: str | None = None

    def quantity_of(self, sku: str) -> int:
        return self.lines.get(sku, 0)

    def add(self, sku: str, quantity: int) -> None:
        """Add units of `sku` (summed with the line already there)."""
        if sku not in self.lines and len(self.lines) >= MAX_LINES:
            raise CartLimitExceeded(
                f"a cart holds at most {MAX_LINES} lines", details={"maxLines": MAX_LINES}
            )
        self.set_quantity(sku, self.quantity_of(sku) + quantity, create=True)

    def set_quantity(self, sku: str, quantity: int, *, create: bool = False) -> None:
        if sku not in self.lines and not create:
            raise LineNotFound(f"{sku} is not in the cart", details={"sku": sku})
        if not 1 <= quantity <= MAX_QUANTITY:
            raise CartLimitExceeded(
                f"quantity per line must be 1..{MAX_QUANTITY}",
                details={"sku": sku, "quantity": quantity, "maxQuantity": MAX_QUANTITY},
            )
        self.lines[sku] = quantity

    def remove(self, sku: str) -> None:
        if self.lines.pop(sku, None) is None:
            raise LineNotFound(f"{sku} is not in the cart", details={"sku": sku})

    @property
    def item_count(self) -> int:
        return sum(self.lines.values())


def merge_into(target: Cart, source: Cart) -> list[str]:
    """Add `source`'s lines to `target`: quantities summed and capped; returns SKUs that did not fit."""
    dropped = []
    for sku, quantity in source.lines.items():
        if sku in target.lines:
            target.lines[sku] = min(MAX_QUANTITY, target.lines[sku] + quantity)
        elif len(target.lines) < MAX_LINES:
            target.lines[sku] = min(MAX_QUANTITY, quantity)
        else:
            dropped.append(sku)
    return dropped
