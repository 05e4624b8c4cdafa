"""Settings from the shop stack the sandbox is deployed beside (deploy/nested-stack.yaml).

The shop's payment secrets are the sandbox's keys: the merchant account's secret key and the webhook signing
secret are read from Secrets Manager, and the shop's webhook URL from an SSM parameter, once per cold start.
Without those variables (local runs, tests) nothing is read and the plain SANDBOX_* variables apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def resolve(env: Mapping[str, str], *, secrets: Any = None, ssm: Any = None) -> dict[str, str]:
    """`env` with SANDBOX_API_KEY, SANDBOX_WEBHOOK_SECRET and SANDBOX_WEBHOOK_URL filled from the ARNs and the
    parameter name it gives (SANDBOX_API_KEY_SECRET_ARN, SANDBOX_WEBHOOK_SECRET_ARN, SANDBOX_WEBHOOK_URL_PARAMETER)."""
    resolved = dict(env)
    wanted = {"SANDBOX_API_KEY": env.get("SANDBOX_API_KEY_SECRET_ARN"),
              "SANDBOX_WEBHOOK_SECRET": env.get("SANDBOX_WEBHOOK_SECRET_ARN")}
    if any(wanted.values()) and secrets is None:
        import boto3  # noqa: PLC0415 - only deployed (the Lambda runtime ships boto3)

        secrets = boto3.client("secretsmanager")
    for variable, arn in wanted.items():
        if arn:
            resolved[variable] = secrets.get_secret_value(SecretId=arn)["SecretString"]
    parameter = env.get("SANDBOX_WEBHOOK_URL_PARAMETER")
    if parameter:
        if ssm is None:
            import boto3  # noqa: PLC0415

            ssm = boto3.client("ssm")
        resolved["SANDBOX_WEBHOOK_URL"] = ssm.get_parameter(Name=parameter)["Parameter"]["Value"]
    return resolved
