"""GET /cart (signed in) and GET /cart/anonymous (X-Cart-Id): the cart, priced from the catalog."""

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
OK = {200: {"description": "The cart", "content": {"application/json": {"model": CartView}}}}


@app.get(
    "/cart",
    summary="Get my cart",
    tags=["cart"],
    operation_id="getCart",
    security=COGNITO,
    responses={**OK, **error_responses(401)},
)
def get_cart():
    owner = user_owner(app)
    return cart_response(carts.view(owner), owner)


@app.get(
    "/cart/anonymous",
    summary="Get an anonymous cart (X-Cart-Id)",
    tags=["cart"],
    operation_id="getAnonymousCart",
    responses={**OK, **error_responses(400, 404, 422)},
)
def get_anonymous_cart():
    owner = anonymous_owner(app)
    return cart_response(carts.view(owner), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
