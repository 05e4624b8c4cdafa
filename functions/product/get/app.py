"""GET /products/{productId}: one product, cached (L1/L2), with ETag and 304 (public)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import cacheable_ok, error_responses
from shop.catalog.models import PRODUCT_ID_PATTERN, Product
from shop.catalog.service import CatalogService
from shop.http import cacheable, create_app
from shop.observability import instrument

app = create_app()
catalog = CatalogService()

MAX_AGE = 60


@app.get(
    "/products/<productId>",
    summary="Get a product",
    tags=["products"],
    operation_id="getProduct",
    responses={**cacheable_ok("The product", Product), **error_responses(404)},
)
def get_product(productId: Annotated[str, Path(pattern=PRODUCT_ID_PATTERN)]):
    product = catalog.require_product(productId)
    # the version changes with every write: a cheap strong validator
    return cacheable(app, product.model_dump(), max_age=MAX_AGE, etag=f'"{product.productId}.{product.version}"')


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
