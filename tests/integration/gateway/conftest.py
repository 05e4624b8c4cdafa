"""Fixtures for the local API Gateway tests (helpers live in gateway_support)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from gateway_support import GatewayRunner, RunningGateway, TinyResolver, load_template, translate
from localcloud.stack import Stack


@pytest.fixture(scope="session")
def translated_template() -> dict[str, Any]:
    return translate(load_template())


@pytest.fixture(scope="session")
def make_stack(translated_template: dict[str, Any]) -> Callable[..., Stack]:
    def make(physical_ids: dict[str, str] | None = None) -> Stack:
        return TinyResolver(copy.deepcopy(translated_template), physical_ids or {}).stack()

    return make


@pytest.fixture
def run_gateway() -> Iterator[GatewayRunner]:
    runner = GatewayRunner()
    yield runner
    runner.stop_all()


@pytest.fixture(scope="module")
def shared_gateway(make_stack: Callable[..., Stack]) -> Iterator[RunningGateway]:
    """One gateway over the default test stack for a whole module (starting one costs ~0.2 s)."""
    runner = GatewayRunner()
    yield runner(make_stack())
    runner.stop_all()


@pytest.fixture
def gw(shared_gateway: RunningGateway) -> RunningGateway:
    shared_gateway.invoker.calls.clear()
    shared_gateway.invoker.handlers.clear()
    return shared_gateway
