"""Catalog fixtures: ProductsTable in moto (with the template's key schema and GSIs), a dict cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from shop.catalog.repository import ProductRepository
from shop.catalog.service import CatalogService

TABLE = "test-products"


def create_products_table(ddb: Any, name: str = TABLE) -> None:
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "productId", "AttributeType": "S"},
            {"AttributeName": "category", "AttributeType": "S"},
            {"AttributeName": "sku", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "productId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byCategory",
                "KeySchema": [
                    {"AttributeName": "category", "KeyType": "HASH"},
                    {"AttributeName": "productId", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "bySku",
                "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    )


class DictCache:
    """The TieredCache interface over a dict, counting loads (the real one is tested in shop.cache)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.loads = 0
        self.version = 0

    def get_or_load(self, key: str, loader: Callable[[], Any]) -> Any:
        if key not in self.values:
            self.loads += 1
            self.values[key] = loader()
        return self.values[key]

    def invalidate(self, key: str) -> None:
        self.values.pop(key, None)

    def bump_version(self, namespace: str) -> None:
        self.version += 1
        self.values.clear()


@pytest.fixture
def repository(aws: None) -> ProductRepository:
    create_products_table(boto3.client("dynamodb"))
    return ProductRepository(TABLE)


@pytest.fixture
def cache() -> DictCache:
    return DictCache()


@pytest.fixture
def catalog(repository: ProductRepository, cache: DictCache) -> CatalogService:
    counter = iter(range(1, 100_000))
    return CatalogService(repository, cache, new_id=lambda: f"p{next(counter):05d}")
