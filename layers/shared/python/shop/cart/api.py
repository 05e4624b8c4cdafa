"""The HTTP glue every cart function shares: who owns the cart a request is about, and the response.

Auth design: each cart operation has two routes on one function. `/cart/...` has the Cognito
authorizer, so the owner is always the token's `sub` (any X-Cart-Id is ignored there).
`/cart/anonymous/...` has no authorizer: the gateway passes no claims, and the owner is the
X-Cart-Id header, an id we issued (uuid4) on the first anonymous add. Keys are namespaced
("user#" / "anon#"), so no anonymous id ever reaches a user's cart.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from shop.cart.domain import CartOwner
from shop.cart.models import CART_ID_HEADER, AnonymousCartId, CartView
from shop.errors import BadRequest, Unprocessable
from shop.http import current_user, json_response

ANONYMOUS_PREFIX = "/cart/anonymous"
_cart_id = TypeAdapter(AnonymousCartId)


def user_owner(app: Any) -> CartOwner:
    return CartOwner.user(current_user(app).user_id)


def anonymous_owner(app: Any, *, required: bool = True) -> CartOwner | None:
    """The anonymous cart named by X-Cart-Id (None when absent and not `required`)."""
    raw = app.current_event.headers.get(CART_ID_HEADER.lower()) or app.current_event.headers.get(
        CART_ID_HEADER
    )
    if not raw:
        if required:
            raise BadRequest(f"send the {CART_ID_HEADER} header of your cart", code="MISSING_CART_ID")
        return None
    try:
        return CartOwner.anonymous(_cart_id.validate_python(raw))
    except ValidationError:
        raise Unprocessable(
            f"{CART_ID_HEADER} is not a cart id we issued",
            details=[
                {"loc": ["header", CART_ID_HEADER], "field": f"header.{CART_ID_HEADER}", "message": "invalid"}
            ],
        ) from None


def cart_response(view: CartView, owner: CartOwner, *, status: int = 200) -> Any:
    """The cart as JSON; an anonymous cart's id also goes back in X-Cart-Id. Never cached by proxies."""
    headers = {"Cache-Control": "no-store"}
    if owner.kind == "anon":
        headers[CART_ID_HEADER] = owner.id
    return json_response(status, view.model_dump(mode="json", exclude={"dropped"} if view.dropped is None else None), headers)
