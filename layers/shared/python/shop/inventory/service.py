"""The inventory's use cases: read and set stock, and the saga's reserve / release / commit.

    from shop.inventory.service import InventoryService

    inventory = InventoryService()
    inventory.set_stock("SKU-1", 100)                   # the seed script and PUT /inventory/{sku}
    inventory.get_stock("SKU-1")                        # Stock(sku, available, reserved, ...), cached briefly
    inventory.reserve("order-1", [("SKU-1", 2)])        # all or nothing; OutOfStock when short
    inventory.commit("order-1") / inventory.release("order-1")

Every write is conditional, so stock never goes below zero whatever runs concurrently; reserve,
release and commit are idempotent by order id (one reservation record per order).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from shop.config import env_float, env_int
from shop.inventory.domain import MAIN_COUNTER, allocate, merge_lines, sub_counter_keys, target_available
from shop.inventory.errors import (
    InvalidReservation,
    OutOfStock,
    ReservationNotFound,
    ReservationReleased,
    StockContention,
    StockNotFound,
)
from shop.inventory.models import ReservationResult, ReserveLine, Stock
from shop.inventory.repository import (
    PENDING,
    InventoryRepository,
    Reservation,
    SkuCounters,
    TransactionCancelled,
)

MAX_ATTEMPTS = 12
MAX_TRANSACTION_ITEMS = 100
DEFAULT_RESERVATION_TTL_S = 15 * 60


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _backoff(attempt: int) -> None:
    # Full jitter: concurrent reservers on one hot SKU spread out instead of colliding again.
    time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))  # noqa: S311 - backoff jitter


class InventoryService:
    def __init__(
        self,
        repository: InventoryRepository | None = None,
        *,
        cache: object | None = None,
        reservation_ttl_s: int | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.repository = repository or InventoryRepository()
        self._cache = cache
        self.reservation_ttl_s = reservation_ttl_s or env_int(
            "RESERVATION_TTL_SECONDS", DEFAULT_RESERVATION_TTL_S
        )
        self.clock = clock
        self.rng = rng

    # ------------------------------------------------------------------ stock

    def get_stock(self, sku: str, *, fresh: bool = False) -> Stock:
        """The SKU's totals. Cached for a few seconds unless `fresh` (never use the cached one to reserve).

        Raises StockNotFound when the SKU has no stock record.
        """
        if fresh:
            stock = self._read_stock(sku)
        else:
            stock = self.cache.get_or_load(sku, lambda: self._read_stock_or_none(sku), model=Stock)
        if stock is None:
            raise StockNotFound(f"no stock record for {sku}", details={"sku": sku})
        return stock

    def set_stock(self, sku: str, available: int) -> Stock:
        """Set the available quantity (creates the stock record; reserved units stay as they are)."""
        if available < 0:
            raise ValueError("available must be >= 0")
        for attempt in range(MAX_ATTEMPTS):
            current = self.repository.read_counters(sku)
            if current is None:
                if self.repository.create_stock(sku, available, self._now()):
                    return self._changed(sku)
                continue
            targets = target_available(available, current.shards, current.counters)
            if self._try_rewrite(current, targets, current.shards, "set"):
                return self._changed(sku)
            _backoff(attempt)
        raise StockContention(f"stock of {sku} kept changing; try again", details={"sku": sku})

    def restock(self, sku: str, quantity: int) -> Stock:
        """Add `quantity` available units (to a random sub-counter of a hot SKU)."""
        if quantity <= 0:
            raise ValueError("quantity must be > 0")
        for attempt in range(MAX_ATTEMPTS):
            current = self._read_stock_counters(sku)
            # spreading writes over sub-counters, not a secret
            sk = MAIN_COUNTER if current.shards <= 1 else random.choice(sub_counter_keys(current.shards))  # noqa: S311
            try:
                self.repository.add_available(sku, sk, quantity, current.shards, self._now(), "restock")
                return self._changed(sku)
            except TransactionCancelled:
                _backoff(attempt)
        raise StockContention(f"stock of {sku} kept changing; try again", details={"sku": sku})

    def set_shards(self, sku: str, shards: int) -> Stock:
        """Spread the SKU's available stock over `shards` sub-counters (1: back to one counter)."""
        if shards < 1:
            raise ValueError("shards must be >= 1")
        for attempt in range(MAX_ATTEMPTS):
            current = self._read_stock_counters(sku)
            targets = target_available(current.available, shards, current.counters)
            if self._try_rewrite(current, targets, shards, "reshard"):
                return self._changed(sku)
            _backoff(attempt)
        raise StockContention(f"stock of {sku} kept changing; try again", details={"sku": sku})

    # ------------------------------------------------------------------ the saga's steps

    def reserve(self, order_id: str, lines: Iterable[tuple[str, int]]) -> ReservationResult:
        """Hold stock for every line, all or nothing; a second call for the order returns the first result.

        Raises OutOfStock when a SKU is short (or unknown).
        """
        existing = self.repository.get_reservation(order_id)
        if existing is not None:
            return self._result(existing)
        demand = merge_lines(lines)
        for attempt in range(MAX_ATTEMPTS):
            parts = []
            for sku, quantity in demand.items():
                counters = self.repository.read_counters(sku)
                if counters is None:
                    raise OutOfStock(
                        f"{sku} is not stocked", details={"sku": sku, "requested": quantity, "available": 0}
                    )
                parts.extend(allocate(sku, quantity, counters.counters, counters.shards, self.rng))
            if len(parts) >= MAX_TRANSACTION_ITEMS:
                raise InvalidReservation("too many lines in one reservation", details={"parts": len(parts)})
            now = self.clock()
            reservation = Reservation(
                order_id, PENDING, list(demand.items()), parts, int(now) + self.reservation_ttl_s, _iso(now)
            )
            try:
                self.repository.reserve(reservation, _iso(now), self.reservation_ttl_s)
                return self._result(reservation)
            except TransactionCancelled as cancelled:
                if cancelled.failed_at(len(parts)):
                    # The same order reserved concurrently (a duplicated step): its result is ours.
                    winner = self.repository.get_reservation(order_id)
                    if winner is not None:
                        return self._result(winner)
                # A counter changed since we read it: read again (a real shortage raises OutOfStock).
                _backoff(attempt)
        raise StockContention("stock kept changing; try again", details={"orderId": order_id})

    def release(self, order_id: str, *, reason: str = "release") -> ReservationResult:
        """Give the order's units back. No-op when unknown, already released or committed."""
        return self._finish(order_id, "RELEASED", reason)

    def commit(self, order_id: str) -> ReservationResult:
        """The order's units leave the warehouse. Idempotent; ReservationReleased after a release."""
        result = self._finish(order_id, "COMMITTED", "commit")
        if result.status == "NONE":
            raise ReservationNotFound(f"order {order_id} has no reservation", details={"orderId": order_id})
        if result.status == "RELEASED":
            raise ReservationReleased(
                f"the reservation of order {order_id} was released", details={"orderId": order_id}
            )
        return result

    def expire_stale(self, *, limit: int = 100, budget_s: float | None = None) -> list[str]:
        """Release RESERVED reservations past their expiresAt; returns the order ids released."""
        deadline = time.monotonic() + (
            budget_s if budget_s is not None else env_float("EXPIRY_BUDGET_SECONDS", 40.0)
        )
        released: list[str] = []
        while time.monotonic() < deadline:
            stale = self.repository.stale_reservation_ids(int(self.clock()), limit)
            for order_id in stale:
                if self.release(order_id, reason="expire").status == "RELEASED":
                    released.append(order_id)
            if len(stale) < limit:
                break
        return released

    # ------------------------------------------------------------------ internals

    @property
    def cache(self):  # type: ignore[no-untyped-def]
        if self._cache is None:
            from shop.cache import TieredCache
            from shop.redis_client import redis_client

            # Seconds, not minutes: only the cart's availability hint reads through it.
            self._cache = TieredCache(
                namespace="stock",
                redis=redis_client(),
                l1_ttl=env_float("STOCK_CACHE_L1_TTL", 1.0),
                l2_ttl=env_float("STOCK_CACHE_L2_TTL", 3.0),
                negative_ttl=3.0,
            )
        return self._cache

    def _finish(self, order_id: str, status: str, reason: str) -> ReservationResult:
        for attempt in range(MAX_ATTEMPTS):
            reservation = self.repository.get_reservation(order_id)
            if reservation is None:
                return ReservationResult(orderId=order_id, status="NONE")
            if reservation.status != PENDING:
                return self._result(reservation)
            try:
                now = self.clock()
                self.repository.finish(reservation, status, _iso(now), int(now), reason)
                reservation.status = status
                self._forget(*(sku for sku, _ in reservation.lines))
                return self._result(reservation)
            except TransactionCancelled:
                # Someone else finished it (read its status) or a transaction conflict (retry).
                _backoff(attempt)
        raise StockContention("reservation kept changing; try again", details={"orderId": order_id})

    def _try_rewrite(self, current: SkuCounters, targets: dict[str, int], shards: int, change: str) -> bool:
        try:
            self.repository.rewrite_layout(current, targets, shards, self._now(), change)
            return True
        except TransactionCancelled:
            return False

    def _read_stock_counters(self, sku: str) -> SkuCounters:
        current = self.repository.read_counters(sku)
        if current is None:
            raise StockNotFound(f"no stock record for {sku}", details={"sku": sku})
        return current

    def _read_stock_or_none(self, sku: str) -> Stock | None:
        counters = self.repository.read_counters(sku, consistent=False)
        return _stock(counters) if counters else None

    def _read_stock(self, sku: str) -> Stock:
        return _stock(self._read_stock_counters(sku))

    def _changed(self, sku: str) -> Stock:
        self._forget(sku)
        return self._read_stock(sku)

    def _forget(self, *skus: str) -> None:
        if self._cache is None:
            return
        for sku in skus:
            # A stale availability hint for a few seconds is acceptable; failing the write is not.
            with contextlib.suppress(Exception):
                self._cache.invalidate(sku)  # type: ignore[attr-defined]

    def _now(self) -> str:
        return _iso(self.clock())

    @staticmethod
    def _result(reservation: Reservation) -> ReservationResult:
        return ReservationResult(
            orderId=reservation.order_id,
            status=reservation.status,  # type: ignore[arg-type]
            items=[ReserveLine(sku=sku, quantity=quantity) for sku, quantity in reservation.lines],
            expiresAt=_iso(reservation.expires_at),
        )


def _stock(counters: SkuCounters) -> Stock:
    return Stock(
        sku=counters.sku,
        available=counters.available,
        reserved=counters.reserved,
        shards=counters.shards,
        updatedAt=counters.updated_at,
    )
