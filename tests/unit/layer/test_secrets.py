"""shop.secrets on moto's Secrets Manager: cached per environment, re-read after the TTL or on demand,
fail closed when there is no value."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from shop.secrets import Secret, SecretNotAvailable


@pytest.fixture
def secretsmanager(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    parameters.clear_caches()
    monkeypatch.setattr(parameters.base, "DEFAULT_PROVIDERS", {})  # a provider (client) inside this moto
    yield boto3.client("secretsmanager", region_name="us-east-1")
    parameters.clear_caches()


def test_the_value_is_read_by_arn_and_cached_until_the_ttl(secretsmanager, monkeypatch: pytest.MonkeyPatch):
    arn = secretsmanager.create_secret(Name="shop/payments/key", SecretString="sk_one")["ARN"]
    monkeypatch.setenv("KEY_ARN", arn)
    key = Secret("KEY_ARN")
    assert key.value() == "sk_one"
    secretsmanager.put_secret_value(SecretId=arn, SecretString="sk_two")  # rotated
    assert key.value() == "sk_one"  # cached (POWERTOOLS_PARAMETERS_MAX_AGE)
    assert key.value(refresh=True) == "sk_two"


def test_a_zero_ttl_reads_every_time_so_a_rotation_takes_effect(secretsmanager, monkeypatch: pytest.MonkeyPatch):
    arn = secretsmanager.create_secret(Name="shop/payments/key", SecretString="sk_one")["ARN"]
    monkeypatch.setenv("KEY_ARN", arn)
    monkeypatch.setenv("POWERTOOLS_PARAMETERS_MAX_AGE", "0")
    key = Secret("KEY_ARN")
    assert key.value() == "sk_one"
    secretsmanager.put_secret_value(SecretId=arn, SecretString="sk_two")
    assert key.value() == "sk_two"


def test_a_secret_without_a_value_fails_closed(secretsmanager, monkeypatch: pytest.MonkeyPatch):
    arn = secretsmanager.create_secret(Name="shop-prod/payments/key")["ARN"]  # as a prod stage creates it
    monkeypatch.setenv("KEY_ARN", arn)
    with pytest.raises(SecretNotAvailable) as raised:
        Secret("KEY_ARN").value()
    assert raised.value.status == 503 and "KEY_ARN" in raised.value.message


def test_the_environment_must_name_the_secret(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KEY_ARN", raising=False)
    with pytest.raises(RuntimeError, match="KEY_ARN"):
        Secret("KEY_ARN").value()
