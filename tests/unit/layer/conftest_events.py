"""Fixtures and builders shared by the event tests (imported explicitly: `from conftest_events import ...`)."""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import OrderCreated, OrderLine

REGION = "us-east-1"


def order_created(order_id: str = "o-1", *, quantity: int = 2, name: str = "Mug") -> OrderCreated:
    line = OrderLine(sku="MUG-1", product_id="p-1", name=name, quantity=quantity, unit_price=1250)
    return OrderCreated(order_id=order_id, user_id="u-1", items=[line], total=1250 * quantity)


@dataclass
class FakeLambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str = "orders-get"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:orders-get"
    aws_request_id: str = "lambda-req-1"
    log_group_name: str = "/aws/lambda/orders-get"
    log_stream_name: str = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
