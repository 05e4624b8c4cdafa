"""POST /checkout {"paymentMethodId": "pm_...", "shippingAddress"?}: price the caller's cart, create the order
(once per Idempotency-Key), start the saga -> 202. The card was tokenized by the client at the processor."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header
from shop.apidoc import COGNITO, error_responses
from shop.catalog.service import CatalogService
from shop.checkout.carts import RepositoryCarts
from shop.checkout.models import CheckoutAccepted, CheckoutBody
from shop.checkout.saga import start_checkout_saga
from shop.checkout.service import IDEMPOTENCY_KEY_PATTERN, MAX_KEY_LENGTH, CheckoutService
from shop.http import create_app, current_user, json_response
from shop.observability import instrument
from shop.orders.service import OrderService

app = create_app()
checkout = CheckoutService(OrderService(), RepositoryCarts(), CatalogService(), start_checkout_saga)
IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=IDEMPOTENCY_KEY_PATTERN,
    description="One order per key: send the same key again to retry safely (visible ASCII, 1 to 255)",
)]


@app.post(
    "/checkout",
    summary="Start checkout",
    tags=["checkout"],
    operation_id="startCheckout",
    security=COGNITO,
    responses={
        202: {
            "description": "Order accepted; the saga runs",
            "content": {"application/json": {"model": CheckoutAccepted}},
            "links": {"GetTheOrder": {"operationId": "getOrder", "parameters": {"orderId": "$response.body#/orderId"}}},
        },
        **error_responses(409, 422, s409="Empty cart, an item no longer sold, or the key was used for another checkout",
                          s422="Validation failed, or card details in the body (CARD_DATA_NOT_ACCEPTED: tokenize at "
                               "payments.tokenizeUrl from GET /config first)"),
    },
)
def start_checkout(body: CheckoutBody, idempotency_key: IdempotencyKey):  # no return annotation: see json_response
    principal = current_user(app)
    accepted = checkout.checkout(
        user_id=principal.user_id, email=principal.email, idempotency_key=idempotency_key, body=body,
    )
    return json_response(202, accepted)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
