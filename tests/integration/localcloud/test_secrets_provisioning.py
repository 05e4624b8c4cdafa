"""Secrets are created from the template as CloudFormation creates them (on moto): given, generated with
GenerateSecretString's options, or empty for the operator to put."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from localcloud.provision import Provisioner
from localcloud.stack import Resource
from moto import mock_aws


@pytest.fixture
def provisioner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provisioner]:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield Provisioner(None, "us-east-1", "123456789012", log=lambda _: None)  # type: ignore[arg-type]


def create(provisioner: Provisioner, properties: dict[str, Any]) -> tuple[Resource, Any]:
    resource = Resource("PaymentSecret", "AWS::SecretsManager::Secret", properties,
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:stack-PaymentSecret-abcdef")
    provisioner(resource)
    assert provisioner.report.failed == [], provisioner.report.failed
    return resource, boto3.client("secretsmanager", region_name="us-east-1")


def test_generate_secret_string_makes_a_random_value_with_its_options(provisioner: Provisioner):
    resource, client = create(provisioner, {"Name": "stack/payments/key",
                                            "GenerateSecretString": {"PasswordLength": 40, "ExcludePunctuation": True}})
    value = client.get_secret_value(SecretId=resource.physical_id)["SecretString"]
    assert len(value) == 40 and set(value) <= set(string.ascii_letters + string.digits)
    assert resource.physical_id == client.describe_secret(SecretId="stack/payments/key")["ARN"]  # what Ref gives


def test_a_template_and_key_make_a_json_secret(provisioner: Provisioner):
    resource, client = create(provisioner, {"Name": "db", "GenerateSecretString": {
        "SecretStringTemplate": '{"username": "shop"}', "GenerateStringKey": "password", "PasswordLength": 16}})
    value = json.loads(client.get_secret_value(SecretId=resource.physical_id)["SecretString"])
    assert value["username"] == "shop" and len(value["password"]) == 16


def test_neither_value_nor_generator_makes_an_empty_secret(provisioner: Provisioner):
    resource, client = create(provisioner, {"Name": "shop-prod/payments/key"})
    assert client.describe_secret(SecretId=resource.physical_id)["Name"] == "shop-prod/payments/key"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_secret_value(SecretId=resource.physical_id)  # no AWSCURRENT version until one is put
