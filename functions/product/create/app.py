"""POST /products (admin): create a product; its SKU must be unique."""

from __future__ import annotations

from typing import Any

from shop.apidoc import error_responses
from shop.catalog.models import Product, ProductInput
from shop.catalog.service import CatalogService
from shop.http import create_app, json_response
from shop.observability import instrument

app = create_app(admin=True)
catalog = CatalogService()
LOCATION = {"Location": {"description": "/products/{productId} of the new product", "schema": {"type": "string"}}}


@app.post(
    "/products",
    summary="Create a product (admin)",
    tags=["products"],
    operation_id="createProduct",
    responses={
        201: {
            "description": "Created",
            "headers": LOCATION,
            "content": {"application/json": {"model": Product}},
            "links": {
                "GetCreatedProduct": {"operationId": "getProduct", "parameters": {"productId": "$response.body#/productId"}},
                "ReplaceCreatedProduct": {
                    "operationId": "replaceProduct", "parameters": {"productId": "$response.body#/productId"},
                },
                "DeleteCreatedProduct": {
                    "operationId": "deleteProduct", "parameters": {"productId": "$response.body#/productId"},
                },
                "StockCreatedProduct": {"operationId": "setStock", "parameters": {"sku": "$response.body#/sku"}},
            },
        },
        **error_responses(409, s409="The SKU is taken"),
    },
)
def create_product(body: ProductInput):
    product = catalog.create(body)
    return json_response(201, product.model_dump(), {"Location": f"/products/{product.productId}"})


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
