"""POST /cart/items (signed in) and POST /cart/anonymous/items: add units of a SKU to the cart.

Without X-Cart-Id the anonymous route starts a new cart and answers 201 with its id (body cartId
and the X-Cart-Id header): the client keeps it and merges it after signing in (POST /cart/merge).
"""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import anonymous_owner, cart_response, user_owner
from shop.cart.models import AddItemBody, CartView
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
OK = {200: {"description": "The cart", "content": {"application/json": {"model": CartView}}}}
ERRORS = error_responses(400, 404, 409, 413, 422)


@app.post(
    "/cart/items",
    summary="Add an item to my cart",
    tags=["cart"],
    operation_id="addCartItem",
    security=COGNITO,
    responses={**OK, **error_responses(401), **ERRORS},
)
def add_item(body: AddItemBody):
    owner = user_owner(app)
    return cart_response(carts.add_item(owner, body.sku, body.quantity), owner)


@app.post(
    "/cart/anonymous/items",
    summary="Add an item to an anonymous cart (new one without X-Cart-Id)",
    tags=["cart"],
    operation_id="addAnonymousCartItem",
    responses={**OK, 201: {"description": "A new anonymous cart (X-Cart-Id)"}, **ERRORS},
)
def add_anonymous_item(body: AddItemBody):
    owner = anonymous_owner(app, required=False)
    if owner is None:
        owner = carts.new_anonymous_owner()
        return cart_response(carts.add_item(owner, body.sku, body.quantity, create=True), owner, status=201)
    return cart_response(carts.add_item(owner, body.sku, body.quantity), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
