"""Merchant accounts and their API keys, as a card processor issues them.

Each account has a secret key (the merchant's servers: authorize, capture, refund, the switches) and
a publishable key (browsers and apps: tokenize a card, nothing else). The publishable key is public
by design: it can only turn a card into a single-use token that only the same account's secret key
can charge. Accounts can be added while the sandbox runs (the local cloud registers the keys the
template's secrets hold once it has created them).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass
from enum import Enum


class KeyKind(Enum):
    SECRET = "secret"  # noqa: S105 - the kind of key, not a key
    PUBLISHABLE = "publishable"


@dataclass(frozen=True)
class Account:
    secret_key: str
    publishable_key: str | None = None

    @property
    def merchant(self) -> str:
        return merchant_of(self.secret_key)


@dataclass(frozen=True)
class Caller:
    merchant: str
    kind: KeyKind


def merchant_of(secret_key: str) -> str:
    """A stable merchant account id per secret key: idempotency keys and data are scoped by it."""
    return "acct_" + hashlib.sha256(secret_key.encode()).hexdigest()[:16]


class KeyRing:
    """The accounts the sandbox knows; thread-safe, keys compared in constant time."""

    def __init__(self, accounts: tuple[Account, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._accounts: list[Account] = []
        for account in accounts:
            self.add(account)

    def add(self, account: Account) -> None:
        if not account.secret_key:
            raise ValueError("an account needs a secret key")
        with self._lock:
            if account not in self._accounts:
                self._accounts.append(account)

    @property
    def accounts(self) -> tuple[Account, ...]:
        with self._lock:
            return tuple(self._accounts)

    def identify(self, token: str | None) -> Caller | None:
        """Who presents `token`, or None for an unknown key."""
        if not token:
            return None
        presented = token.encode()
        found: Caller | None = None
        for account in self.accounts:  # every key is compared, so timing does not tell which matched
            if hmac.compare_digest(presented, account.secret_key.encode()):
                found = Caller(account.merchant, KeyKind.SECRET)
            if account.publishable_key and hmac.compare_digest(presented, account.publishable_key.encode()):
                found = Caller(account.merchant, KeyKind.PUBLISHABLE)
        return found
