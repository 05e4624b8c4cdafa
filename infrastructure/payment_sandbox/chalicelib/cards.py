"""Test card numbers and what the sandbox does with each, Stripe-style."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class CardBehaviour(Enum):
    APPROVE = "approve"
    DECLINE = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    PROCESSING_ERROR = "processing_error"
    CAPTURE_FAILS = "capture_fails"


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str
    message: str


TEST_CARDS: dict[str, CardBehaviour] = {
    "4242424242424242": CardBehaviour.APPROVE,
    "4000000000000002": CardBehaviour.DECLINE,
    "4000000000009995": CardBehaviour.INSUFFICIENT_FUNDS,
    "4000000000000069": CardBehaviour.EXPIRED,
    "4000000000000127": CardBehaviour.INCORRECT_CVC,
    "4000000000000119": CardBehaviour.PROCESSING_ERROR,
    "4000000000006975": CardBehaviour.CAPTURE_FAILS,
}

DECLINES: dict[CardBehaviour, Decline] = {
    CardBehaviour.DECLINE: Decline("card_declined", "generic_decline", "Your card was declined."),
    CardBehaviour.INSUFFICIENT_FUNDS: Decline(
        "insufficient_funds", "insufficient_funds", "Your card has insufficient funds."
    ),
    CardBehaviour.EXPIRED: Decline("expired_card", "expired_card", "Your card has expired."),
    CardBehaviour.INCORRECT_CVC: Decline(
        "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."
    ),
}


def luhn_valid(number: str) -> bool:
    """The Luhn checksum every real card number satisfies."""
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def behaviour_of(number: str) -> CardBehaviour:
    """What a (Luhn-valid) card does; unknown valid numbers approve, as in Stripe's test mode.

    Decided when the card is tokenized, so the sandbox keeps the behaviour and never the number.
    """
    return TEST_CARDS.get(number, CardBehaviour.APPROVE)


def is_expired(exp_month: int, exp_year: int, today_year: int, today_month: int) -> bool:
    """A card is valid through the last day of its expiry month."""
    return (exp_year, exp_month) < (today_year, today_month)


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    return "unknown"
