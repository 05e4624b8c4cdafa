"""Fixtures of the cart tests: two shard tables in moto, a catalog and an inventory that are plain dicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from shop.aws import reset_clients
from shop.cart.repository import CartRepository
from shop.cart.service import CartService
from shop.catalog.models import Product
from shop.inventory.errors import StockNotFound
from shop.inventory.models import Stock

TABLES = ["carts-0", "carts-1", "carts-2"]


def create_cart_table(dynamodb: Any, name: str) -> None:
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "cartKey", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "cartKey", "KeyType": "HASH"}],
    )


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        reset_clients()
        client = boto3.client("dynamodb", region_name="us-east-1")
        for name in TABLES:
            create_cart_table(client, name)
        yield client
    reset_clients()


def product(sku: str, price: int, *, active: bool = True) -> Product:
    return Product(
        productId=f"p-{sku.lower()}",
        sku=sku,
        name=f"Product {sku}",
        category="books",
        price=price,
        active=active,
        createdAt="2026-01-01T00:00:00Z",
        updatedAt="2026-01-01T00:00:00Z",
    )


class DictCatalog:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}

    def get_by_sku(self, sku: str) -> Product | None:
        found = self.products.get(sku)
        return found if found and found.active else None


class DictInventory:
    def __init__(self) -> None:
        self.available: dict[str, int] = {}

    def get_stock(self, sku: str) -> Stock:
        if sku not in self.available:
            raise StockNotFound(sku)
        return Stock(sku=sku, available=self.available[sku], reserved=0)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def catalog() -> DictCatalog:
    shelf = DictCatalog()
    for sku, price in (("BOOK-1", 1250), ("BOOK-2", 999), ("TOY-1", 500)):
        shelf.products[sku] = product(sku, price)
    return shelf


@pytest.fixture
def stock() -> DictInventory:
    inventory = DictInventory()
    inventory.available.update({"BOOK-1": 500, "BOOK-2": 500, "TOY-1": 3})
    return inventory


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def carts(dynamodb: Any, catalog: DictCatalog, stock: DictInventory, clock: FakeClock) -> CartService:
    repository = CartRepository(TABLES[:2], dynamodb=dynamodb)
    return CartService(repository, catalog=catalog, inventory=stock, ttl_s=3600, clock=clock)
