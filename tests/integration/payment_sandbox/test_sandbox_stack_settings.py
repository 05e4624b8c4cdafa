"""Deployed beside the shop, the sandbox takes its keys from the shop stack's secrets (nested-stack.yaml)."""

from __future__ import annotations

import boto3
from moto import mock_aws

from infrastructure.payment_sandbox.chalicelib import stack
from infrastructure.payment_sandbox.chalicelib.application import SandboxSettings


@mock_aws
def test_the_sandbox_holds_the_values_of_the_shop_stacks_secrets_and_webhook_url():
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    ssm = boto3.client("ssm", region_name="us-east-1")
    key = secrets.create_secret(Name="shop-dev/payments/processor-secret-key", SecretString="sk_generated")["ARN"]
    signing = secrets.create_secret(Name="shop-dev/payments/webhook-signing-secret", SecretString="whsec_gen")["ARN"]
    ssm.put_parameter(Name="/shop-dev/payments/webhook-url", Type="String", Value="https://api.example/dev/payments/webhook")
    env = {"SANDBOX_API_KEY_SECRET_ARN": key, "SANDBOX_WEBHOOK_SECRET_ARN": signing,
           "SANDBOX_WEBHOOK_URL_PARAMETER": "/shop-dev/payments/webhook-url", "SANDBOX_PUBLISHABLE_KEY": "pk_test_dev"}

    settings = SandboxSettings.from_env(stack.resolve(env, secrets=secrets, ssm=ssm))

    assert [(a.secret_key, a.publishable_key) for a in settings.accounts] == [("sk_generated", "pk_test_dev")]
    assert settings.switches.webhook_url == "https://api.example/dev/payments/webhook"
    assert settings.switches.webhook_secret == "whsec_gen"


def test_without_the_stack_variables_nothing_is_read():
    env = {"SANDBOX_API_KEY": "sk_test_local"}
    assert stack.resolve(env, secrets=object(), ssm=object()) == env
