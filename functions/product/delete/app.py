"""DELETE /products/{productId} (admin): retire a product (it leaves reads, lists and search)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.catalog.admin import admin_only
from shop.catalog.service import CatalogService
from shop.http import create_app, require_admin
from shop.observability import instrument

app = admin_only(create_app())
catalog = CatalogService()


@app.delete(
    "/products/<productId>",
    summary="Delete a product (admin)",
    tags=["products"],
    operation_id="deleteProduct",
    security=COGNITO,
    responses={204: {"description": "Deleted"}, **error_responses(401, 403, 404, 409, 422)},
)
def delete_product(productId: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]):
    require_admin(app)
    catalog.delete(productId)
    return Response(status_code=204, body=None, content_type=None)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
