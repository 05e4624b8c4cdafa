"""GET /orders: the caller's orders, newest first, paged ({"items", "nextCursor"})."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from shop.apidoc import COGNITO, error_responses
from shop.catalog.cursor import CURSOR_PATTERN
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.orders.models import OrderPage
from shop.orders.service import MAX_PAGE_SIZE, OrderService

app = create_app()
orders = OrderService()


@app.get(
    "/orders",
    summary="List my orders",
    tags=["orders"],
    operation_id="listOrders",
    security=COGNITO,
    responses={
        200: {"description": "A page of my orders, newest first", "content": {"application/json": {"model": OrderPage}}},
        **error_responses(404, s404="The cursor is not one this API issued (to me)"),
    },
)
def list_orders(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    cursor: Annotated[str | None, Query(max_length=1024, pattern=CURSOR_PATTERN)] = None,
) -> OrderPage:
    return OrderPage.model_validate(orders.list_views(current_user(app).user_id, limit=limit, cursor=cursor))


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
