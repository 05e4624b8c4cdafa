"""POST /inventory/{sku}/restock {quantity} (admin): add units to a SKU's available stock."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app, require_admin
from shop.inventory.models import RestockBody, Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app()
inventory = InventoryService()
SKU = Path(pattern=SKU_PATTERN)


@app.post(
    "/inventory/<sku>/restock",
    summary="Restock a SKU (admin)",
    tags=["inventory"],
    operation_id="restock",
    security=COGNITO,
    responses=error_responses(400, 401, 403, 404, 413, 422),
)
def restock(sku: Annotated[str, SKU], body: RestockBody) -> Stock:
    require_admin(app)
    return inventory.restock(sku, body.quantity)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
