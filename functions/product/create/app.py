"""POST /products (admin): create a product; its SKU must be unique."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.catalog.admin import admin_only
from shop.catalog.models import Product, ProductInput
from shop.catalog.service import CatalogService
from shop.http import create_app, json_response, require_admin
from shop.observability import instrument

app = admin_only(create_app())
catalog = CatalogService()


@app.post(
    "/products",
    summary="Create a product (admin)",
    tags=["products"],
    operation_id="createProduct",
    security=COGNITO,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": Product}}},
        **error_responses(400, 401, 403, 409, 413, 422),
    },
)
def create_product(body: ProductInput):
    require_admin(app)
    product = catalog.create(body)
    return json_response(201, product.model_dump(), {"Location": f"/products/{product.productId}"})


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
