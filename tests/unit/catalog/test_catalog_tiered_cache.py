"""CatalogService over the real TieredCache and a real Redis: two execution environments."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from shop.cache import TieredCache
from shop.catalog.models import ProductInput
from shop.catalog.service import CACHE_NAMESPACE, CatalogService


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    from localcloud.redisd import ensure_redis

    server = ensure_redis()
    yield server.url
    server.stop()


def _environment(repository, redis_url: str, key_prefix: str) -> CatalogService:
    from shop.redis_client import create_redis

    cache = TieredCache(CACHE_NAMESPACE, create_redis(redis_url), l1_ttl=0.5, l2_ttl=60, key_prefix=key_prefix)
    return CatalogService(repository, cache)


def test_a_change_in_one_environment_reaches_the_other_within_the_l1_ttl(repository, redis_url: str):
    prefix = f"test-{time.monotonic_ns()}"
    writer, reader = _environment(repository, redis_url, prefix), _environment(repository, redis_url, prefix)
    product = writer.create(ProductInput(sku="BOOK-0001", name="Dune", category="books", price=1299))
    assert reader.get_product(product.productId).price == 1299
    assert reader.search("dune").total == 1
    writer.replace(product.productId, ProductInput(sku="BOOK-0001", name="Dune", category="books", price=999))
    time.sleep(0.6)  # the reader remembers the namespace version for at most l1_ttl
    assert reader.get_product(product.productId).price == 999
    writer.delete(product.productId)
    time.sleep(0.6)
    assert reader.get_product(product.productId) is None and reader.search("dune").total == 0


def test_reads_and_writes_keep_working_when_redis_is_unreachable(repository):
    from shop.redis_client import create_redis

    cache = TieredCache(CACHE_NAMESPACE, create_redis("redis://127.0.0.1:1/0"), l1_ttl=0.5, l2_ttl=60)
    catalog = CatalogService(repository, cache)
    product = catalog.create(ProductInput(sku="BOOK-0002", name="Emma", category="books", price=899))
    assert catalog.get_product(product.productId) == product
    assert catalog.search("emma").total == 1
    assert catalog.replace(product.productId, ProductInput(sku="BOOK-0002", name="Emma", category="books",
                                                           price=799)).version == 2
