"""POST /cart/merge {cartId} (signed in): merge an anonymous cart into mine after signing in."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.cart.api import cart_ok, cart_response, user_owner
from shop.cart.models import MergeBody
from shop.cart.service import CartService
from shop.http import create_app
from shop.observability import instrument

app = create_app()
carts = CartService()


@app.post(
    "/cart/merge",
    summary="Merge an anonymous cart into mine",
    tags=["cart"],
    operation_id="mergeCart",
    security=COGNITO,
    responses={
        **cart_ok("My cart after the merge (`dropped`: SKUs that did not fit)", anonymous=False),
        **error_responses(404, s404="No such anonymous cart"),
    },
)
def merge_cart(body: MergeBody):
    owner = user_owner(app)
    return cart_response(carts.merge(owner, body.cartId), owner)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
