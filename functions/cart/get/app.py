"""GET /cart (signed in) and GET /cart/anonymous (X-Cart-Id): the cart, priced from the catalog."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import CartIdHeader, anonymous_owner, cart_ok, cart_response, user_owner
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()


@app.get(
    "/cart",
    summary="Get my cart",
    tags=["cart"],
    operation_id="getCart",
    security=COGNITO,
    responses=cart_ok("My cart", anonymous=False),
)
def get_cart():
    owner = user_owner(app)
    return cart_response(carts.view(owner), owner)


@app.get(
    "/cart/anonymous",
    summary="Get an anonymous cart (X-Cart-Id)",
    tags=["cart"],
    operation_id="getAnonymousCart",
    responses={**cart_ok("The anonymous cart", anonymous=True), **error_responses(404)},
)
def get_anonymous_cart(cart_id: CartIdHeader):
    owner = anonymous_owner(cart_id)
    return cart_response(carts.view(owner), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
