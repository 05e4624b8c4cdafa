"""Fixtures every unit test folder shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws
from shop.aws import reset_clients


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's in-process AWS with fake credentials; the layer's cached clients are rebuilt inside it."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EVENTS", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    reset_clients()
    with mock_aws():
        yield
    reset_clients()
