"""Seed a running local cloud: a demo catalog, stock for every SKU, a demo customer and an admin.

    python -m scripts.seed --aws-endpoint http://127.0.0.1:4566      (make seed; make local runs it)

Names come from the running cloud: its stack and outputs from GET <endpoint>/_localcloud/health
(else the only stack found), tables by CloudFormation's `<stack>-<LogicalId>` naming. Idempotent:
existing products, stock records and users are left as they are (passwords are reset to the
printed ones so the credentials always work).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scripts.catalog_data import DemoProduct, demo_products

DEMO_USER = ("demo@example.com", "demo-pass-123", "Demo Customer")
ADMIN_USER = ("admin@example.com", "admin-pass-123", "Shop Admin")
ADMIN_GROUP = "admin"


@dataclass(frozen=True)
class Target:
    stack: str
    user_pool_id: str
    client_id: str
    products_table: str
    users_table: str
    inventory_table: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _health(endpoint: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{endpoint}/_localcloud/health", timeout=5) as response:  # noqa: S310 - http(s) argument
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return {}  # another emulator (LocalStack): find names by listing


def _table(tables: list[str], stack: str, logical_id: str) -> str | None:
    exact = f"{stack}-{logical_id}"
    if exact in tables:
        return exact
    found = [t for t in tables if t.startswith(f"{stack}-{logical_id}")]  # cut names end with a hash
    return found[0] if len(found) == 1 else None


def discover(endpoint: str) -> Target:
    from shop.aws import client

    health = _health(endpoint)
    tables = client("dynamodb").list_tables()["TableNames"]
    stack = health.get("stack")
    if not stack:
        stacks = {t.rsplit("-ProductsTable", 1)[0] for t in tables if t.endswith("-ProductsTable")}
        if len(stacks) != 1:
            raise SystemExit(f"cannot tell which stack to seed (ProductsTable of: {sorted(stacks) or 'none'})")
        stack = stacks.pop()
    outputs = health.get("outputs") or {}
    pool_id, client_id = outputs.get("UserPoolId"), outputs.get("UserPoolClientId")
    if not pool_id:
        idp = client("cognito-idp")
        pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == f"{stack}-users"]
        if len(pools) != 1:
            raise SystemExit(f"no user pool named {stack}-users")
        pool_id = pools[0]["Id"]
        client_id = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)["UserPoolClients"][0]["ClientId"]
    products, users = _table(tables, stack, "ProductsTable"), _table(tables, stack, "UsersTable")
    if not products or not users:
        raise SystemExit(f"stack {stack} has no ProductsTable/UsersTable (tables: {tables})")
    return Target(stack, pool_id, client_id, products, users, _table(tables, stack, "InventoryTable"))


def seed_products(target: Target, products: list[DemoProduct]) -> tuple[int, int]:
    """Create the missing products and stock records; (products created, stock records created)."""
    from shop.catalog.models import Product
    from shop.catalog.repository import ProductRepository, SkuTaken

    repository = ProductRepository(target.products_table)
    stock = _stock_writer(target)

    def seed_one(demo: DemoProduct) -> tuple[int, int]:
        created = stocked = 0
        if repository.get(demo.product_id) is None:
            now = _now()
            product = Product(
                productId=demo.product_id, sku=demo.sku, name=demo.name, description=demo.description,
                category=demo.category, price=demo.price, currency="USD",
                imageUrl=f"https://images.example.com/{demo.sku.lower()}.jpg",
                active=True, version=1, createdAt=now, updatedAt=now,
            )
            try:
                repository.create(product)
                created = 1
            except SkuTaken:
                pass  # an admin gave this SKU to another product: keep theirs
        if stock is not None and stock(demo.sku, demo.stock):
            stocked = 1
        return created, stocked

    # each product is independent: a few at a time keeps the endpoint busy while one waits
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(seed_one, products))
    return sum(r[0] for r in results), sum(r[1] for r in results)


def _stock_writer(target: Target) -> Any:
    """create_stock(sku, available) -> bool through the inventory repository (None without the table)."""
    if not target.inventory_table:
        return None
    from shop.inventory.repository import InventoryRepository

    repository = InventoryRepository(target.inventory_table)
    return lambda sku, available: repository.create_stock(sku, available, _now())


def seed_user(target: Target, email: str, password: str, name: str, *, admin: bool) -> str:
    """The user's id; signs them up (confirmed) unless they exist, and (re)sets the printed password."""
    from botocore.exceptions import ClientError
    from shop.aws import client
    from shop.users.models import Address, UserProfile
    from shop.users.repository import UserRepository

    idp = client("cognito-idp")
    try:
        idp.sign_up(ClientId=target.client_id, Username=email, Password=password,
                    UserAttributes=[{"Name": "email", "Value": email}])
        idp.admin_confirm_sign_up(UserPoolId=target.user_pool_id, Username=email)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "UsernameExistsException":
            raise
        idp.admin_set_user_password(UserPoolId=target.user_pool_id, Username=email, Password=password, Permanent=True)
    if admin:
        idp.admin_add_user_to_group(UserPoolId=target.user_pool_id, Username=email, GroupName=ADMIN_GROUP)
    attributes = idp.admin_get_user(UserPoolId=target.user_pool_id, Username=email)["UserAttributes"]
    user_id = next(a["Value"] for a in attributes if a["Name"] == "sub")
    now = _now()
    address = Address(id="home", label="Home", line1="1 Demo Street", city="Springfield", postalCode="12345",
                      country="US", default=True)
    UserRepository(target.users_table).add(
        UserProfile(userId=user_id, email=email, name=name, addresses=[address], createdAt=now, updatedAt=now)
    )
    return user_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed the local cloud with demo data.")
    parser.add_argument("--aws-endpoint", default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"))
    parser.add_argument("--per-category", type=int, default=30, help="products per category (10 categories)")
    args = parser.parse_args(argv)

    # every client of the layer (shop.aws) reaches the local cloud through these
    os.environ["AWS_ENDPOINT_URL"] = args.aws_endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    target = discover(args.aws_endpoint)
    products = demo_products(per_category=args.per_category)
    created, stocked = seed_products(target, products)
    print(f"seed: stack {target.stack}: {created} products created ({len(products)} in the demo catalog), "
          f"{stocked} stock records created" + ("" if target.inventory_table else " (no InventoryTable yet)"))
    for email, password, name in (DEMO_USER, ADMIN_USER):
        seed_user(target, email, password, name, admin=(email, password, name) == ADMIN_USER)
    print(f"seed: customer  {DEMO_USER[0]} / {DEMO_USER[1]}")
    print(f"seed: admin     {ADMIN_USER[0]} / {ADMIN_USER[1]}  (group {ADMIN_GROUP})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
