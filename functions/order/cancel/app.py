"""POST /orders/{orderId}/cancel: cancel a PENDING order (the saga then voids/refunds and releases stock).

Confirmed orders are in fulfilment (their stock is committed); failed or cancelled ones are final: 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.orders.models import ORDER_ID_PATTERN, CancelAccepted
from shop.orders.service import OrderService

app = create_app()
orders = OrderService()


@app.post(
    "/orders/<orderId>/cancel",
    summary="Cancel my order",
    tags=["orders"],
    operation_id="cancelOrder",
    security=COGNITO,
    responses={
        200: {"description": "Cancelled: the saga releases the stock and voids the payment",
              "content": {"application/json": {"model": CancelAccepted}}},
        **error_responses(404, 409, s404="No such order of mine", s409="The order is past PENDING"),
    },
)
def cancel_order(orderId: Annotated[str, Path(pattern=ORDER_ID_PATTERN)]) -> CancelAccepted:
    order = orders.cancel(orderId, current_user(app).user_id)
    return CancelAccepted(orderId=order.order_id, status=order.status)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
