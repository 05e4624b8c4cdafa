"""Inventory's domain errors. The class name is the Lambda errorType the checkout saga Catches."""

from __future__ import annotations

from shop.errors import BadRequest, Conflict, NotFound, ServiceUnavailable


class OutOfStock(Conflict):
    """Not enough available stock for one SKU of a reservation (saga: Catch "OutOfStock")."""

    code = "OUT_OF_STOCK"


class StockNotFound(NotFound):
    """No stock record for this SKU."""

    code = "STOCK_NOT_FOUND"


class ReservationNotFound(NotFound):
    """Commit of an order that has no reservation."""

    code = "RESERVATION_NOT_FOUND"


class ReservationReleased(Conflict):
    """Commit of a reservation already released (expired or compensated): its stock is gone."""

    code = "RESERVATION_RELEASED"


class StockContention(ServiceUnavailable):
    """A hot SKU's sub-counters kept changing under us: transient, the saga retries it."""

    code = "STOCK_CONTENTION"


class InvalidReservation(BadRequest):
    """A reservation request the state machine should never send (too many lines)."""

    code = "INVALID_RESERVATION"
