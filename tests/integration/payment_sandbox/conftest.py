"""Fixtures for the payment sandbox: an in-process Chalice test client and the real local server."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import requests
from chalice.test import Client
from moto import mock_aws
from sandbox_helpers import (
    API_KEY,
    AUTH,
    OTHER_MERCHANT_KEY,
    OTHER_PUBLISHABLE_KEY,
    PUBLISHABLE_KEY,
    SandboxClient,
)

from infrastructure.payment_sandbox.chalicelib.application import SandboxSettings, create_app
from infrastructure.payment_sandbox.chalicelib.dynamodb_store import DynamoDBStore
from infrastructure.payment_sandbox.chalicelib.keys import Account
from infrastructure.payment_sandbox.chalicelib.store import InMemoryStore, SandboxStore
from infrastructure.payment_sandbox.server import SandboxServer, start_sandbox


@pytest.fixture(scope="module")
def shared_dynamodb_table() -> Iterator[DynamoDBStore]:
    """One moto table per module (starting moto per test would cost more than the tests)."""
    with mock_aws():
        # An explicit endpoint, so an AWS_ENDPOINT_URL set by other suites cannot lead around moto.
        client = boto3.client("dynamodb", region_name="us-east-1",
                              endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        store = DynamoDBStore("payment-sandbox-test", client=client)
        store.ensure_table()
        yield store


@pytest.fixture(params=["memory", "dynamodb"])
def sandbox_store(request: pytest.FixtureRequest) -> SandboxStore:
    """Every Client test runs on both stores; the DynamoDB one against moto, emptied first."""
    if request.param == "memory":
        return InMemoryStore()
    store: DynamoDBStore = request.getfixturevalue("shared_dynamodb_table")
    store.reset()
    return store


@pytest.fixture
def sandbox_client(sandbox_store: SandboxStore) -> Iterator[SandboxClient]:
    app = create_app(SandboxSettings(accounts=(Account(API_KEY, PUBLISHABLE_KEY),
                                              Account(OTHER_MERCHANT_KEY, OTHER_PUBLISHABLE_KEY))),
                     store=sandbox_store)
    with Client(app) as client:
        yield SandboxClient(client)
    app.sandbox.webhooks.close()

@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    server = start_sandbox(api_key=API_KEY, publishable_key=PUBLISHABLE_KEY)
    yield server
    server.stop()

@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The module's server, with forgotten state and default switches for every test."""
    requests.post(f"{sandbox_server.url}/_sandbox/reset", headers=AUTH, timeout=5).raise_for_status()
    yield sandbox_server

@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(AUTH)
        yield session
