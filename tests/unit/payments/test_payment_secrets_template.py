"""template.yaml keeps the payment secrets in Secrets Manager: no secret parameter or default that could
ship, nothing but ARNs in function environments, and GetSecretValue only where a secret is read."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
SECRET_READERS = {
    "PaymentAuthorizeFunction": ("PAYMENT_PROVIDER_SECRET_ARN", "PaymentProviderSecretKey"),
    "PaymentCaptureFunction": ("PAYMENT_PROVIDER_SECRET_ARN", "PaymentProviderSecretKey"),
    "PaymentRefundFunction": ("PAYMENT_PROVIDER_SECRET_ARN", "PaymentProviderSecretKey"),
    "PaymentWebhookFunction": ("PAYMENT_WEBHOOK_SECRET_ARN", "PaymentWebhookSigningSecret"),
}


@functools.cache
def template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(TEMPLATE.read_text())


def functions() -> dict[str, dict[str, Any]]:
    return {lid: r["Properties"] for lid, r in template()["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}


def secrets() -> dict[str, dict[str, Any]]:
    return {lid: r["Properties"] for lid, r in template()["Resources"].items() if r["Type"] == "AWS::SecretsManager::Secret"}


def test_no_noecho_parameter_has_a_default_and_no_parameter_carries_a_payment_secret():
    parameters = template()["Parameters"]
    assert not [name for name, spec in parameters.items() if spec.get("NoEcho") and "Default" in spec]
    assert not [name for name in parameters if "secret" in name.lower() or name.endswith("ApiKey")]


def test_the_payment_secrets_are_generated_outside_production_and_empty_in_it():
    assert set(secrets()) == {"PaymentProviderSecretKey", "PaymentWebhookSigningSecret"}
    for props in secrets().values():
        assert "SecretString" not in props  # no value written in the template, ever
        assert props["GenerateSecretString"]["Fn::If"][:2] == ["IsProduction", {"Ref": "AWS::NoValue"}]
        assert props["GenerateSecretString"]["Fn::If"][2]["PasswordLength"] >= 32
    assert template()["Conditions"]["IsProduction"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}


def test_function_environments_hold_secret_arns_never_values():
    globals_env = template()["Globals"]["Function"]["Environment"]["Variables"]
    noecho = {name for name, spec in template()["Parameters"].items() if spec.get("NoEcho")}
    for name, props in {"Globals": {"Environment": {"Variables": globals_env}}, **functions()}.items():
        for variable, value in ((props.get("Environment") or {}).get("Variables") or {}).items():
            text = json.dumps(value)
            assert "resolve:secretsmanager" not in text and "resolve:ssm-secure" not in text, (name, variable)
            assert not any(f'"Ref": "{p}"' in text for p in noecho), (name, variable)
            if isinstance(value, dict) and value.get("Ref") in secrets():
                assert variable.endswith("_ARN"), (name, variable)


@pytest.mark.parametrize("function", sorted(SECRET_READERS))
def test_a_function_that_reads_a_secret_may_read_that_one_only(function: str):
    variable, secret = SECRET_READERS[function]
    props = functions()[function]
    assert props["Environment"]["Variables"][variable] == {"Ref": secret}
    grants = [p for p in props["Policies"] if isinstance(p, dict) and "AWSSecretsManagerGetSecretValuePolicy" in p]
    assert grants == [{"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": secret}}}]


def test_no_other_function_may_read_a_secret():
    for name, props in functions().items():
        if name not in SECRET_READERS:
            assert "secretsmanager" not in json.dumps(props.get("Policies", [])).lower(), name


def test_the_config_function_is_public_and_needs_no_permission():
    props = functions()["ConfigGetFunction"]
    assert "Policies" not in props
    event = props["Events"]["Get"]["Properties"]
    assert (event["Path"], event["Method"], event["Auth"]) == ("/config", "GET", {"Authorizer": "NONE"})
    processor = {"Fn::If": ["UsePaymentSandbox", {"Fn::GetAtt": ["PaymentSandbox", "Outputs.Url"]}, {"Ref": "PaymentProviderUrl"}]}
    assert props["Environment"]["Variables"]["PAYMENT_TOKENIZE_URL"] == {
        "Fn::Sub": ["${Processor}/v1/payment_methods", {"Processor": processor}]}
