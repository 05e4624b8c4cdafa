"""PUT /inventory/{sku}/shards {shards} (admin): write-shard a hot SKU over K sub-counters (1 = off)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import error_responses
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.inventory.models import SetShardsBody, Stock
from shop.inventory.service import InventoryService
from shop.observability import instrument

app = create_app(admin=True)
inventory = InventoryService()
SKU = Path(pattern=SKU_PATTERN)


@app.put(
    "/inventory/<sku>/shards",
    summary="Set a SKU's write shards (admin)",
    tags=["inventory"],
    operation_id="setStockShards",
    responses={
        200: {"description": "Stock over its new sub-counters", "content": {"application/json": {"model": Stock}}},
        **error_responses(404),
    },
)
def set_shards(sku: Annotated[str, SKU], body: SetShardsBody) -> Stock:
    return inventory.set_shards(sku, body.shards)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
