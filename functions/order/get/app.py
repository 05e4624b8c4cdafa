"""GET /orders/{orderId}: one of the caller's orders with its status timeline (another user's: 404)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.orders.models import ORDER_ID_PATTERN, OrderView
from shop.orders.service import OrderService

app = create_app()
orders = OrderService()


@app.get(
    "/orders/<orderId>",
    summary="Get my order",
    tags=["orders"],
    operation_id="getOrder",
    security=COGNITO,
    responses={
        200: {
            "description": "The order and its timeline",
            "content": {"application/json": {"model": OrderView}},
            "links": {"CancelTheOrder": {"operationId": "cancelOrder", "parameters": {"orderId": "$response.body#/orderId"}}},
        },
        **error_responses(404, s404="No such order of mine"),
    },
)
def get_order(orderId: Annotated[str, Path(pattern=ORDER_ID_PATTERN)]) -> OrderView:
    view = orders.get_view(orderId, current_user(app).user_id)
    view.pop("userId", None)
    return OrderView.model_validate(view)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
