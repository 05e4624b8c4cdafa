"""DELETE /cart/items/{sku} (signed in) and DELETE /cart/anonymous/items/{sku}: remove a line."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.cart.api import anonymous_owner, cart_response, user_owner
from shop.cart.models import CartView
from shop.cart.service import CartService
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
SKU = Path(pattern=SKU_PATTERN)
OK = {200: {"description": "The cart", "content": {"application/json": {"model": CartView}}}}


@app.delete(
    "/cart/items/<sku>",
    summary="Remove a line",
    tags=["cart"],
    operation_id="removeCartItem",
    security=COGNITO,
    responses={**OK, **error_responses(401, 404, 422)},
)
def remove_item(sku: Annotated[str, SKU]):
    owner = user_owner(app)
    return cart_response(carts.remove_item(owner, sku), owner)


@app.delete(
    "/cart/anonymous/items/<sku>",
    summary="Remove a line (anonymous cart)",
    tags=["cart"],
    operation_id="removeAnonymousCartItem",
    responses={**OK, **error_responses(400, 404, 422)},
)
def remove_anonymous_item(sku: Annotated[str, SKU]):
    owner = anonymous_owner(app)
    return cart_response(carts.remove_item(owner, sku), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
