"""POST /checkout {"paymentMethodId": "pm_...", "shippingAddress"?}: price the caller's cart, create the order
(once per Idempotency-Key), start the saga -> 202. The card was tokenized by the client at the processor."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO
from shop.catalog.service import CatalogService
from shop.checkout.carts import RepositoryCarts
from shop.checkout.models import CheckoutAccepted, CheckoutBody
from shop.checkout.saga import start_checkout_saga
from shop.checkout.service import CheckoutService
from shop.http import create_app, current_user, json_response
from shop.observability import instrument
from shop.orders.service import OrderService

app = create_app()
checkout = CheckoutService(OrderService(), RepositoryCarts(), CatalogService(), start_checkout_saga)


@app.post(
    "/checkout",
    summary="Start checkout",
    tags=["checkout"],
    operation_id="startCheckout",
    security=COGNITO,
    responses={
        202: {"description": "Order accepted; the saga runs", "content": {"application/json": {"model": CheckoutAccepted}}},
        400: {"description": "Idempotency-Key header missing"},
        422: {"description": "Empty cart, item no longer sold, invalid body, key reused for another request, or card "
                             "details in the body (CARD_DATA_NOT_ACCEPTED: tokenize at payments.tokenizeUrl first)"},
    },
)
def start_checkout(body: CheckoutBody):  # no return annotation: Powertools would model Response
    principal = current_user(app)
    accepted = checkout.checkout(
        user_id=principal.user_id,
        email=principal.email,
        idempotency_key=app.current_event.headers.get("Idempotency-Key"),
        body=body,
    )
    return json_response(202, accepted)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
