"""POST /cart/items (signed in) and POST /cart/anonymous/items: add units of a SKU to the cart.

Without X-Cart-Id the anonymous route starts a new cart and answers 201 with its id (body cartId
and the X-Cart-Id header): the client keeps it and merges it after signing in (POST /cart/merge).
"""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import NewOrExistingCartIdHeader, anonymous_owner, cart_ok, cart_response, user_owner
from shop.cart.models import AddItemBody
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()
ERRORS = error_responses(
    404, 409, s404="No such SKU on sale, or no such anonymous cart",
    s409="Not enough stock, or the cart is full (50 lines, 99 units a line)",
)
SKU = "$request.body#/sku"
CART_ID = "$response.header.X-Cart-Id"
MY_CART = {
    "CheckOutTheCart": {"operationId": "startCheckout"},
    "ChangeTheLine": {"operationId": "setCartItemQuantity", "parameters": {"sku": SKU}},
    "RemoveTheLine": {"operationId": "removeCartItem", "parameters": {"sku": SKU}},
}
ANONYMOUS_CART = {
    "GetTheAnonymousCart": {"operationId": "getAnonymousCart", "parameters": {"header.x-cart-id": CART_ID}},
    "ChangeTheAnonymousLine": {
        "operationId": "setAnonymousCartItemQuantity", "parameters": {"sku": SKU, "header.x-cart-id": CART_ID},
    },
    "RemoveTheAnonymousLine": {
        "operationId": "removeAnonymousCartItem", "parameters": {"sku": SKU, "header.x-cart-id": CART_ID},
    },
    "ClearTheAnonymousCart": {"operationId": "clearAnonymousCart", "parameters": {"header.x-cart-id": CART_ID}},
    "MergeTheAnonymousCart": {"operationId": "mergeCart", "requestBody": {"cartId": CART_ID}},
}


@app.post(
    "/cart/items",
    summary="Add an item to my cart",
    tags=["cart"],
    operation_id="addCartItem",
    security=COGNITO,
    responses={**cart_ok("My cart", anonymous=False, links=MY_CART), **ERRORS},
)
def add_item(body: AddItemBody):
    owner = user_owner(app)
    return cart_response(carts.add_item(owner, body.sku, body.quantity), owner)


@app.post(
    "/cart/anonymous/items",
    summary="Add an item to an anonymous cart (a new one without X-Cart-Id)",
    tags=["cart"],
    operation_id="addAnonymousCartItem",
    responses={
        **cart_ok("The anonymous cart named by X-Cart-Id", anonymous=True, links=ANONYMOUS_CART),
        **cart_ok("A new anonymous cart: keep its X-Cart-Id", anonymous=True, status=201, links=ANONYMOUS_CART),
        **ERRORS,
    },
)
def add_anonymous_item(body: AddItemBody, cart_id: NewOrExistingCartIdHeader = ""):
    if not cart_id:
        owner = carts.new_anonymous_owner()
        return cart_response(carts.add_item(owner, body.sku, body.quantity, create=True), owner, status=201)
    owner = anonymous_owner(cart_id)
    return cart_response(carts.add_item(owner, body.sku, body.quantity), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
