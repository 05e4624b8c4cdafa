"""A shop-like load for locust: per user cycle browse 10, view product 10, add to cart 2, view cart 3,
checkout 1, with a think time between requests (BENCH_THINK_TIME seconds, default 0.5).

    python -m locust -f tests/bench/locustfile.py --headless -u 8 -r 4 -t 60s --host http://127.0.0.1:3000
"""

from __future__ import annotations

import os
import random
import time
import uuid

from locust import HttpUser, task

THINK_TIME_S = float(os.environ.get("BENCH_THINK_TIME", "0.5"))
# SKUs with stock to buy (the harness stocks them up); else any listed product
SKUS = [s for s in os.environ.get("BENCH_SKUS", "").split(",") if s]
CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
ADDRESS = {"line1": "1 Load Street", "city": "Lisbon", "postalCode": "1000-001", "country": "PT"}


class Shopper(HttpUser):
    def on_start(self) -> None:
        email, password = f"load-{uuid.uuid4().hex[:12]}@example.com", "load-pass-123"
        self.client.post("/auth/signup", json={"email": email, "password": password}, name="setup: POST /auth/signup")
        login = self.client.post("/auth/login", json={"email": email, "password": password}, name="setup: POST /auth/login")
        self.headers = {"Authorization": f"Bearer {login.json().get('idToken', '')}"} if login.ok else {}
        page = self.client.get("/products?limit=100", name="setup: GET /products").json() if login.ok else {}
        self.products = page.get("items", []) or [{"productId": "missing", "sku": "missing", "category": "none"}]
        self.categories = sorted({p.get("category", "") for p in self.products if p.get("category")}) or [""]
        self.skus = SKUS or [p["sku"] for p in self.products]
        self.payments = self.client.get("/config", name="setup: GET /config").json().get("payments", {})
        self.rng = random.Random()

    def think(self) -> None:
        if THINK_TIME_S > 0:
            time.sleep(THINK_TIME_S)  # gevent-patched: yields to the other users

    @task
    def shop_cycle(self) -> None:
        for _ in range(10):
            category = self.rng.choice(self.categories)
            self.client.get(f"/products?category={category}&limit=20", name="GET /products?category")
            self.think()
            product = self.rng.choice(self.products)
            self.client.get(f"/products/{product['productId']}", name="GET /products/{productId}")
            self.think()
        for i in range(3):
            if i < 2:
                sku = self.rng.choice(self.skus)
                self.client.post("/cart/items", json={"sku": sku, "quantity": 1}, headers=self.headers,
                                 name="POST /cart/items")
                self.think()
            self.client.get("/cart", headers=self.headers, name="GET /cart")
            self.think()
        # The browser tokenizes the card at the processor (the sandbox), then checks out with the token.
        token = self.client.post(self.payments.get("tokenizeUrl", "/missing-config"), json={"card": CARD},
                                 headers={"Authorization": f"Bearer {self.payments.get('publishableKey', '')}"},
                                 name="POST <processor>/v1/payment_methods")
        payment_method = token.json().get("id", "pm_missing") if token.ok else "pm_missing"
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        self.client.post("/checkout", json={"paymentMethodId": payment_method, "shippingAddress": ADDRESS},
                         headers=headers, name="POST /checkout")
        self.think()
