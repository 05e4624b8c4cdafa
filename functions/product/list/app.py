"""GET /products?category=&cursor=&limit=: active products, one page at a time (public, cached)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from shop.apidoc import error_responses
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
        200: {"description": "A page; pass nextCursor back as cursor", "content": {"application/json": {"model": ProductPage}}},
        304: {"description": "Not modified (If-None-Match matched)"},
        **error_responses(400, 422),
    },
)
def list_products(
    category: Annotated[Category | None, Query(description="One of the known categories")] = None,
    cursor: Annotated[str | None, Query(max_length=1024, description="nextCursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
):
    page = catalog.list_products(category=category, cursor=cursor, limit=limit)
    return cacheable(app, page.model_dump(), max_age=MAX_AGE)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
