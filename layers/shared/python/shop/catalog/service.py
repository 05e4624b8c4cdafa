"""The catalog's use cases and its read API for other services (cached through the TieredCache).

    from shop.catalog.service import CatalogService
    catalog = CatalogService()            # module level: one per execution environment
    product = catalog.get_by_sku("ELEC-0001")   # Product | None (active products only by default)

Reads go L1 (this environment) -> L2 (Redis) -> ProductsTable. A change invalidates the product's
keys in L2 and bumps the namespace version, so every environment drops its L1 copies (pages, the
search index) within the L1 TTL. When Redis is down the cache falls through to the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from shop.catalog import search as text_search
from shop.catalog.cursor import decode_cursor, encode_cursor
from shop.catalog.models import Product, ProductInput, ProductPage, ProductSearchResult
from shop.catalog.repository import ProductRepository
from shop.errors import NotFound

CACHE_NAMESPACE = "catalog"
SEARCH_INDEX_KEY = "search-index"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Cache(Protocol):
    """What the catalog needs of `shop.cache.TieredCache`."""

    def get_or_load(self, key: str, loader: Callable[[], Any]) -> Any: ...
    def invalidate(self, key: str) -> Any: ...
    def bump_version(self, namespace: str) -> Any: ...


class ProductNotFound(NotFound):
    code = "PRODUCT_NOT_FOUND"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_cache() -> Cache:
    from shop.cache import cache_for  # noqa: PLC0415 - redis import only for functions that read

    return cache_for(CACHE_NAMESPACE, l1_ttl=5, l2_ttl=300)


def product_keys(product: Product | dict[str, Any]) -> list[str]:
    """The cache keys that hold `product` (by id and by SKU)."""
    values = product.model_dump() if isinstance(product, Product) else product
    return [f"product:{values['productId']}", f"sku:{values['sku']}"]


class CatalogService:
    def __init__(
        self,
        repository: ProductRepository | None = None,
        cache: Cache | None = None,
        *,
        clock: Callable[[], str] = _now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._repository = repository
        self._cache = cache
        self._clock = clock
        self._new_id = new_id

    @property
    def repository(self) -> ProductRepository:
        if self._repository is None:
            self._repository = ProductRepository()
        return self._repository

    @property
    def cache(self) -> Cache:
        if self._cache is None:
            self._cache = default_cache()
        return self._cache

    # ------------------------------------------------------------------ read API (other services too)
    def get_product(self, product_id: str, *, include_inactive: bool = False) -> Product | None:
        cached = self.cache.get_or_load(f"product:{product_id}", lambda: self._dump(self.repository.get(product_id)))
        return self._visible(cached, include_inactive)

    def get_by_sku(self, sku: str, *, include_inactive: bool = False) -> Product | None:
        cached = self.cache.get_or_load(f"sku:{sku}", lambda: self._dump(self.repository.get_by_sku(sku)))
        return self._visible(cached, include_inactive)

    def require_product(self, product_id: str) -> Product:
        product = self.get_product(product_id)
        if product is None:
            raise ProductNotFound(f"product {product_id} not found", details={"productId": product_id})
        return product

    def list_products(self, *, category: str | None, cursor: str | None, limit: int) -> ProductPage:
        expected = {"productId", "category"} if category else {"productId"}
        start_key = decode_cursor(cursor, expected_keys=expected)
        if category and start_key and start_key["category"] != category:
            decode_cursor("!", expected_keys=expected)  # a cursor of another category: same 404

        def load() -> dict[str, Any]:
            items, next_key = self.repository.page(category=category, limit=limit, start_key=start_key)
            return {"items": [p.model_dump() for p in items], "nextCursor": encode_cursor(next_key)}

        key = f"page:{category or '*'}:{limit}:{cursor or ''}"
        return ProductPage.model_validate(self.cache.get_or_load(key, load))

    def search(self, query: str, *, limit: int = DEFAULT_PAGE_SIZE) -> ProductSearchResult:
        index = self.cache.get_or_load(SEARCH_INDEX_KEY, self._build_search_index)
        found = text_search.search(index, query)
        return ProductSearchResult(items=[Product.model_validate(p) for p in found[:limit]], total=len(found))

    def _build_search_index(self) -> dict[str, Any]:
        return text_search.build_index(p.model_dump() for p in self.repository.all_active())

    # ------------------------------------------------------------------ admin commands
    def create(self, data: ProductInput) -> Product:
        now = self._clock()
        product = Product(productId=self._new_id(), version=1, createdAt=now, updatedAt=now, **data.model_dump())
        self.repository.create(product)
        self._forget_now(product)
        return product

    def replace(self, product_id: str, data: ProductInput) -> Product:
        previous = self._current(product_id)
        product = previous.model_copy(
            update={**data.model_dump(), "version": previous.version + 1, "updatedAt": self._clock()}
        )
        self.repository.replace(product, previous)
        self._forget_now(previous, product)
        return product

    def delete(self, product_id: str) -> Product:
        """Soft delete: the product leaves listings, search and reads; its SKU becomes free again."""
        previous = self._current(product_id)
        product = previous.model_copy(
            update={"active": False, "version": previous.version + 1, "updatedAt": self._clock()}
        )
        self.repository.replace(product, previous)
        self._forget_now(previous, product)
        return product

    def forget(self, *products: Product | dict[str, Any]) -> None:
        """Drop every cached copy of `products` (L2 keys now, every L1 through the version bump)."""
        for key in dict.fromkeys(k for p in products for k in product_keys(p)):
            self.cache.invalidate(key)
        self.cache.bump_version(CACHE_NAMESPACE)

    def _forget_now(self, *products: Product) -> None:
        """Uncache right after a committed write, best effort: the stream consumer (ProductOnChange)
        does it again with retries, so a sick Redis must not turn a committed write into a 500."""
        try:
            self.forget(*products)
        except Exception:  # any Redis failure: logged, the stream consumer retries
            from shop.observability import get_logger  # noqa: PLC0415

            get_logger().warning("cache invalidation deferred to the stream consumer", exc_info=True)

    def _current(self, product_id: str) -> Product:
        product = self.repository.get(product_id, consistent=True)
        if product is None or not product.active:
            raise ProductNotFound(f"product {product_id} not found", details={"productId": product_id})
        return product

    @staticmethod
    def _dump(product: Product | None) -> dict[str, Any]:
        # always a dict: "no such product" is cached too, so unknown ids do not reach the table each time
        return {"product": product.model_dump() if product else None}

    @staticmethod
    def _visible(cached: dict[str, Any], include_inactive: bool) -> Product | None:
        values = cached.get("product") if cached else None
        if not values:
            return None
        product = Product.model_validate(values)
        return product if product.active or include_inactive else None
