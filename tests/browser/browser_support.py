"""What the browser tests share: the shop's API to arrange things, and a signed-in page."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "Browser-pass-1"
APPROVE, DECLINE = "4242 4242 4242 4242", "4000 0000 0000 0002"
TIMEOUT_MS = 30_000  # a cold function on a loaded machine: generous, never a sleep
SAGA_TIMEOUT_MS = 90_000  # a whole saga of cold functions on a machine shared with other suites (as the e2e tests allow)
SCREENSHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None


@dataclass
class Account:
    email: str
    token: str
    refresh_token: str
    expires_in: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Shop:
    """The shop's API as a test arranges things through it (what the browser then shows)."""

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self.http = httpx.Client(base_url=cloud.api_url, timeout=30)
        self._admin: Account | None = None

    @property
    def storefront(self) -> str:
        url = self.cloud.health.get("storefrontUrl")
        assert url, "the local cloud serves no storefront: is frontend/dist built (make frontend)?"
        return url

    @property
    def console(self) -> str:
        return self.cloud.health["consoleUrl"]

    def sign_up(self, prefix: str = "shopper", admin: bool = False) -> Account:
        email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        assert self.http.post("/auth/signup", json={"email": email, "password": PASSWORD}).status_code == 201
        if admin:
            self.cloud.client("cognito-idp").admin_add_user_to_group(
                UserPoolId=self.cloud.user_pool_id, Username=email, GroupName="admin")
        return self.sign_in(email)

    def sign_in(self, email: str) -> Account:
        tokens = self.http.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        body = tokens.json()
        return Account(email, body["idToken"], body["refreshToken"], body["expiresIn"])

    @property
    def admin(self) -> Account:
        if self._admin is None:
            self._admin = self.sign_up("admin", admin=True)
        return self._admin

    def product(self, name: str, stock: int, price: int = 2450) -> dict[str, Any]:
        sku = f"WEB-{uuid.uuid4().hex[:8].upper()}"
        created = self.http.post("/products", headers=self.admin.headers, json={
            "sku": sku, "name": f"{name} {sku.split('-')[1].lower()}", "category": "home", "price": price,
            "description": "Made for the browser tests."})
        assert created.status_code == 201, created.text
        assert self.http.put(f"/inventory/{sku}", headers=self.admin.headers, json={"available": stock}).status_code == 200
        return created.json()

    def stock(self, sku: str) -> int:
        return self.http.get(f"/inventory/{sku}", headers=self.admin.headers).json()["available"]

    def add_to_cart(self, account: Account, sku: str, quantity: int = 1) -> None:
        added = self.http.post("/cart/items", headers=account.headers, json={"sku": sku, "quantity": quantity})
        assert added.status_code in (200, 201), added.text

    def checkout(self, account: Account, card_number: str) -> str:
        """An order placed through the API as the storefront does it (card tokenized at the processor)."""
        payments = self.http.get("/config").json()["payments"]
        method = httpx.post(payments["tokenizeUrl"], headers={"Authorization": f"Bearer {payments['publishableKey']}"},
                            json={"card": {"number": card_number.replace(" ", ""), "expMonth": 12, "expYear": 2040, "cvc": "123"}})
        assert method.status_code == 200, method.text
        accepted = self.http.post("/checkout", headers={**account.headers, "Idempotency-Key": uuid.uuid4().hex}, json={
            "paymentMethodId": method.json()["id"],
            "shippingAddress": {"line1": "1 Test Street", "city": "Springfield", "postalCode": "12345", "country": "US"}})
        assert accepted.status_code == 202, accepted.text
        return accepted.json()["orderId"]

    def wait_for_order(self, account: Account, order_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.http.get(f"/orders/{order_id}", headers=account.headers)
            if answer.status_code == 200 and answer.json()["status"] != "PENDING":
                return answer.json()
            time.sleep(0.2)
        raise AssertionError(f"order {order_id} still not final after {timeout} s")


def local_only(route: Any) -> None:
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()  # e.g. the demo catalog's images: the page must cope (and no CDN is needed)


def signed_in(page: Any, account: Account) -> None:
    """Start the page with this account's session in storage, as if it had signed in before."""
    session = {"email": account.email, "idToken": account.token, "refreshToken": account.refresh_token,
               "expiresAt": int(time.time() * 1000) + account.expires_in * 1000}
    page.add_init_script(f"window.localStorage.setItem('shop.session', {json.dumps(json.dumps(session))});")


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot when SCREENSHOTS names a folder (the README's pictures come from this)."""
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
