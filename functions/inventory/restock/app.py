"""POST /inventory/{sku}/restock {quantity} (admin): add units to a SKU's available stock."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import error_responses
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.inventory.models import RestockBody, Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app(admin=True)
inventory = InventoryService()
SKU = Path(pattern=SKU_PATTERN)


@app.post(
    "/inventory/<sku>/restock",
    summary="Restock a SKU (admin)",
    tags=["inventory"],
    operation_id="restock",
    responses={
        200: {"description": "Stock after the restock", "content": {"application/json": {"model": Stock}}},
        **error_responses(404),
    },
)
def restock(sku: Annotated[str, SKU], body: RestockBody) -> Stock:
    return inventory.restock(sku, body.quantity)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
