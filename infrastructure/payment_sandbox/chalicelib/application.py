"""The sandbox's HTTP API as a Chalice app: auth, switches, idempotency, then the processor."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalice import Chalice, CORSConfig, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from . import stack
from .keys import Account, Caller, KeyKind, KeyRing
from .models import AmountRequest, AuthorizationRequest, EmptyRequest, PaymentMethodRequest, Switches
from .processor import Processor, SandboxError
from .store import ClaimOutcome, InMemoryStore, SandboxStore, StoredResponse
from .switches import SwitchBoard
from .webhooks import WebhookDispatcher

DEFAULT_API_KEY = "sk_test_local"
DEFAULT_PUBLISHABLE_KEY = "pk_test_local"
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
_MAX_IDEMPOTENCY_KEY_LENGTH = 255
TOKENIZE_PATH = "/v1/payment_methods"
# Browsers call the tokenization endpoint directly from any storefront origin, with the publishable key.
TOKENIZE_CORS = CORSConfig(allow_origin="*", allow_headers=["Authorization", "Content-Type"], max_age=600)


@dataclass(frozen=True)
class SandboxSettings:
    """What a sandbox starts with: merchant accounts (secret + publishable key) and initial switches."""

    accounts: tuple[Account, ...] = (Account(DEFAULT_API_KEY, DEFAULT_PUBLISHABLE_KEY),)
    switches: Switches = field(default_factory=Switches)
    table_name: str | None = None  # a DynamoDB table to keep state in; None keeps it in memory

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
                 ) -> SandboxSettings:
        """SANDBOX_API_KEY and SANDBOX_PUBLISHABLE_KEY (comma-separated, paired by position: one merchant
        account each), SANDBOX_WEBHOOK_URL/_SECRET, SANDBOX_TABLE, then `overrides` (wire names, as
        `PUT /_sandbox/config` takes them). Deployed beside the shop, the keys come from its stack (`stack`)."""
        env = stack.resolve(os.environ if environ is None else environ)
        initial: dict[str, Any] = {}
        if env.get("SANDBOX_WEBHOOK_URL"):
            initial["webhookUrl"] = env["SANDBOX_WEBHOOK_URL"]
        if env.get("SANDBOX_WEBHOOK_SECRET"):
            initial["webhookSecret"] = env["SANDBOX_WEBHOOK_SECRET"]
        initial.update(overrides or {})
        return cls(accounts=accounts_from(env.get("SANDBOX_API_KEY", DEFAULT_API_KEY),
                                          env.get("SANDBOX_PUBLISHABLE_KEY", DEFAULT_PUBLISHABLE_KEY)),
                   switches=Switches.model_validate(initial), table_name=env.get("SANDBOX_TABLE") or None)


def accounts_from(secret_keys: str, publishable_keys: str = "") -> tuple[Account, ...]:
    """Accounts from comma-separated keys, the n-th publishable key with the n-th secret key."""
    secrets = [k.strip() for k in secret_keys.split(",") if k.strip()]
    publishable = [k.strip() for k in publishable_keys.split(",") if k.strip()]
    return tuple(Account(key, publishable[i] if i < len(publishable) else None) for i, key in enumerate(secrets))


def create_app(settings: SandboxSettings | None = None, store: SandboxStore | None = None) -> Chalice:
    """A fresh app with its own state (chalice.local rebinds an app's class, so one app per server)."""
    settings = settings or SandboxSettings.from_env()
    store = store or _default_store(settings)
    keys = KeyRing(settings.accounts)
    switchboard = SwitchBoard(settings.switches)
    webhooks = WebhookDispatcher(lambda: switchboard.current)
    processor = Processor(store, publish=webhooks.publish)
    app = Chalice(app_name="payment-sandbox")
    # Reachable by server.py (to add accounts, stop webhook threads) and tests; not part of the HTTP API.
    app.sandbox = _Parts(store, switchboard, webhooks, processor, keys)  # type: ignore[attr-defined]

    def _merchant() -> str:
        caller = keys.identify(_bearer(app.current_request))
        if caller is None:  # the middleware lets only known keys through: unreachable
            raise RuntimeError("no caller behind the authentication middleware")
        return caller.merchant

    @app.middleware("http")
    def authenticate_and_inject_faults(event: Request, get_response: Callable[[Request], Response]) -> Response:
        if event.method == "OPTIONS":
            return get_response(event)  # a CORS preflight carries no key
        refusal = _refusal(event.method, event.path, keys.identify(_bearer(event)))
        if refusal is not None:
            return _with_cors(event.path, _error(refusal))
        if not event.path.startswith("/_sandbox"):
            fault = switchboard.injected_fault()
            if fault is not None:
                store.count("errors")
                return _with_cors(event.path, _error(SandboxError(
                    503, "service_unavailable", f"The processor is unavailable ({fault}); retry later.")))
            if event.method != "POST":
                simulate_processing_time()  # POSTs wait inside `idempotent`, holding their key
        return get_response(event)

    def simulate_processing_time() -> None:
        delay = switchboard.delay_seconds()
        if delay > 0:
            time.sleep(delay)

    def idempotent(path: str, model: type[BaseModel], action: Callable[[Any], tuple[int, dict[str, Any]]],
                   *, key_required: bool) -> Response:
        """Run `action` at most once per (merchant, endpoint, Idempotency-Key) and replay its answer."""
        request = app.current_request
        try:
            payload = _json_body(request)
            parsed = _validate(model, payload)
        except SandboxError as error:
            return _error(error)  # invalid requests are not remembered, as at Stripe
        key = request.headers.get("idempotency-key")
        if key is None:
            if key_required:
                return _error(SandboxError(400, "idempotency_key_missing",
                                           "This endpoint requires an Idempotency-Key header.",
                                           param="Idempotency-Key"))
            simulate_processing_time()
            return _run(action, parsed)
        if not key or len(key) > _MAX_IDEMPOTENCY_KEY_LENGTH:
            return _error(SandboxError(400, "invalid_request", "Idempotency-Key must be 1 to 255 characters.",
                                       param="Idempotency-Key"))
        scope = f"{_merchant()} POST {path} {key}"
        fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        claim = store.claim_idempotency_key(scope, fingerprint, time.time(), IDEMPOTENCY_TTL_SECONDS)
        if claim.outcome is ClaimOutcome.IN_PROGRESS:
            return _error(SandboxError(409, "idempotency_in_progress",
                                       "A request with this Idempotency-Key is still being processed."))
        if claim.outcome is ClaimOutcome.MISMATCH:
            return _error(SandboxError(422, "idempotency_key_reused",
                                       "This Idempotency-Key was already used with a different request body."))
        if claim.outcome is ClaimOutcome.REPLAY and claim.response is not None:
            return Response(claim.response.body, status_code=claim.response.status,
                            headers={"Idempotent-Replayed": "true"})
        try:
            simulate_processing_time()
            status, body = _outcome(action, parsed)
        except BaseException:
            store.release_idempotency_key(scope)  # a crash is not an answer: the key may be retried
            raise
        store.finish_idempotency_key(scope, StoredResponse(status, body))
        return Response(body, status_code=status)

    @app.route(TOKENIZE_PATH, methods=["POST"], cors=TOKENIZE_CORS)
    def tokenize() -> Response:
        # Not idempotent on purpose: a retried tokenization makes another unused token, and no hash
        # of a card number is kept as an idempotency fingerprint.
        try:
            parsed = _validate(PaymentMethodRequest, _json_body(app.current_request))
        except SandboxError as error:
            return _error(error)
        simulate_processing_time()
        return _run(lambda req: (200, processor.tokenize(_merchant(), req)), parsed)

    @app.route(TOKENIZE_PATH + "/{payment_method_id}", methods=["GET"])
    def get_payment_method(payment_method_id: str) -> Response:
        return _run(lambda _: (200, processor.get_payment_method(_merchant(), payment_method_id)), None)

    @app.route("/v1/authorizations", methods=["POST"])
    def authorize() -> Response:
        return idempotent("/v1/authorizations", AuthorizationRequest,
                          lambda req: (201, processor.authorize(_merchant(), req)), key_required=True)

    @app.route("/v1/authorizations", methods=["GET"])
    def list_authorizations() -> Response:
        reference = (app.current_request.query_params or {}).get("reference")
        return Response({"object": "list", "items": processor.find(_merchant(), reference)})

    @app.route("/v1/authorizations/{authorization_id}", methods=["GET"])
    def get_authorization(authorization_id: str) -> Response:
        return _run(lambda _: (200, processor.get(_merchant(), authorization_id)), None)

    @app.route("/v1/authorizations/{authorization_id}/capture", methods=["POST"])
    def capture(authorization_id: str) -> Response:
        return idempotent(f"/v1/authorizations/{authorization_id}/capture", AmountRequest,
                          lambda req: (200, processor.capture(_merchant(), authorization_id, req.amount)),
                          key_required=False)

    @app.route("/v1/authorizations/{authorization_id}/void", methods=["POST"])
    def void(authorization_id: str) -> Response:
        return idempotent(f"/v1/authorizations/{authorization_id}/void", EmptyRequest,
                          lambda _: (200, processor.void(_merchant(), authorization_id)), key_required=False)

    @app.route("/v1/authorizations/{authorization_id}/refunds", methods=["POST"])
    def refund(authorization_id: str) -> Response:
        return idempotent(f"/v1/authorizations/{authorization_id}/refunds", AmountRequest,
                          lambda req: (201, processor.refund(_merchant(), authorization_id, req.amount)),
                          key_required=False)

    @app.route("/_sandbox/config", methods=["GET"])
    def get_config() -> Response:
        return Response(switchboard.current.public())

    @app.route("/_sandbox/config", methods=["PUT"])
    def put_config() -> Response:
        try:
            payload = _json_body(app.current_request)
            if not isinstance(payload, dict):
                raise SandboxError(400, "invalid_request", "The body must be a JSON object.")
            return Response(switchboard.update(payload).public())
        except ValidationError as error:
            return _error(_invalid(error))
        except SandboxError as error:
            return _error(error)

    @app.route("/_sandbox/reset", methods=["POST"])
    def reset() -> Response:
        store.reset()
        switchboard.reset()
        webhooks.reset_counts()
        return Response({"reset": True, "config": switchboard.current.public()})

    @app.route("/_sandbox/stats", methods=["GET"])
    def stats() -> Response:
        return Response({**processor.stats(), "webhooks": webhooks.counts()})

    @app.route("/_sandbox/ledger", methods=["GET"])
    def ledger() -> Response:
        reference = (app.current_request.query_params or {}).get("reference")
        return Response({"object": "list", "items": store.ledger(reference)})

    return app


def _default_store(settings: SandboxSettings) -> SandboxStore:
    if settings.table_name is None:
        return InMemoryStore()
    from .dynamodb_store import DynamoDBStore  # boto3 is only needed when a table is configured

    store = DynamoDBStore(settings.table_name)
    store.ensure_table()
    return store


@dataclass(frozen=True)
class _Parts:
    store: SandboxStore
    switchboard: SwitchBoard
    webhooks: WebhookDispatcher
    processor: Processor
    keys: KeyRing


def _refusal(method: str, path: str, caller: Caller | None) -> SandboxError | None:
    """Why this key may not make this call, or None. Publishable keys tokenize; secret keys do the rest."""
    if caller is None:
        return SandboxError(401, "unauthorized", "Invalid API key provided.")
    tokenizing = method == "POST" and path == TOKENIZE_PATH
    if tokenizing and caller.kind is not KeyKind.PUBLISHABLE:
        return SandboxError(403, "publishable_key_required",
                            "Cards are tokenized by the browser or app with the publishable key; "
                            "a server never sends card details.")
    if not tokenizing and caller.kind is not KeyKind.SECRET:
        return SandboxError(403, "secret_key_required",
                            "A publishable key can only create payment methods; this call needs the secret key.")
    return None


def _with_cors(path: str, response: Response) -> Response:
    """Answers the middleware gives on the tokenization route carry CORS headers too, so that a
    browser can read the error (Chalice adds them only to the route's own answers)."""
    if path == TOKENIZE_PATH:
        response.headers.update(TOKENIZE_CORS.get_access_control_headers())
    return response


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _json_body(request: Request) -> Any:
    raw = request.raw_body or b""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SandboxError(400, "invalid_request", "The body is not valid JSON.") from None


def _validate(model: type[BaseModel], payload: Any) -> BaseModel:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError) -> SandboxError:
    problems = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
    first = problems[0] if problems else {"field": None, "message": "invalid request"}
    return SandboxError(400, "invalid_request", f"{first['field']}: {first['message']}",
                        param=first["field"], details=problems)


def _outcome(action: Callable[[Any], tuple[int, dict[str, Any]]], parsed: Any) -> tuple[int, dict[str, Any]]:
    try:
        return action(parsed)
    except SandboxError as error:
        return error.status, error.body()


def _run(action: Callable[[Any], tuple[int, dict[str, Any]]], parsed: Any) -> Response:
    status, body = _outcome(action, parsed)
    return Response(body, status_code=status)


def _error(error: SandboxError) -> Response:
    return Response(error.body(), status_code=error.status)
