"""The parameters `make deploy` passes to `sam deploy`, from samconfig.toml, checked before anything moves.

    python -m scripts.deploy_config --config-env prod      prints the resolved parameter overrides

- A value written as a dynamic reference, `{{resolve:ssm:/shop-prod/payments/processor-url}}`, is read
  from SSM Parameter Store (its latest version): values an operator keeps outside the repository.
- Production refuses sandbox settings: the sandbox processor, a test publishable key, a loopback or
  sandbox URL, a missing processor URL. Exit 2 with the reasons; nothing is deployed.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

SSM_REFERENCE = re.compile(r"^\{\{resolve:ssm:([^:}]+)\}\}$")
LOOPBACK = re.compile(r"^https?://(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)([:/]|$)", re.IGNORECASE)
PRODUCTION_STAGE = "prod"


class DeployRefused(Exception):
    """The settings would deploy something unsafe; the message lists every reason."""


def config_overrides(samconfig: Path, config_env: str) -> dict[str, str]:
    """The `parameter_overrides` of `[<env>.deploy.parameters]`, as a dict."""
    config = tomllib.loads(samconfig.read_text())
    raw = config.get(config_env, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", "")
    items = raw if isinstance(raw, list) else shlex.split(raw)
    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise DeployRefused(f"[{config_env}] parameter_overrides: {item!r} is not Key=Value")
        overrides[key] = value
    return overrides


def resolve(overrides: dict[str, str], read_ssm: Callable[[str], str]) -> dict[str, str]:
    """Every `{{resolve:ssm:<name>}}` value replaced by the parameter's value."""
    resolved = {}
    for key, value in overrides.items():
        match = SSM_REFERENCE.match(value)
        resolved[key] = read_ssm(match.group(1)) if match else value
    return resolved


def refusals(parameters: dict[str, str]) -> list[str]:
    """Why these parameters must not be deployed (empty: they may)."""
    problems = []
    url = parameters.get("PaymentProviderUrl", "")
    if url and LOOPBACK.match(url):
        problems.append(f"PaymentProviderUrl {url} is a loopback address: nothing deployed can reach it")
    if parameters.get("Stage") != PRODUCTION_STAGE:
        return problems
    if parameters.get("PaymentProcessor", "sandbox") != "external":
        problems.append("prod never deploys the payment sandbox: PaymentProcessor=external")
    if not url:
        problems.append("prod needs the real processor's PaymentProviderUrl")
    elif "sandbox" in url.lower() or not url.startswith("https://"):
        problems.append(f"PaymentProviderUrl {url} looks like a sandbox or is not HTTPS")
    key = parameters.get("PaymentPublishableKey", "pk_test_local")
    if key.startswith("pk_test"):
        problems.append(f"PaymentPublishableKey {key} is a test key: prod takes the processor's live key")
    return problems


def as_overrides(parameters: dict[str, str]) -> str:
    """What `sam deploy --parameter-overrides` takes: Key=Value, quoted where needed."""
    return " ".join(shlex.quote(f"{key}={value}") for key, value in parameters.items())


def _ssm_reader(region: str | None) -> Callable[[str], str]:
    import boto3  # noqa: PLC0415 - only when a reference must be read

    ssm = boto3.client("ssm", region_name=region)
    return lambda name: ssm.get_parameter(Name=name)["Parameter"]["Value"]


def deploy_parameters(samconfig: Path, config_env: str, read_ssm: Callable[[str], str] | None = None,
                      region: str | None = None) -> dict[str, str]:
    """The checked, resolved overrides for `config_env`; raises DeployRefused."""
    overrides = config_overrides(samconfig, config_env)
    needs_ssm = any(SSM_REFERENCE.match(v) for v in overrides.values())
    parameters = resolve(overrides, read_ssm or (_ssm_reader(region) if needs_ssm else _no_ssm))
    problems = refusals(parameters)
    if problems:
        raise DeployRefused(f"make deploy ENV={config_env} refused:\n  - " + "\n  - ".join(problems))
    return parameters


def _no_ssm(name: str) -> str:
    raise AssertionError(f"unexpected SSM read of {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-env", default="default")
    parser.add_argument("--samconfig", type=Path, default=Path("samconfig.toml"))
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)
    region = args.region or _config_region(args.samconfig, args.config_env)
    try:
        print(as_overrides(deploy_parameters(args.samconfig, args.config_env, region=region)))
    except DeployRefused as refused:
        print(refused, file=sys.stderr)
        return 2
    return 0


def _config_region(samconfig: Path, config_env: str) -> Any:
    config = tomllib.loads(samconfig.read_text())
    return config.get(config_env, {}).get("deploy", {}).get("parameters", {}).get("region")


if __name__ == "__main__":
    sys.exit(main())
