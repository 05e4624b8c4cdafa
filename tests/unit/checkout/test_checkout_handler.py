"""POST /checkout through its Lambda handler (API Gateway proxy events) on moto: wiring, status codes, the saga start."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from orders_support import create_table_from_template

ROOT = Path(__file__).resolve().parents[3]
CARTS, PRODUCTS = "carts-test", "products-test"


def load_function(folder: str, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / folder / "app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Context:
    function_name, memory_limit_in_mb, aws_request_id = "checkout-start", 512, "req-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:checkout-start"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def api_event(user_id: str, key: str | None, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    return {
        "resource": "/checkout", "path": "/checkout", "httpMethod": "POST", "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
        "requestContext": {"requestId": "r1", "stage": "dev", "httpMethod": "POST", "path": "/checkout",
                           "resourcePath": "/checkout",
                           "authorizer": {"claims": {"sub": user_id, "email": f"{user_id}@example.com"}}},
        "body": json.dumps(body), "isBase64Encoded": False,
    }


BODY = {"paymentMethodId": "pm_0123456789abcdef01234567"}
CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


@pytest.fixture
def handler(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from shop.cart.domain import Cart, CartOwner
    from shop.cart.repository import CartRepository
    from shop.catalog.models import Product
    from shop.catalog.repository import ProductRepository

    create_table_from_template(dynamodb, "CartsShard0Table", CARTS)
    create_table_from_template(dynamodb, "ProductsTable", PRODUCTS)
    machine = boto3.client("stepfunctions", region_name="us-east-1").create_state_machine(
        name="checkout", definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn="arn:aws:iam::123456789012:role/sfn")["stateMachineArn"]
    for name, value in {"CART_TABLES": CARTS, "PRODUCTS_TABLE": PRODUCTS, "CHECKOUT_STATE_MACHINE_ARN": machine,
                        "POWERTOOLS_SERVICE_NAME": "checkout"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    ProductRepository(PRODUCTS).create(Product(productId="p1", sku="MUG-1", name="Mug", category="home",
                                               price=1200, createdAt="2026-01-01T00:00:00Z",
                                               updatedAt="2026-01-01T00:00:00Z"))
    cart = Cart(CartOwner.user("ann"), {"MUG-1": 2})
    CartRepository([CARTS], dynamodb=dynamodb).save(cart, None, "2026-01-01T00:00:00Z", 4_000_000_000)
    module = load_function("functions/checkout/start", "checkout_start_app")
    return lambda event: module.handler(event, Context())


def test_checkout_answers_202_once_per_key_and_starts_the_saga_by_order_id(handler: Any):
    first = handler(api_event("ann", "key-1", BODY))
    assert first["statusCode"] == 202, first["body"]
    order = json.loads(first["body"])
    assert order["status"] == "PENDING" and order["orderId"].startswith("ord_")
    again = handler(api_event("ann", "key-1", BODY))
    assert again["statusCode"] == 202 and json.loads(again["body"]) == order
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    [machine] = sfn.list_state_machines()["stateMachines"]
    executions = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["name"] for e in executions] == [order["orderId"]]


def test_checkout_without_a_key_is_422_and_with_an_empty_cart_409(handler: Any):
    missing = json.loads(handler(api_event("ann", None, BODY))["body"])["error"]
    assert missing["code"] == "VALIDATION_FAILED"
    assert [d["field"] for d in missing["details"]] == ["header.idempotency-key"]
    empty = handler(api_event("bob", "key-1", BODY))
    assert empty["statusCode"] == 409 and json.loads(empty["body"])["error"]["code"] == "EMPTY_CART"
    invalid = handler(api_event("ann", "key-2", {"paymentMethodId": "card_4242"}))
    assert invalid["statusCode"] == 422 and json.loads(invalid["body"])["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("body", [{"paymentMethod": {"card": CARD}}, {"card": CARD}, {**BODY, "card": CARD}])
def test_a_body_with_card_details_is_a_422_that_says_to_tokenize_and_starts_nothing(handler: Any, body: dict,
                                                                                    caplog: pytest.LogCaptureFixture):
    answer = handler(api_event("ann", "key-3", body))
    assert answer["statusCode"] == 422
    error = json.loads(answer["body"])["error"]
    assert error["code"] == "CARD_DATA_NOT_ACCEPTED" and "tokenize" in error["message"]
    assert "4242424242424242" not in answer["body"] and "4242424242424242" not in caplog.text
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    [machine] = sfn.list_state_machines()["stateMachines"]
    assert sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"] == []


@pytest.mark.parametrize("token", ["pm_ab4242424242424242cd", "pm_4242424242424242ab", "pm_0f79927398713ab"])
def test_a_token_whose_random_characters_hold_a_luhn_valid_run_is_still_a_token(token: str):
    from shop.checkout.models import CheckoutBody

    assert CheckoutBody.model_validate({"paymentMethodId": token}).paymentMethodId == token


@pytest.mark.parametrize("region", ["0" * 197, "0000000000000000", "1111111111111111111", "ref 4242424242424242 x"])
def test_digits_that_are_no_card_someone_typed_are_accepted(region: str):
    from shop.checkout.models import CheckoutBody

    address = {"line1": "1 Main St", "city": "Lyon", "postalCode": "69001", "country": "FR", "region": region}
    assert CheckoutBody.model_validate({"paymentMethodId": "pm_x", "shippingAddress": address}).shippingAddress


@pytest.mark.parametrize("body", [{"paymentMethodId": "pm_4242424242424242"},
                                  {"paymentMethodId": "pm_x", "shippingAddress": {"line1": "4242 4242 4242 4242"}}])
def test_a_card_number_dressed_as_a_token_or_hidden_in_a_field_is_refused(body: dict):
    from shop.checkout.models import CardDataNotAccepted, CheckoutBody

    with pytest.raises(CardDataNotAccepted):
        CheckoutBody.model_validate(body)
