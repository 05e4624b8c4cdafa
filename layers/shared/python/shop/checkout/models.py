"""POST /checkout: the body, and the answer.

The body names the card by the token the client made at the processor (`paymentMethodId`, from
`POST <tokenizeUrl>` with the publishable key in GET /config). Card details themselves never reach the
shop: a body that carries them is refused with 422 CARD_DATA_NOT_ACCEPTED before anything reads it
further, and nothing of it is logged or stored.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shop.errors import Unprocessable
from shop.payments.provider import PaymentMethodId

Text = Annotated[str, Field(max_length=200)]
# Keys that only card details have (so the old `paymentMethod: {card: {...}}` body is caught too).
CARD_KEYS = frozenset({"card", "number", "cardnumber", "pan", "cvc", "cvv", "cvv2", "cvn",
                       "securitycode", "expmonth", "expyear", "expiry", "expirydate"})
_CARD_SHAPED = re.compile(r"(?:[0-9][ -]?){12,18}[0-9]")


class CardDataNotAccepted(Unprocessable):
    """The body carries card details: the client must tokenize the card at the processor first."""

    code = "CARD_DATA_NOT_ACCEPTED"


def refuse_card_data(body: Any) -> None:
    """Raise CardDataNotAccepted when `body` has card fields or a string that is a card number (Luhn)."""
    keys, texts = _walk(body)
    if any(_normal(key) in CARD_KEYS for key in keys) or any(_is_card_number(text) for text in texts):
        raise CardDataNotAccepted(
            "card details are never sent to the shop: tokenize the card at the payment processor first "
            "(POST payments.tokenizeUrl from GET /config with payments.publishableKey) and send "
            "{\"paymentMethodId\": \"pm_...\"}",
            details={"tokenize": "GET /config -> payments.tokenizeUrl", "field": "paymentMethodId"},
        )


class ShippingAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    line1: Text
    line2: Text | None = None
    city: Text
    postalCode: Annotated[str, Field(max_length=20)]
    region: Text | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class CheckoutBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paymentMethodId: PaymentMethodId
    shippingAddress: ShippingAddress | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_card_data(cls, data: Any) -> Any:
        # Raised as a ShopError, not a ValueError: pydantic lets it through, so the client gets this
        # error (and its instructions) instead of a list of unexpected fields that echo nothing useful.
        refuse_card_data(data)
        return data


class CheckoutAccepted(BaseModel):
    orderId: str
    status: Literal["PENDING", "CONFIRMED", "FAILED", "CANCELLED"]


def _walk(value: Any) -> tuple[list[str], list[str]]:
    """Every key and every string or integer value in a JSON document (iterative: any depth)."""
    keys: list[str] = []
    texts: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            keys.extend(str(key) for key in item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            texts.append(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            texts.append(str(item))
    return keys, texts


def _normal(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _is_card_number(text: str) -> bool:
    """A value that is a card number: 13-19 digits (spaces or dashes between them allowed), a card network's
    first digit (2 to 6), Luhn-valid. Only whole values: a digit run inside other text (a token's random
    characters, a long reference) is not a card someone typed, and refusing it would refuse valid requests."""
    value = text.strip().removeprefix("pm_")  # a card number dressed as a token is still a card number
    if not _CARD_SHAPED.fullmatch(value):
        return False
    digits = re.sub(r"\D", "", value)
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and _luhn_valid(digits)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
