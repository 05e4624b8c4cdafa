"""GET /orders: the caller's orders, newest first, paged ({"items", "nextCursor"})."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from shop.apidoc import COGNITO
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.orders.service import OrderService

app = create_app()
orders = OrderService()


@app.get("/orders", summary="List my orders", tags=["orders"], operation_id="listOrders", security=COGNITO)
def list_orders(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> dict[str, Any]:
    return orders.list_views(current_user(app).user_id, limit=limit, cursor=cursor)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
