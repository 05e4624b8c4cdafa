"""What the shop needs of a card processor, and the errors every adapter raises.

Business outcomes (a decline) and transient failures (5xx, timeouts) are different classes: the
saga Catches `PaymentDeclined` and retries `TransientError`; the circuit breaker counts only the
latter. The class names are the Lambda errorTypes the state machine matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import Field

from shop.errors import Conflict, ServiceUnavailable, ShopError


class PaymentDeclined(ShopError):
    """The processor refused the card (declined, insufficient funds, expired, invalid)."""

    status = 402
    code = "PAYMENT_DECLINED"


class PaymentConflict(Conflict):
    """The processor refused an operation on an authorization in another state."""

    code = "PAYMENT_CONFLICT"


class TransientError(ServiceUnavailable):
    """The processor did not answer usefully (5xx, timeout, connection): safe to retry the same key."""

    code = "PAYMENT_PROVIDER_UNAVAILABLE"


# A card tokenized at the processor by the client ("pm_..."): the only payment data the shop handles.
PAYMENT_METHOD_PATTERN = r"^pm_[A-Za-z0-9]{1,64}$"
PaymentMethodId = Annotated[str, Field(pattern=PAYMENT_METHOD_PATTERN, max_length=67,
                                       description="A card tokenized at the processor (POST <tokenizeUrl>)")]


@dataclass(frozen=True)
class Authorization:
    id: str
    status: str  # authorized | captured | voided | refunded
    amount: int
    currency: str  # ISO 4217, upper case
    reference: str
    amount_captured: int = 0
    amount_refunded: int = 0
    card_brand: str | None = None  # what the processor says of the card: brand and last 4, nothing more
    card_last4: str | None = None

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> Authorization:
        card = body.get("card") or {}
        return cls(
            id=body["id"], status=body["status"], amount=int(body["amount"]),
            currency=str(body["currency"]).upper(), reference=body.get("reference", ""),
            amount_captured=int(body.get("amountCaptured", 0)), amount_refunded=int(body.get("amountRefunded", 0)),
            card_brand=card.get("brand"), card_last4=card.get("last4"),
        )


class PaymentProvider(Protocol):
    """A card processor. Every call carries an idempotency key: the same key never charges twice."""

    def authorize(self, *, amount: int, currency: str, payment_method: str, reference: str,
                  idempotency_key: str) -> Authorization: ...

    def capture(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def void(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def refund(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def find(self, reference: str) -> list[Authorization]: ...
