"""PUT /products/{productId} (admin): replace a product's editable fields."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import error_responses
from shop.catalog.models import PRODUCT_ID_PATTERN, Product, ProductInput
from shop.catalog.service import CatalogService
from shop.http import create_app
from shop.observability import instrument

app = create_app(admin=True)
catalog = CatalogService()


@app.put(
    "/products/<productId>",
    summary="Replace a product (admin)",
    tags=["products"],
    operation_id="replaceProduct",
    responses={
        200: {"description": "The product as stored", "content": {"application/json": {"model": Product}}},
        **error_responses(404, 409, s409="The SKU is taken, or the product changed meanwhile"),
    },
)
def replace_product(productId: Annotated[str, Path(pattern=PRODUCT_ID_PATTERN)], body: ProductInput) -> Product:
    return catalog.replace(productId, body)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
