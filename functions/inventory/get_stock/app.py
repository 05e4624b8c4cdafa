"""GET /inventory/{sku} (signed in): the SKU's available and reserved stock, read fresh."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.inventory.models import Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app()
inventory = InventoryService()
SKU = Path(pattern=SKU_PATTERN)


@app.get(
    "/inventory/<sku>",
    summary="Get the stock of a SKU",
    tags=["inventory"],
    operation_id="getStock",
    security=COGNITO,
    responses={
        200: {"description": "The SKU's stock", "content": {"application/json": {"model": Stock}}},
        **error_responses(404),
    },
)
def get_stock(sku: Annotated[str, SKU]) -> Stock:
    return inventory.get_stock(sku, fresh=True)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
