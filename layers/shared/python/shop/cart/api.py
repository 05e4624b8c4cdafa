"""The HTTP glue every cart function shares: who owns the cart a request is about, and the response.

Auth design: each cart operation has two routes on one function. `/cart/...` has the Cognito
authorizer, so the owner is always the token's `sub` (any X-Cart-Id is ignored there).
`/cart/anonymous/...` has no authorizer: the gateway passes no claims, and the owner is the
X-Cart-Id header (validated as a request parameter), an id we issued (uuid4) on the first anonymous
add. Keys are namespaced ("user#" / "anon#"), so no anonymous id ever reaches a user's cart.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header

from shop.cart.domain import CartOwner
from shop.cart.models import ANONYMOUS_CART_ID_PATTERN, CART_ID_HEADER, AnonymousCartId, CartView
from shop.http import current_user, json_response

ANONYMOUS_PREFIX = "/cart/anonymous"
ANONYMOUS_CART_ID_OR_NOTHING = f"^({ANONYMOUS_CART_ID_PATTERN[1:-1]})?$"
_CART_ID = f"The anonymous cart's id, as answered in {CART_ID_HEADER} by the first anonymous add"
CartIdHeader = Annotated[AnonymousCartId, Header(alias=CART_ID_HEADER, description=_CART_ID)]
# Absent or empty starts a new cart (a header is a string, never null: no `| None` in the schema).
NewOrExistingCartIdHeader = Annotated[
    str,
    Header(alias=CART_ID_HEADER, pattern=ANONYMOUS_CART_ID_OR_NOTHING, description=f"{_CART_ID}; none starts a new cart"),
]

_NO_STORE = {"description": "no-store: carts are never cached", "required": True, "schema": {"type": "string"}}
_CART_ID_OUT = {"description": "The anonymous cart's id: send it back", "required": True, "schema": {"type": "string"}}
USER_CART_HEADERS = {"Cache-Control": _NO_STORE}
ANONYMOUS_CART_HEADERS = {"Cache-Control": _NO_STORE, CART_ID_HEADER: _CART_ID_OUT}


def cart_ok(description: str, *, anonymous: bool, status: int = 200, **extra: Any) -> dict[int, dict[str, Any]]:
    """The documented success answer of a cart route (`extra`: links, ...)."""
    headers = ANONYMOUS_CART_HEADERS if anonymous else USER_CART_HEADERS
    return {status: {"description": description, "headers": headers,
                     "content": {"application/json": {"model": CartView}}, **extra}}


def user_owner(app: Any) -> CartOwner:
    return CartOwner.user(current_user(app).user_id)


def anonymous_owner(cart_id: str) -> CartOwner:
    return CartOwner.anonymous(cart_id)


def cart_response(view: CartView, owner: CartOwner, *, status: int = 200) -> Any:
    """The cart as JSON; an anonymous cart's id also goes back in X-Cart-Id. Never cached by proxies."""
    headers = {"Cache-Control": "no-store"}
    if owner.kind == "anon":
        headers[CART_ID_HEADER] = owner.id
    return json_response(status, view.model_dump(mode="json", exclude={"dropped"} if view.dropped is None else None), headers)
