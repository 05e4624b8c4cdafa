"""PATCH /cart/items/{sku} (signed in) and PATCH /cart/anonymous/items/{sku}: set a line's quantity."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from shop.apidoc import COGNITO, error_responses
from shop.cart.api import CartIdHeader, anonymous_owner, cart_ok, cart_response, user_owner
from shop.cart.models import SetQuantityBody
from shop.cart.service import CartService
from shop.catalog.models import SKU_PATTERN
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
SKU = Path(pattern=SKU_PATTERN)
ERRORS = error_responses(
    404, 409, s404="No such line in the cart (or no such anonymous cart)", s409="Not enough stock",
)


@app.patch(
    "/cart/items/<sku>",
    summary="Change a line's quantity",
    tags=["cart"],
    operation_id="setCartItemQuantity",
    security=COGNITO,
    responses={**cart_ok("My cart", anonymous=False), **ERRORS},
)
def set_quantity(sku: Annotated[str, SKU], body: SetQuantityBody):
    owner = user_owner(app)
    return cart_response(carts.set_quantity(owner, sku, body.quantity), owner)


@app.patch(
    "/cart/anonymous/items/<sku>",
    summary="Change a line's quantity (anonymous cart)",
    tags=["cart"],
    operation_id="setAnonymousCartItemQuantity",
    responses={**cart_ok("The anonymous cart", anonymous=True), **ERRORS},
)
def set_anonymous_quantity(sku: Annotated[str, SKU], body: SetQuantityBody, cart_id: CartIdHeader):
    owner = anonymous_owner(cart_id)
    return cart_response(carts.set_quantity(owner, sku, body.quantity), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
