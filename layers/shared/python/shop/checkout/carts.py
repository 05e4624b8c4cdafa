"""The cart service's repository as checkout's `Carts` port (the user's lines; clear after ordering)."""

from __future__ import annotations

import contextlib
import time

from shop.cart.domain import CartOwner
from shop.cart.repository import CartRepository, VersionConflict


class RepositoryCarts:
    def __init__(self, repository: CartRepository | None = None) -> None:
        self._repository = repository

    @property
    def repository(self) -> CartRepository:
        if self._repository is None:
            self._repository = CartRepository()
        return self._repository

    def lines(self, user_id: str) -> list[tuple[str, int]]:
        found = self.repository.get(CartOwner.user(user_id), int(time.time()))
        return list(found[0].lines.items()) if found else []

    def clear_if_unchanged(self, user_id: str, lines: list[tuple[str, int]]) -> None:
        """Delete the cart if it still holds exactly what was ordered (a later add is kept)."""
        found = self.repository.get(CartOwner.user(user_id), int(time.time()))
        if found is None or list(found[0].lines.items()) != lines:
            return
        # Changed in between: the customer keeps the newer cart.
        with contextlib.suppress(VersionConflict):
            self.repository.delete(*found)
