"""Fixtures of the payment tests: the real payment sandbox on a free port, moto tables, a real Redis."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "orders"))  # the shared order test helpers

from orders_support import aws, dynamodb, orders  # noqa: E402, F401 - fixtures

from infrastructure.payment_sandbox.server import SandboxServer, start_sandbox  # noqa: E402


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox("127.0.0.1", 0)
    yield server
    server.stop()


def tokenize(sandbox: SandboxServer, number: str = "4242424242424242") -> str:
    """What the customer's browser does: the card to the processor with the publishable key -> "pm_..."."""
    import httpx

    response = httpx.post(sandbox.tokenize_url, headers={"Authorization": f"Bearer {sandbox.publishable_key}"},
                          json={"card": {"number": number, "expMonth": 12, "expYear": 2040, "cvc": "123"}})
    response.raise_for_status()
    return response.json()["id"]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    from localcloud.redisd import ensure_redis

    handle = ensure_redis()
    yield handle
    handle.stop()


@pytest.fixture
def redis_db(redis_server: Any) -> Iterator[Any]:
    from shop.redis_client import create_redis

    client = create_redis(redis_server.url.rsplit("/", 1)[0] + "/12", connect_timeout=1.0, socket_timeout=1.0)
    client.flushdb()
    yield client
    client.close()
