"""Helpers shared by the order, payment and checkout tests: tables shaped from template.yaml, sample data."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import boto3
import pytest

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
EVENTS_TABLE, VIEWS_TABLE = "order-events-test", "orders-test"


@functools.cache
def template_resources() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(TEMPLATE.read_text())["Resources"]


def create_table_from_template(dynamodb: Any, logical_id: str, name: str) -> None:
    """Create the table as template.yaml declares it (keys, indexes, stream), so tests cannot drift."""
    props = template_resources()[logical_id]["Properties"]
    kwargs: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
    }
    if "GlobalSecondaryIndexes" in props:
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if "StreamSpecification" in props:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    dynamodb.create_table(**kwargs)


@pytest.fixture
def aws(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811 - extends tests/unit/conftest.py's
    monkeypatch.setenv("ORDER_EVENTS_TABLE", EVENTS_TABLE)
    monkeypatch.setenv("ORDERS_TABLE", VIEWS_TABLE)


@pytest.fixture
def dynamodb(aws: None) -> Any:
    client = boto3.client("dynamodb", region_name="us-east-1")
    create_table_from_template(client, "OrderEventsTable", EVENTS_TABLE)
    create_table_from_template(client, "OrdersTable", VIEWS_TABLE)
    return client


def order_created(order_id: str = "ord_1", user_id: str = "user-1", total: int = 2500) -> dict[str, Any]:
    return {
        "orderId": order_id, "userId": user_id, "email": "ann@example.com", "currency": "USD", "total": total,
        "items": [{"sku": "SKU-1", "productId": "p1", "name": "Mug", "quantity": 2, "unitPrice": total // 2,
                   "lineTotal": total}],
    }


@pytest.fixture
def orders(dynamodb: Any) -> Any:
    from shop.orders.service import OrderService
    from shop.orders.store import OrderEventStore
    from shop.orders.views import OrderViews

    return OrderService(OrderEventStore(EVENTS_TABLE, dynamodb), OrderViews(VIEWS_TABLE, dynamodb))
