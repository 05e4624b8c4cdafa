"""GET /products?category=&cursor=&limit=: active products, one page at a time (public, cached)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from shop.apidoc import cacheable_ok, error_responses
from shop.catalog.cursor import CURSOR_PATTERN
from shop.catalog.models import Category, ProductPage
from shop.catalog.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CatalogService
from shop.http import cacheable, create_app
from shop.observability import instrument

app = create_app()
catalog = CatalogService()

MAX_AGE = 30


@app.get(
    "/products",
    summary="List products (by category), paged",
    tags=["products"],
    operation_id="listProducts",
    responses={
        **cacheable_ok("A page; pass nextCursor back as cursor", ProductPage),
        **error_responses(404, s404="The cursor is not one this API issued (for this category)"),
    },
)
def list_products(
    category: Annotated[Category | None, Query(description="One of the known categories")] = None,
    cursor: Annotated[
        str | None, Query(max_length=1024, pattern=CURSOR_PATTERN, description="nextCursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
):
    page = catalog.list_products(category=category, cursor=cursor, limit=limit)
    return cacheable(app, page.model_dump(), max_age=MAX_AGE)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
