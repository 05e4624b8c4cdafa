"""PUT /inventory/{sku} {available} (admin): set the available stock of a SKU the catalog sells."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import error_responses
from shop.catalog.models import SKU_PATTERN
from shop.catalog.service import CatalogService
from shop.errors import NotFound
from shop.http import create_app
from shop.inventory.models import SetStockBody, Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app(admin=True)
inventory = InventoryService()
catalog = CatalogService()
SKU = Path(pattern=SKU_PATTERN)


@app.put(
    "/inventory/<sku>",
    summary="Set the available stock (admin)",
    tags=["inventory"],
    operation_id="setStock",
    responses={
        200: {"description": "Stock as set", "content": {"application/json": {"model": Stock}}},
        **error_responses(404),
    },
)
def set_stock(sku: Annotated[str, SKU], body: SetStockBody) -> Stock:
    if catalog.get_by_sku(sku, include_inactive=True) is None:
        raise NotFound(
            f"the catalog has no product with SKU {sku}", code="PRODUCT_NOT_FOUND", details={"sku": sku}
        )
    return inventory.set_stock(sku, body.available)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
