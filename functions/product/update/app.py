"""PUT /products/{productId} (admin): replace a product's editable fields."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.catalog.admin import admin_only
from shop.catalog.models import Product, ProductInput
from shop.catalog.service import CatalogService
from shop.http import create_app, require_admin
from shop.observability import instrument

app = admin_only(create_app())
catalog = CatalogService()


@app.put(
    "/products/<productId>",
    summary="Replace a product (admin)",
    tags=["products"],
    operation_id="replaceProduct",
    security=COGNITO,
    responses=error_responses(400, 401, 403, 404, 409, 413, 422),
)
def replace_product(
    productId: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")], body: ProductInput
) -> Product:
    require_admin(app)
    return catalog.replace(productId, body)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
