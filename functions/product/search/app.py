"""GET /products/search?q=: text search over name and description (public; index in the tiered cache)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from shop.apidoc import cacheable_ok
from shop.catalog.models import ProductSearchResult
from shop.catalog.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CatalogService
from shop.http import cacheable, create_app
from shop.observability import instrument

app = create_app()
catalog = CatalogService()

MAX_AGE = 30


@app.get(
    "/products/search",
    summary="Search products by words of their name or description",
    tags=["products"],
    operation_id="searchProducts",
    responses=cacheable_ok("Matches, best first", ProductSearchResult),
)
def search_products(
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words; case and accents do not matter")],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
):
    result = catalog.search(q, limit=limit)
    return cacheable(app, result.model_dump(), max_age=MAX_AGE)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
