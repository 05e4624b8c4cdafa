"""The card processor: tokenize, authorize, capture, void, refund, with the state machine a real one enforces.

A card becomes a payment method (`pm_...`) when a client tokenizes it with the publishable key. The
sandbox keeps the card's brand, last 4 digits, expiry and what the test number does, never the number
or the CVC. A payment method is single-use, as Stripe's are unless attached to a customer: the first
authorization that uses it (approved or declined) consumes it; a second one is refused.

authorized --capture--> captured --refund(all)--> refunded
     |                      \\--refund(part)--> captured (amountRefunded grows)
     \\--void--> voided
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .cards import DECLINES, CardBehaviour, behaviour_of, brand_of, is_expired, luhn_valid
from .models import AuthorizationRequest, PaymentMethodRequest
from .store import AuthorizationNotFound, PaymentMethodNotFound, SandboxStore

EventSink = Callable[[str, dict[str, Any]], None]
_PRIVATE_FIELDS = ("merchant", "captureFails", "behaviour", "usedAt")


class SandboxError(Exception):
    """A processor answer that is not a success, with the HTTP status it maps to."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        decline_code: str | None = None,
        param: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.decline_code = decline_code
        self.param = param
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.decline_code is not None:
            error["declineCode"] = self.decline_code
        if self.param is not None:
            error["param"] = self.param
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def iso_time(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def public_view(authorization: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in authorization.items() if k not in _PRIVATE_FIELDS}


class Processor:
    def __init__(
        self,
        store: SandboxStore,
        publish: EventSink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._publish = publish or (lambda _type, _obj: None)
        self._clock = clock

    def tokenize(self, merchant: str, request: PaymentMethodRequest) -> dict[str, Any]:
        """A single-use payment method for the card; what the number does is decided here, once."""
        card = request.card
        if not luhn_valid(card.number):
            raise SandboxError(400, "invalid_request", "Your card number is incorrect.", param="card.number")
        payment_method = {
            "id": new_id("pm"),
            "object": "payment_method",
            "type": "card",
            "card": {"brand": brand_of(card.number), "last4": card.number[-4:],
                     "expMonth": card.exp_month, "expYear": card.exp_year},
            "createdAt": iso_time(self._clock()),
            "livemode": False,
            "merchant": merchant,
            "behaviour": behaviour_of(card.number).value,
        }
        self._store.create_payment_method(payment_method)
        self._store.count("paymentMethods")
        return public_view(payment_method)

    def get_payment_method(self, merchant: str, payment_method_id: str) -> dict[str, Any]:
        found = self._store.get_payment_method(payment_method_id)
        if found is None or found["merchant"] != merchant:
            raise _no_payment_method(payment_method_id)
        return public_view(found)

    def authorize(self, merchant: str, request: AuthorizationRequest) -> dict[str, Any]:
        payment_method = self._use_payment_method(merchant, request.payment_method)
        card = payment_method["card"]
        today = datetime.fromtimestamp(self._clock(), UTC)
        behaviour = CardBehaviour(payment_method["behaviour"])
        if is_expired(card["expMonth"], card["expYear"], today.year, today.month):
            behaviour = CardBehaviour.EXPIRED
        if behaviour is CardBehaviour.PROCESSING_ERROR:
            self._store.count("errors")
            raise SandboxError(500, "processing_error", "An error occurred while processing your card.")
        if behaviour in DECLINES:
            decline = DECLINES[behaviour]
            self._store.count("declines")
            self._publish(
                "authorization.failed",
                {"reference": request.reference, "amount": request.amount, "currency": request.currency,
                 "paymentMethod": payment_method["id"], "code": decline.code, "declineCode": decline.decline_code},
            )
            raise SandboxError(402, decline.code, decline.message, decline_code=decline.decline_code)
        now = self._clock()
        authorization = {
            "id": new_id("auth"),
            "object": "authorization",
            "status": "authorized",
            "amount": request.amount,
            "currency": request.currency,
            "reference": request.reference,
            "metadata": request.metadata or {},
            "paymentMethod": payment_method["id"],
            "card": dict(card),
            "amountCaptured": 0,
            "amountRefunded": 0,
            "refunds": [],
            "createdAt": iso_time(now),
            "capturedAt": None,
            "voidedAt": None,
            "merchant": merchant,
            "captureFails": behaviour is CardBehaviour.CAPTURE_FAILS,
        }
        self._store.create_authorization(authorization)
        self._record("authorization", authorization, request.amount, now)
        self._store.count("authorizations")
        shown = public_view(authorization)
        self._publish("authorization.succeeded", shown)
        return shown

    def get(self, merchant: str, authorization_id: str) -> dict[str, Any]:
        found = self._store.get_authorization(authorization_id)
        if found is None or found["merchant"] != merchant:
            raise _not_found(authorization_id)
        return public_view(found)

    def find(self, merchant: str, reference: str | None) -> list[dict[str, Any]]:
        found = self._store.find_authorizations(merchant, reference)
        return [public_view(a) for a in sorted(found, key=lambda a: a["createdAt"])]

    def capture(self, merchant: str, authorization_id: str, amount: int | None) -> dict[str, Any]:
        now = self._clock()

        def change(auth: dict[str, Any]) -> int:
            _check_owner(auth, merchant, authorization_id)
            if auth["status"] == "voided":
                raise SandboxError(409, "authorization_voided", "This authorization was voided; it cannot be captured.")
            if auth["status"] != "authorized":
                raise SandboxError(409, "already_captured", "This authorization has already been captured.")
            to_capture = auth["amount"] if amount is None else amount
            if to_capture > auth["amount"]:
                raise SandboxError(400, "amount_too_large",
                                   f"Cannot capture {to_capture}: only {auth['amount']} was authorized.",
                                   param="amount")
            if auth["captureFails"]:
                raise SandboxError(500, "processing_error", "An error occurred while capturing this charge.")
            auth.update(status="captured", amountCaptured=to_capture, capturedAt=iso_time(now))
            return to_capture

        try:
            captured = self._update(authorization_id, change)
        except SandboxError as error:
            if error.status >= 500:
                self._store.count("errors")
            raise
        auth = self.get(merchant, authorization_id)
        self._record("capture", auth, captured, now)
        self._store.count("captures")
        self._publish("charge.captured", auth)
        return auth

    def void(self, merchant: str, authorization_id: str) -> dict[str, Any]:
        now = self._clock()

        def change(auth: dict[str, Any]) -> int:
            _check_owner(auth, merchant, authorization_id)
            if auth["status"] == "voided":
                raise SandboxError(409, "already_voided", "This authorization has already been voided.")
            if auth["status"] != "authorized":
                raise SandboxError(409, "already_captured",
                                   "This authorization has been captured; refund it instead.")
            auth.update(status="voided", voidedAt=iso_time(now))
            return auth["amount"]

        released = self._update(authorization_id, change)
        auth = self.get(merchant, authorization_id)
        self._record("void", auth, released, now)
        self._store.count("voids")
        self._publish("authorization.voided", auth)
        return auth

    def refund(self, merchant: str, authorization_id: str, amount: int | None) -> dict[str, Any]:
        now = self._clock()

        def change(auth: dict[str, Any]) -> dict[str, Any]:
            _check_owner(auth, merchant, authorization_id)
            if auth["status"] not in ("captured", "refunded"):
                raise SandboxError(409, "charge_not_captured",
                                   "Only a captured charge can be refunded; void an authorization instead.")
            refundable = auth["amountCaptured"] - auth["amountRefunded"]
            if refundable == 0:
                raise SandboxError(409, "charge_already_refunded", "This charge has already been refunded.")
            to_refund = refundable if amount is None else amount
            if to_refund > refundable:
                raise SandboxError(400, "amount_too_large",
                                   f"Cannot refund {to_refund}: only {refundable} is left to refund.",
                                   param="amount")
            refund = {
                "id": new_id("re"), "object": "refund", "status": "succeeded", "amount": to_refund,
                "currency": auth["currency"], "authorizationId": authorization_id,
                "reference": auth["reference"], "createdAt": iso_time(now),
            }
            auth["amountRefunded"] += to_refund
            auth["refunds"].append(refund)
            if auth["amountRefunded"] == auth["amountCaptured"]:
                auth["status"] = "refunded"
            return refund

        refund = self._update(authorization_id, change)
        auth = self.get(merchant, authorization_id)
        self._record("refund", auth, refund["amount"], now, refundId=refund["id"])
        self._store.count("refunds")
        self._publish("charge.refunded", {**auth, "refund": refund})
        return refund

    def stats(self) -> dict[str, Any]:
        counters = self._store.counters()
        names = ("paymentMethods", "authorizations", "captures", "refunds", "voids", "declines", "errors")
        by_reference: dict[str, dict[str, Any]] = {}
        for entry in self._store.ledger():
            totals = by_reference.setdefault(
                entry["reference"],
                {"currency": entry["currency"], "authorized": 0, "captured": 0, "refunded": 0, "voided": 0,
                 "captures": 0, "refunds": 0},
            )
            column = {"authorization": "authorized", "capture": "captured", "refund": "refunded",
                      "void": "voided"}[entry["type"]]
            totals[column] += entry["amount"]
            if entry["type"] in ("capture", "refund"):
                totals[entry["type"] + "s"] += 1
        for totals in by_reference.values():
            totals["net"] = totals["captured"] - totals["refunded"]
        return {**{name: counters.get(name, 0) for name in names}, "byReference": by_reference}

    def _use_payment_method(self, merchant: str, payment_method_id: str) -> dict[str, Any]:
        found = self._store.get_payment_method(payment_method_id)
        if found is None or found["merchant"] != merchant:
            raise _no_payment_method(payment_method_id)
        try:
            first_use = self._store.use_payment_method(payment_method_id, iso_time(self._clock()))
        except PaymentMethodNotFound:
            raise _no_payment_method(payment_method_id) from None
        if not first_use:
            raise SandboxError(400, "payment_method_used",
                               "This payment method was already used; payment methods are single-use: "
                               "tokenize the card again.", param="paymentMethod")
        return found

    def _update(self, authorization_id: str, change: Callable[[dict[str, Any]], Any]) -> Any:
        try:
            return self._store.update_authorization(authorization_id, change)
        except AuthorizationNotFound:
            raise _not_found(authorization_id) from None

    def _record(self, kind: str, auth: dict[str, Any], amount: int, now: float, **extra: str) -> None:
        self._store.append_ledger({
            "id": new_id("txn"), "type": kind, "authorizationId": auth["id"], "reference": auth["reference"],
            "amount": amount, "currency": auth["currency"], "createdAt": iso_time(now), **extra,
        })


def _not_found(authorization_id: str) -> SandboxError:
    return SandboxError(404, "resource_missing", f"No such authorization: '{authorization_id}'.", param="id")


def _no_payment_method(payment_method_id: str) -> SandboxError:
    return SandboxError(400, "resource_missing", f"No such payment method: '{payment_method_id}'.",
                        param="paymentMethod")


def _check_owner(auth: dict[str, Any], merchant: str, authorization_id: str) -> None:
    if auth["merchant"] != merchant:
        raise _not_found(authorization_id)
