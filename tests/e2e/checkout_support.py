"""What the checkout, order, payment and notification end-to-end tests share.

One local cloud running template.yaml with its own payment sandbox, with a short breaker open period
and fault injection on, started through the session's `start_local_cloud` factory (so every module of
ours gets the same one). The tests act as clients over HTTP: a card is tokenized at the sandbox as a
storefront does it (GET /config for the URL and the publishable key), then `POST /checkout` gets the
token. They read the truth where a client cannot: the sandbox's stats and ledger (with the secret key
read from the stack's Secrets Manager secret, as an operator would), moto's sent emails, an SQS queue
subscribed to the bus.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
STACK = "shop-checkout-e2e"
BREAKER_OPEN_SECONDS = 12
APPROVE, DECLINE = "4242424242424242", "4000000000000002"
# The CVC every test card is tokenized with: distinctive, so that a scan can tell a leak from chance.
CVC = "7319"
PASSWORD = "Passw0rd-e2e"
FINAL = ("CONFIRMED", "FAILED", "CANCELLED")
OVERRIDES = {
    "PaymentBreakerOpenSeconds": str(BREAKER_OPEN_SECONDS),
    "PaymentBreakerMinimumCalls": "6",
    "PaymentBreakerWindowSize": "10",
    "FaultInjection": "enabled",
}


def card(number: str = APPROVE) -> dict[str, Any]:
    """What a browser sends to the processor's tokenization endpoint (never to the shop)."""
    return {"card": {"number": number, "expMonth": 12, "expYear": 2040, "cvc": CVC}}


@dataclass
class User:
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Shop:
    """The running system as the tests drive and observe it."""

    cloud: Any
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))
    _admin: User | None = None
    _config: dict[str, Any] | None = None
    _secret_key: str | None = None
    _events_queue: str | None = None
    _seen: list[dict[str, Any]] = field(default_factory=list)

    # ------------------------------------------------------------------ clients
    def api(self, method: str, path: str, user: User | None = None, **kwargs: Any) -> httpx.Response:
        headers = {**(user.headers if user else {}), **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.cloud.api_url}{path}", headers=headers, **kwargs)

    def sign_up(self, prefix: str = "buyer", admin: bool = False) -> User:
        email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        created = self.api("POST", "/auth/signup", json={"email": email, "password": PASSWORD})
        assert created.status_code == 201, created.text
        if admin:
            self.cloud.client("cognito-idp").admin_add_user_to_group(
                UserPoolId=self.cloud.user_pool_id, Username=email, GroupName="admin"
            )
        login = self.api("POST", "/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return User(email, login.json()["idToken"])

    def sign_up_many(self, count: int) -> list[User]:
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda _: self.sign_up("crowd"), range(count)))

    @property
    def admin(self) -> User:
        if self._admin is None:
            self._admin = self.sign_up("admin", admin=True)
        return self._admin

    # ------------------------------------------------------------------ catalog, stock, cart
    def product(self, stock: int, price: int = 1999) -> str:
        """A new product with `stock` units; its SKU."""
        sku = f"E2E-{uuid.uuid4().hex[:8].upper()}"
        created = self.api(
            "POST",
            "/products",
            self.admin,
            json={"sku": sku, "name": f"Test {sku}", "category": "home", "price": price, "currency": "USD"},
        )
        assert created.status_code == 201, created.text
        stocked = self.api("PUT", f"/inventory/{sku}", self.admin, json={"available": stock})
        assert stocked.status_code == 200, stocked.text
        return sku

    def stock(self, sku: str) -> dict[str, Any]:
        answer = self.api("GET", f"/inventory/{sku}", self.admin)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def add_to_cart(self, user: User, sku: str, quantity: int = 1) -> None:
        added = self.api("POST", "/cart/items", user, json={"sku": sku, "quantity": quantity})
        assert added.status_code in (200, 201), added.text

    # ------------------------------------------------------------------ checkout and orders
    @property
    def config(self) -> dict[str, Any]:
        """GET /config, as a storefront reads it (once)."""
        if self._config is None:
            answer = self.api("GET", "/config")
            assert answer.status_code == 200, answer.text
            self._config = answer.json()
        return self._config

    def tokenize(self, number: str = APPROVE) -> str:
        """What the customer's browser does: the card straight to the processor with the publishable key."""
        payments = self.config["payments"]
        answer = self.http.post(payments["tokenizeUrl"], json=card(number),
                                headers={"Authorization": f"Bearer {payments['publishableKey']}"})
        assert answer.status_code == 200, answer.text
        return answer.json()["id"]

    def checkout(
        self, user: User, key: str | None = None, payment_method: str | None = None, number: str = APPROVE
    ) -> httpx.Response:
        """POST /checkout with a token (a new one for the card `number` unless `payment_method` is given)."""
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        body = {"paymentMethodId": payment_method or self.tokenize(number)}
        return self.api("POST", "/checkout", user, headers=headers, json=body)

    def order(self, user: User, order_id: str) -> httpx.Response:
        return self.api("GET", f"/orders/{order_id}", user)

    def wait_for_order(
        self, user: User, order_id: str, statuses: Iterable[str] = FINAL, timeout: float = 60
    ) -> dict[str, Any]:
        wanted, deadline, last = set(statuses), time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            answer = self.order(user, order_id)
            if answer.status_code == 200:
                last = answer.json()
                if last["status"] in wanted:
                    return last
            time.sleep(0.2)
        raise AssertionError(f"order {order_id} not in {wanted} after {timeout}s: {last}")

    def wait_until(self, probe: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = probe()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"{what} not met within {timeout}s")

    # ------------------------------------------------------------------ the payment sandbox
    def secret(self, output: str) -> str:
        """The value of one of the stack's secrets (PaymentProviderSecretArn, PaymentWebhookSecretArn)."""
        return self.cloud.client("secretsmanager").get_secret_value(SecretId=self.cloud.outputs[output])["SecretString"]

    @property
    def sandbox_url(self) -> str:
        return self.cloud.health["paymentSandboxUrl"]

    def sandbox_call(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._secret_key is None:
            self._secret_key = self.secret("PaymentProviderSecretArn")
        answer = self.http.request(
            method,
            f"{self.sandbox_url}{path}",
            headers={"Authorization": f"Bearer {self._secret_key}"},
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json()

    def payments_of(self, order_id: str) -> dict[str, Any]:
        """The sandbox's totals for an order (authorized, captured, refunded, voided, captures, refunds, net)."""
        return self.sandbox_call("GET", "/_sandbox/stats")["byReference"].get(order_id, {})

    def ledger(self, order_id: str) -> list[str]:
        return [
            entry["type"]
            for entry in self.sandbox_call("GET", f"/_sandbox/ledger?reference={order_id}")["items"]
        ]

    def configure_sandbox(self, **switches: Any) -> None:
        self.sandbox_call("PUT", "/_sandbox/config", json=switches)

    # ------------------------------------------------------------------ what left the system
    def sent_emails(self, to: str | None = None, mentioning: str | None = None) -> list[dict[str, Any]]:
        """The emails SES sent (moto's data.json), oldest first, optionally only those to `to` and/or
        mentioning `mentioning` (an order id, say) in their subject or body.

        Each is {"id", "source", "to": [addresses], "subject", "body"}; raw and templated mails carry
        their raw data / template data as the body. data.json is read fresh on every call.
        """
        answer = self.http.get(f"{self.cloud.aws_url}/moto-api/data.json")
        assert answer.status_code == 200, f"moto data.json: {answer.status_code} {answer.text[:300]}"
        ses = answer.json().get("ses", {})
        emails = []
        for kind in ("Message", "RawMessage", "TemplateMessage"):
            for message in ses.get(kind, []):
                emails.append({
                    "id": message.get("id"),
                    "source": message.get("source"),
                    "to": _addresses(message.get("destinations")),
                    "subject": str(message.get("subject") or ""),
                    "body": str(message.get("body") or message.get("raw_data") or message.get("template_data") or ""),
                })
        if to is not None:
            emails = [e for e in emails if to.lower() in (a.lower() for a in e["to"])]
        if mentioning is not None:
            emails = [e for e in emails if mentioning in e["subject"] or mentioning in e["body"]]
        return emails

    def emails_to(self, address: str) -> int:
        """How many emails SES sent to `address`."""
        return len(self.sent_emails(to=address))

    def wait_for_emails(
        self, to: str, mentioning: str | None = None, count: int = 1, timeout: float = 30
    ) -> list[dict[str, Any]]:
        """Wait until at least `count` emails to `to` (mentioning `mentioning`) went out, let the queues
        drain so that any duplicate would be out too, and return them all (callers assert the count)."""
        self.wait_until(
            lambda: len(self.sent_emails(to, mentioning)) >= count,
            timeout=timeout,
            what=f"{count} email(s) to {to} mentioning {mentioning}",
        )
        self.cloud.drain()  # asserts it drained
        return self.sent_emails(to, mentioning)

    def bus_events(self) -> list[dict[str, Any]]:
        """Every event put on the bus since the shop started (via an SQS queue subscribed to all of them)."""
        self.events_for("")
        return list(self._seen)

    def events_for(self, order_id: str) -> list[str]:
        """Event types about the order published on the bus so far (via an SQS queue subscribed to it)."""
        sqs = self.cloud.client("sqs")
        url = self.events_queue()
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not batch:
                break
            for message in batch:
                self._seen.append(json.loads(message["Body"]))
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
            )
        return [
            e["detail-type"]
            for e in self._seen
            if e.get("detail", {}).get("data", {}).get("orderId") == order_id
        ]

    def events_queue(self) -> str:
        if self._events_queue is None:
            events = self.cloud.client("events")
            url, arn = self.cloud.event_queue("checkout-e2e-events")
            bus = self.cloud.outputs["EventBusName"]
            events.put_rule(
                Name="checkout-e2e-tap",
                EventBusName=bus,
                EventPattern=json.dumps({"source": [{"prefix": ""}]}),  # every event put on the bus
            )
            events.put_targets(Rule="checkout-e2e-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])
            self._events_queue = url
        return self._events_queue

    def reset_breaker(self) -> None:
        """Close the stack's payment breaker (its state outlives a run in the local cloud's Redis)."""
        import redis

        config = self.cloud.client("lambda").get_function_configuration(
            FunctionName=f"{STACK}-PaymentAuthorizeFunction")
        variables = config["Environment"]["Variables"]
        client = redis.Redis.from_url(variables["REDIS_URL"])
        client.delete(*[f"cb:{{{variables['PAYMENT_BREAKER_NAME']}}}:{part}" for part in ("state", "window")])
        client.close()

    def inject_faults(self, steps: list[str]) -> None:
        self.cloud.client("ssm").put_parameter(
            Name=f"/{STACK}/faults", Value=json.dumps(steps), Type="String", Overwrite=True
        )


def _addresses(destinations: Any) -> list[str]:
    """Every address in an SES Destination ({"ToAddresses": [...], ...}) or Destinations list."""
    if isinstance(destinations, str):
        return [destinations]
    if isinstance(destinations, dict):
        return [a for value in destinations.values() for a in _addresses(value)]
    if isinstance(destinations, list):
        return [a for value in destinations for a in _addresses(value)]
    return []


def start_shop(start_local_cloud: Callable[..., Any]) -> Shop:
    """The shared local cloud (its sandbox already sends signed webhooks to its API)."""
    cloud = start_local_cloud(ROOT / "template.yaml", OVERRIDES, stack_name=STACK)
    shop = Shop(cloud)
    shop.reset_breaker()
    shop.events_queue()
    return shop
