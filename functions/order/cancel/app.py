"""POST /orders/{orderId}/cancel: cancel a PENDING order (the saga then voids/refunds and releases stock).

Confirmed orders are in fulfilment (their stock is committed); failed or cancelled ones are final: 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.orders.service import OrderService

app = create_app()
orders = OrderService()


@app.post("/orders/<orderId>/cancel", summary="Cancel my order", tags=["orders"], operation_id="cancelOrder",
          security=COGNITO)
def cancel_order(orderId: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,80}$")]) -> dict[str, Any]:
    order = orders.cancel(orderId, current_user(app).user_id)
    return {"orderId": order.order_id, "status": order.status}


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
