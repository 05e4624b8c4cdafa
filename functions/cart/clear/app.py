"""DELETE /cart (signed in) and DELETE /cart/anonymous (X-Cart-Id): empty the cart."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import CartIdHeader, anonymous_owner, cart_ok, cart_response, user_owner
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()


@app.delete(
    "/cart",
    summary="Clear my cart",
    tags=["cart"],
    operation_id="clearCart",
    security=COGNITO,
    responses=cart_ok("My (empty) cart", anonymous=False),
)
def clear_cart():
    owner = user_owner(app)
    return cart_response(carts.clear(owner), owner)


@app.delete(
    "/cart/anonymous",
    summary="Clear an anonymous cart (X-Cart-Id)",
    tags=["cart"],
    operation_id="clearAnonymousCart",
    responses={**cart_ok("The (empty) anonymous cart", anonymous=True), **error_responses(404)},
)
def clear_anonymous_cart(cart_id: CartIdHeader):
    owner = anonymous_owner(cart_id)
    return cart_response(carts.clear(owner), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
