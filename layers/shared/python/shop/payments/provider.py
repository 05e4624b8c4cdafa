"""What the shop needs of a card processor, and the errors every adapter raises.

Business outcomes (a decline) and transient failures (5xx, timeouts) are different classes: the
saga Catches `PaymentDeclined` and retries `TransientError`; the circuit breaker counts only the
latter. The class names are the Lambda errorTypes the state machine matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shop.errors import Conflict, ServiceUnavailable, ShopError
from shop.fields import Integer


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


class Card(BaseModel):
    """A test card as the client sends it (a real deployment sends a processor token instead)."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, Field(pattern=r"^[0-9]{12,19}$", description="Digits only")]
    expMonth: Integer(ge=1, le=12)
    expYear: Integer(ge=2000, le=2100)
    cvc: Annotated[str, Field(pattern=r"^[0-9]{3,4}$")]


@dataclass(frozen=True)
class Authorization:
    id: str
    status: str  # authorized | captured | voided | refunded
    amount: int
    currency: str  # ISO 4217, upper case
    reference: str
    amount_captured: int = 0
    amount_refunded: int = 0

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> Authorization:
        return cls(
            id=body["id"], status=body["status"], amount=int(body["amount"]),
            currency=str(body["currency"]).upper(), reference=body.get("reference", ""),
            amount_captured=int(body.get("amountCaptured", 0)), amount_refunded=int(body.get("amountRefunded", 0)),
        )


class PaymentProvider(Protocol):
    """A card processor. Every call carries an idempotency key: the same key never charges twice."""

    def authorize(self, *, amount: int, currency: str, card: Card, reference: str,
                  idempotency_key: str) -> Authorization: ...

    def capture(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def void(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def refund(self, authorization_id: str, *, idempotency_key: str) -> Authorization: ...

    def find(self, reference: str) -> list[Authorization]: ...
