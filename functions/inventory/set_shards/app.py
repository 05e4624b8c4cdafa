"""PUT /inventory/{sku}/shards {shards} (admin): write-shard a hot SKU over K sub-counters (1 = off)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app, require_admin
from shop.inventory.models import SetShardsBody, Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app()
inventory = InventoryService()
SKU = Path(pattern=SKU_PATTERN)


@app.put(
    "/inventory/<sku>/shards",
    summary="Set a SKU's write shards (admin)",
    tags=["inventory"],
    operation_id="setStockShards",
    security=COGNITO,
    responses=error_responses(400, 401, 403, 404, 413, 422),
)
def set_shards(sku: Annotated[str, SKU], body: SetShardsBody) -> Stock:
    require_admin(app)
    return inventory.set_shards(sku, body.shards)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
