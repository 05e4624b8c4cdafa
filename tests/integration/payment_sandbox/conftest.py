"""Fixtures for the payment sandbox: an in-process Chalice test client and the real local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from chalice.test import Client
from sandbox_helpers import API_KEY, AUTH, OTHER_MERCHANT_KEY, SandboxClient

from infrastructure.payment_sandbox.chalicelib.application import SandboxSettings, create_app
from infrastructure.payment_sandbox.server import SandboxServer, start_sandbox


@pytest.fixture
def sandbox_client() -> Iterator[SandboxClient]:
    app = create_app(SandboxSettings(api_keys=(API_KEY, OTHER_MERCHANT_KEY)))
    with Client(app) as client:
        yield SandboxClient(client)
    app.sandbox.webhooks.close()

@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    server = start_sandbox(api_key=API_KEY)
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
