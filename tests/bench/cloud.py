"""The system under measurement: the local cloud (tests/conftest.py's starter, with its own payment
sandbox), seeded, and a small HTTP client for the shop's API and for card tokenization at the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests import conftest
from tests.conftest import ROOT, LocalCloudHandle, launch, stop

# a shared 2-core machine can take minutes to start a cloud; the bench would rather wait than fail
conftest.STARTUP_TIMEOUT_S = max(conftest.STARTUP_TIMEOUT_S, 240)

TEMPLATE = ROOT / "template.yaml"
APPROVED_CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
SHIPPING = {"name": "Bench Buyer", "line1": "1 Load Street", "city": "Lisbon", "postalCode": "1000-001", "country": "PT"}
FINAL_STATES = {"CONFIRMED", "FAILED", "CANCELLED"}
ADMIN = ("admin@example.com", "admin-pass-123")  # created by scripts/seed.py
BENCH_SKUS = 40  # the first products of the catalog, stocked up: what latency, cost and load buy


def template_parameters(template: Path = TEMPLATE) -> set[str]:
    """The template's parameter names (to pass only the switches it knows)."""
    from samtranslator.yaml_helper import yaml_parse  # noqa: PLC0415 - reads !Ref and friends

    return set((yaml_parse(template.read_text()).get("Parameters") or {}).keys())


@dataclass
class Shop:
    """One running local cloud, seeded, and what a benchmark needs to talk to it."""

    cloud: LocalCloudHandle
    name: str
    overrides: dict[str, str]
    recording: Path
    seed_s: float = 0.0
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    _config: dict[str, Any] | None = None

    @property
    def api(self) -> str:
        return self.cloud.api_url

    def http(self) -> httpx.Client:
        return self._http

    # ------------------------------------------------------------------ users
    def sign_up(self, email: str | None = None, password: str = "bench-pass-123") -> dict[str, str]:
        """A new customer, signed in: {"email", "userId", "idToken"}."""
        email = email or f"bench-{uuid.uuid4().hex[:10]}@example.com"
        response = self._http.post(f"{self.api}/auth/signup", json={"email": email, "password": password})
        response.raise_for_status()
        user_id = response.json()["userId"]
        return {"email": email, "userId": user_id, **self.sign_in(email, password)}

    def sign_in(self, email: str, password: str) -> dict[str, str]:
        response = self._http.post(f"{self.api}/auth/login", json={"email": email, "password": password})
        response.raise_for_status()
        return {"idToken": response.json()["idToken"]}

    @staticmethod
    def auth(user: dict[str, str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {user['idToken']}"}

    # ------------------------------------------------------------------ catalog
    def admin(self) -> dict[str, str]:
        return self.sign_in(*ADMIN)

    def stock_up(self, skus: list[str], available: int = 1_000_000) -> None:
        """Plenty of stock for the SKUs the benchmarks buy (the demo catalog has some at 0)."""
        admin = self.admin()
        for sku in skus:
            response = self._http.put(f"{self.api}/inventory/{sku}", json={"available": available}, headers=self.auth(admin))
            response.raise_for_status()

    def product_ids(self, limit: int = 100) -> list[dict[str, Any]]:
        """Active products as the API lists them (id, sku, price ...), up to `limit`."""
        items: list[dict[str, Any]] = []
        cursor = None
        while len(items) < limit:
            params: dict[str, Any] = {"limit": min(100, limit - len(items))}
            if cursor:
                params["cursor"] = cursor
            response = self._http.get(f"{self.api}/products", params=params)
            response.raise_for_status()
            page = response.json()
            items += page["items"]
            cursor = page.get("nextCursor")
            if not cursor:
                break
        return items

    # ------------------------------------------------------------------ checkout
    def add_to_cart(self, user: dict[str, str], sku: str, quantity: int = 1) -> httpx.Response:
        return self._http.post(f"{self.api}/cart/items", json={"sku": sku, "quantity": quantity}, headers=self.auth(user))

    def payments_config(self) -> dict[str, str]:
        """GET /config's payments settings (tokenizeUrl, publishableKey), read once as a storefront does."""
        if self._config is None:
            response = self._http.get(f"{self.api}/config")
            response.raise_for_status()
            self._config = response.json()
        return self._config["payments"]

    def tokenize(self, client: httpx.Client | None = None) -> str:
        """The browser's part of a checkout: the card to the processor with the publishable key -> "pm_..."."""
        payments = self.payments_config()
        response = (client or self._http).post(payments["tokenizeUrl"], json={"card": APPROVED_CARD},
                                               headers={"Authorization": f"Bearer {payments['publishableKey']}"})
        response.raise_for_status()
        return response.json()["id"]

    def checkout(self, user: dict[str, str], key: str | None = None, payment_method: str | None = None,
                 client: httpx.Client | None = None) -> httpx.Response:
        """POST /checkout with a card token (tokenized first unless `payment_method` is given)."""
        headers = {**self.auth(user), "Idempotency-Key": key or uuid.uuid4().hex}
        body = {"paymentMethodId": payment_method or self.tokenize(client), "shippingAddress": SHIPPING}
        return (client or self._http).post(f"{self.api}/checkout", headers=headers, json=body)

    def order(self, user: dict[str, str], order_id: str) -> httpx.Response:
        return self._http.get(f"{self.api}/orders/{order_id}", headers=self.auth(user))

    def wait_final(self, user: dict[str, str], order_id: str, timeout: float = 60, interval: float = 0.02) -> str:
        """Poll GET /orders/{id} until the order reaches a final state; returns the status (or TIMEOUT)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                response = self.order(user, order_id)
            except httpx.TransportError:  # a stalled gateway under load: ask again
                continue
            if response.status_code == 200:
                status = response.json().get("status")
                if status in FINAL_STATES:
                    return status
            time.sleep(interval)
        return "TIMEOUT"

    # ------------------------------------------------------------------ control API
    def functions(self) -> dict[str, Any]:
        return self.cloud.functions()

    def reset_counters(self) -> None:
        self.cloud.reset_counters()

    def drain(self, timeout: float = 60) -> bool:
        status, _ = self.cloud.control("POST", f"drain?timeout={timeout}", timeout=timeout + 5)
        return status == 200

    def moto_api(self, method: str, path: str) -> Any:
        response = httpx.request(method, f"{self.cloud.aws_url}/moto-api/{path}", timeout=30)
        response.raise_for_status()
        return response.json() if response.content and response.headers.get("content-type", "").startswith("application/json") else response.text


def seed(cloud: LocalCloudHandle) -> float:
    """Run the project's seed script against the cloud; returns how long it took."""
    started = time.monotonic()
    env = {**os.environ, "AWS_DEFAULT_REGION": cloud.region}
    for attempt in range(1, 4):  # the seed is idempotent: a transient conflict is retried
        result = subprocess.run([sys.executable, "-m", "scripts.seed", "--aws-endpoint", cloud.aws_url], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=600)
        if result.returncode == 0:
            return time.monotonic() - started
        print(f"  ! seed attempt {attempt} failed: {(result.stderr or result.stdout).strip().splitlines()[-1:]}",
              file=sys.stderr)
    raise RuntimeError(f"seed failed ({result.returncode}): {result.stdout[-2000:]}{result.stderr[-2000:]}")


@contextmanager
def running_shop(name: str, overrides: dict[str, str], work_dir: Path, *, do_seed: bool = True) -> Iterator[Shop]:
    """A local cloud on free ports running template.yaml with `overrides`, seeded, stopped at the end."""
    known = template_parameters()
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"template.yaml has no parameter(s) {unknown}")
    recording = work_dir / f"moto-recording-{name}.jsonl"
    recording.unlink(missing_ok=True)
    previous = os.environ.get("MOTO_RECORDER_FILEPATH")
    os.environ["MOTO_RECORDER_FILEPATH"] = str(recording)  # the cloud inherits it: moto's request recorder
    try:
        cloud = launch(TEMPLATE, overrides, stack_name=f"shop-bench-{name}", extra_args=["--quiet"])
    finally:
        if previous is None:
            os.environ.pop("MOTO_RECORDER_FILEPATH", None)
        else:
            os.environ["MOTO_RECORDER_FILEPATH"] = previous
    shop = Shop(cloud=cloud, name=name, overrides=overrides, recording=recording)
    try:
        if do_seed:
            shop.seed_s = seed(cloud)
        yield shop
    finally:
        shop._http.close()
        problems = stop(cloud)
        if problems:
            print(f"  ! local cloud {name}: {'; '.join(problems)}", file=sys.stderr)
        log = cloud.log_path
        if log.exists():
            (work_dir / f"localcloud-{name}.log").write_text(log.read_text(errors="replace")[-200_000:])
            log.unlink()


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)
