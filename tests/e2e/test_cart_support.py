"""Helpers shared by the cart and inventory end-to-end tests (no tests here): users with Cognito
tokens, products created through the catalog's admin route, stock set through ours.

Everything goes over HTTP through the local gateway, as a client would call it; only user
creation talks to the local Cognito (sign-up plus the admin group, as an operator would).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "Passw0rd-e2e"


@dataclass
class User:
    email: str
    token: str
    user_id: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_user(local_cloud: Any, *, admin: bool = False) -> User:
    idp = local_cloud.client("cognito-idp")
    pool_id, client_id = local_cloud.user_pool_id, local_cloud.user_pool_client_id
    email = f"{'admin' if admin else 'user'}-{uuid.uuid4().hex[:10]}@example.com"
    user_id = idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)["UserSub"]
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    if admin:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName="admin")
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return User(email, tokens["IdToken"], user_id)


def new_sku(prefix: str = "E2E") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def create_product(
    http: httpx.Client, admin: User, *, price: int, stock: int | None, sku: str | None = None
) -> dict:
    """A product in the catalog (admin POST /products) and, unless `stock` is None, its stock."""
    sku = sku or new_sku()
    response = http.post(
        "/products",
        headers=admin.auth,
        json={"sku": sku, "name": f"Thing {sku}", "category": "toys", "price": price},
    )
    assert response.status_code == 201, response.text
    if stock is not None:
        set_stock = http.put(f"/inventory/{sku}", headers=admin.auth, json={"available": stock})
        assert set_stock.status_code == 200, set_stock.text
    return response.json()


def function_name(local_cloud: Any, logical_id: str) -> str:
    return next(name for name in local_cloud.health["functions"] if name.endswith(f"-{logical_id}"))


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the platform's error body (and `code`, when given)."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "details"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body


def seed_products(local_cloud: Any, count: int, *, price: int, stock: int) -> list[str]:
    """`count` stocked products written through the catalog and inventory repositories, as the seed
    script does (fast test data; the routes under test are still called over HTTP). Sequential on
    purpose: concurrent transactions lose writes in the local DynamoDB (see below)."""
    import os
    from datetime import UTC, datetime

    from shop.aws import reset_clients
    from shop.catalog.models import Product
    from shop.catalog.repository import ProductRepository
    from shop.inventory.repository import InventoryRepository

    tables = local_cloud.client("dynamodb").list_tables()["TableNames"]
    products_table = next(name for name in tables if "ProductsTable" in name)
    inventory_table = next(name for name in tables if "InventoryTable" in name)
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    names = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    saved = {key: os.environ.get(key) for key in names}
    os.environ.update(
        AWS_ENDPOINT_URL=local_cloud.aws_url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION=local_cloud.region,
    )
    reset_clients()
    try:
        catalog = ProductRepository(products_table)
        inventory = InventoryRepository(inventory_table, local_cloud.client("dynamodb"))
        skus = []
        for _ in range(count):
            sku = new_sku("BULK")
            catalog.create(
                Product(
                    productId=uuid.uuid4().hex,
                    sku=sku,
                    name=f"Bulk {sku}",
                    category="toys",
                    price=price,
                    createdAt=now,
                    updatedAt=now,
                )
            )
            assert inventory.create_stock(sku, stock, now)
            skus.append(sku)
        return skus
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_clients()
