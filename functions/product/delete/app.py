"""DELETE /products/{productId} (admin): retire a product (it leaves reads, lists and search)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import error_responses
from shop.catalog.models import PRODUCT_ID_PATTERN
from shop.catalog.service import CatalogService
from shop.http import create_app
from shop.observability import instrument

app = create_app(admin=True)
catalog = CatalogService()


@app.delete(
    "/products/<productId>",
    summary="Delete a product (admin)",
    tags=["products"],
    operation_id="deleteProduct",
    responses={204: {"description": "Deleted", "content": {}}, **error_responses(404, 409)},
)
def delete_product(productId: Annotated[str, Path(pattern=PRODUCT_ID_PATTERN)]):
    catalog.delete(productId)
    return Response(status_code=204, body=None, content_type=None)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
