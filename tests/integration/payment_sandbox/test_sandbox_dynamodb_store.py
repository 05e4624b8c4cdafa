"""The DynamoDB store (moto): state shared by several sandboxes, as by several Lambda containers."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws
from sandbox_helpers import API_KEY, PUBLISHABLE_KEY, SandboxClient, authorization_body

from infrastructure.payment_sandbox.chalicelib.application import SandboxSettings, create_app
from infrastructure.payment_sandbox.chalicelib.dynamodb_store import DynamoDBStore
from infrastructure.payment_sandbox.chalicelib.keys import Account


@pytest.fixture
def two_containers() -> Iterator[tuple[SandboxClient, SandboxClient, DynamoDBStore]]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1",
                              endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        stores = [DynamoDBStore("payment-sandbox-shared", client=client) for _ in range(2)]
        stores[0].ensure_table()
        stores[1].ensure_table()  # a second container finds the table and leaves it alone
        apps = [create_app(SandboxSettings(accounts=(Account(API_KEY, PUBLISHABLE_KEY),)), store=store) for store in stores]
        yield SandboxClient(Client(apps[0])), SandboxClient(Client(apps[1])), stores[0]


def test_a_key_used_in_one_container_is_replayed_by_another(
    two_containers: tuple[SandboxClient, SandboxClient, DynamoDBStore],
) -> None:
    first, second, _ = two_containers
    body = authorization_body(first.payment_method(), reference="order-shared")

    original = first.call("POST", "/v1/authorizations", body, key="shared")
    replayed = second.call("POST", "/v1/authorizations", body, key="shared")

    assert replayed.json_body == original.json_body
    assert replayed.headers["Idempotent-Replayed"] == "true"


def test_an_authorization_from_one_container_is_captured_once_across_both(
    two_containers: tuple[SandboxClient, SandboxClient, DynamoDBStore],
) -> None:
    first, second, _ = two_containers
    auth_id = first.authorize(reference="order-once").json_body["id"]

    captured = second.call("POST", f"/v1/authorizations/{auth_id}/capture")
    again = first.call("POST", f"/v1/authorizations/{auth_id}/capture")

    assert (captured.status_code, again.status_code) == (200, 409)
    assert first.call("GET", "/_sandbox/stats").json_body["byReference"]["order-once"]["captures"] == 1


def test_a_concurrent_change_is_retried_on_the_fresh_document(
    two_containers: tuple[SandboxClient, SandboxClient, DynamoDBStore],
) -> None:
    first, _, store = two_containers
    auth_id = first.authorize().json_body["id"]
    calls: list[str] = []

    def change(auth: dict) -> None:
        calls.append(auth["status"])
        if len(calls) == 1:  # someone else voids it between our read and our write
            store.update_authorization(auth_id, lambda other: other.update(status="voided"))
        auth["metadata"]["seen"] = auth["status"]

    store.update_authorization(auth_id, change)

    assert calls == ["authorized", "voided"]
    assert store.get_authorization(auth_id)["metadata"] == {"seen": "voided"}
