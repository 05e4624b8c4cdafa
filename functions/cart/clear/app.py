"""DELETE /cart (signed in) and DELETE /cart/anonymous (X-Cart-Id): empty the cart."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import anonymous_owner, cart_response, user_owner
from shop.cart.models import CartView
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
OK = {200: {"description": "The (empty) cart", "content": {"application/json": {"model": CartView}}}}


@app.delete(
    "/cart",
    summary="Clear my cart",
    tags=["cart"],
    operation_id="clearCart",
    security=COGNITO,
    responses={**OK, **error_responses(401)},
)
def clear_cart():
    owner = user_owner(app)
    return cart_response(carts.clear(owner), owner)


@app.delete(
    "/cart/anonymous",
    summary="Clear an anonymous cart (X-Cart-Id)",
    tags=["cart"],
    operation_id="clearAnonymousCart",
    responses={**OK, **error_responses(400, 404, 422)},
)
def clear_anonymous_cart():
    owner = anonymous_owner(app)
    return cart_response(carts.clear(owner), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
