"""DELETE /cart/items/{sku} (signed in) and DELETE /cart/anonymous/items/{sku}: remove a line."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.cart.api import CartIdHeader, anonymous_owner, cart_ok, cart_response, user_owner
from shop.cart.service import CartService
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
SKU = Path(pattern=SKU_PATTERN)
NOT_FOUND = error_responses(404, s404="No such line in the cart (or no such anonymous cart)")


@app.delete(
    "/cart/items/<sku>",
    summary="Remove a line",
    tags=["cart"],
    operation_id="removeCartItem",
    security=COGNITO,
    responses={**cart_ok("My cart", anonymous=False), **NOT_FOUND},
)
def remove_item(sku: Annotated[str, SKU]):
    owner = user_owner(app)
    return cart_response(carts.remove_item(owner, sku), owner)


@app.delete(
    "/cart/anonymous/items/<sku>",
    summary="Remove a line (anonymous cart)",
    tags=["cart"],
    operation_id="removeAnonymousCartItem",
    responses={**cart_ok("The anonymous cart", anonymous=True), **NOT_FOUND},
)
def remove_anonymous_item(sku: Annotated[str, SKU], cart_id: CartIdHeader):
    owner = anonymous_owner(cart_id)
    return cart_response(carts.remove_item(owner, sku), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
