"""Where the sandbox keeps its state: idempotency records, payment methods, authorizations, the ledger,
counters.

`SandboxStore` is the interface; `InMemoryStore` is the one implementation (state lives in the
process, so a deployed sandbox keeps it per Lambda container).
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
# Longer than any request can run (latency switches stop at 60 s), shorter than a retrying client's patience.
IN_FLIGHT_LEASE_SECONDS = 120.0


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


class ClaimOutcome(Enum):
    STARTED = "started"  # the caller owns the key until it finishes or releases it
    REPLAY = "replay"  # same key, same body, finished: answer with the stored response
    IN_PROGRESS = "in_progress"  # another request holds the key right now
    MISMATCH = "mismatch"  # same key, different body


@dataclass(frozen=True)
class Claim:
    outcome: ClaimOutcome
    response: StoredResponse | None = None


@dataclass
class _IdempotencyRecord:
    fingerprint: str
    expires_at: float
    locked_until: float  # a claim whose request died (crash, timeout) is taken over after this
    response: StoredResponse | None = None  # None while the first request is in flight


class AuthorizationNotFound(KeyError):
    pass


class PaymentMethodNotFound(KeyError):
    pass


class SandboxStore(Protocol):
    def claim_idempotency_key(self, scope: str, fingerprint: str, now: float, ttl_seconds: float) -> Claim: ...
    def finish_idempotency_key(self, scope: str, response: StoredResponse) -> None: ...
    def release_idempotency_key(self, scope: str) -> None: ...
    def create_payment_method(self, payment_method: dict[str, Any]) -> None: ...
    def get_payment_method(self, payment_method_id: str) -> dict[str, Any] | None: ...
    def use_payment_method(self, payment_method_id: str, used_at: str) -> bool: ...
    def create_authorization(self, authorization: dict[str, Any]) -> None: ...
    def get_authorization(self, authorization_id: str) -> dict[str, Any] | None: ...
    def update_authorization(self, authorization_id: str, change: Callable[[dict[str, Any]], T]) -> T: ...
    def find_authorizations(self, merchant: str, reference: str | None) -> list[dict[str, Any]]: ...
    def append_ledger(self, entry: dict[str, Any]) -> None: ...
    def ledger(self, reference: str | None = None) -> list[dict[str, Any]]: ...
    def count(self, counter: str, by: int = 1) -> None: ...
    def counters(self) -> dict[str, int]: ...
    def reset(self) -> None: ...


class InMemoryStore:
    """Thread-safe: one short lock guards the maps; an idempotency key stays claimed (a per-key
    lock that other requests see as 409) for as long as its first request runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._idempotency: dict[str, _IdempotencyRecord] = {}
            self._payment_methods: dict[str, dict[str, Any]] = {}
            self._authorizations: dict[str, dict[str, Any]] = {}
            self._ledger: list[dict[str, Any]] = []
            self._counters: Counter[str] = Counter()

    def claim_idempotency_key(self, scope: str, fingerprint: str, now: float, ttl_seconds: float) -> Claim:
        with self._lock:
            record = self._idempotency.get(scope)
            abandoned = record is not None and record.response is None and record.locked_until <= now
            if record is None or record.expires_at <= now or abandoned:
                self._idempotency[scope] = _IdempotencyRecord(
                    fingerprint, now + ttl_seconds, now + IN_FLIGHT_LEASE_SECONDS)
                if record is not None:
                    self._purge_expired(now)
                return Claim(ClaimOutcome.STARTED)
            if record.response is None:
                return Claim(ClaimOutcome.IN_PROGRESS)
            if record.fingerprint != fingerprint:
                return Claim(ClaimOutcome.MISMATCH)
            return Claim(ClaimOutcome.REPLAY, record.response)

    def finish_idempotency_key(self, scope: str, response: StoredResponse) -> None:
        with self._lock:
            record = self._idempotency.get(scope)
            if record is not None:
                record.response = response

    def release_idempotency_key(self, scope: str) -> None:
        with self._lock:
            self._idempotency.pop(scope, None)

    def _purge_expired(self, now: float) -> None:
        for scope in [s for s, r in self._idempotency.items() if r.expires_at <= now]:
            del self._idempotency[scope]

    def create_payment_method(self, payment_method: dict[str, Any]) -> None:
        with self._lock:
            self._payment_methods[payment_method["id"]] = copy.deepcopy(payment_method)

    def get_payment_method(self, payment_method_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._payment_methods.get(payment_method_id)
            return copy.deepcopy(found) if found is not None else None

    def use_payment_method(self, payment_method_id: str, used_at: str) -> bool:
        """Mark a payment method used; False when it was used already (it is single-use)."""
        with self._lock:
            found = self._payment_methods.get(payment_method_id)
            if found is None:
                raise PaymentMethodNotFound(payment_method_id)
            if found.get("usedAt"):
                return False
            found["usedAt"] = used_at
            return True

    def create_authorization(self, authorization: dict[str, Any]) -> None:
        with self._lock:
            self._authorizations[authorization["id"]] = copy.deepcopy(authorization)

    def get_authorization(self, authorization_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._authorizations.get(authorization_id)
            return copy.deepcopy(found) if found is not None else None

    def update_authorization(self, authorization_id: str, change: Callable[[dict[str, Any]], T]) -> T:
        """Apply `change` to a copy and keep it only if `change` returns without raising."""
        with self._lock:
            current = self._authorizations.get(authorization_id)
            if current is None:
                raise AuthorizationNotFound(authorization_id)
            draft = copy.deepcopy(current)
            result = change(draft)
            self._authorizations[authorization_id] = draft
            return result

    def find_authorizations(self, merchant: str, reference: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(a)
                for a in self._authorizations.values()
                if a["merchant"] == merchant and (reference is None or a["reference"] == reference)
            ]

    def append_ledger(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._ledger.append(dict(entry))

    def ledger(self, reference: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._ledger if reference is None or e["reference"] == reference]

    def count(self, counter: str, by: int = 1) -> None:
        with self._lock:
            self._counters[counter] += by

    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counters)
