"""`make deploy`'s parameters: samconfig.toml resolved (SSM references) and refused when unsafe for prod."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from scripts.deploy_config import DeployRefused, deploy_parameters, main

ROOT = Path(__file__).resolve().parents[3]


def samconfig(tmp_path: Path, overrides: str) -> Path:
    path = tmp_path / "samconfig.toml"
    path.write_text(f'version = 0.1\n[prod.deploy.parameters]\nparameter_overrides = "{overrides}"\n')
    return path


@mock_aws
def test_the_repositorys_prod_profile_deploys_once_its_ssm_values_exist():
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/shop-prod/payments/processor-url", Type="String", Value="https://api.processor.example")
    ssm.put_parameter(Name="/shop-prod/payments/publishable-key", Type="String", Value="pk_live_4eC39Hq")

    parameters = deploy_parameters(ROOT / "samconfig.toml", "prod", region="us-east-1")

    assert parameters["Stage"] == "prod" and parameters["PaymentProcessor"] == "external"
    assert parameters["PaymentProviderUrl"] == "https://api.processor.example"
    assert parameters["PaymentPublishableKey"] == "pk_live_4eC39Hq"


def test_the_repositorys_dev_profile_deploys_as_it_stands():
    parameters = deploy_parameters(ROOT / "samconfig.toml", "default")
    assert parameters["Stage"] == "dev"
    assert parameters.get("PaymentProcessor", "sandbox") == "sandbox"  # the sandbox comes along


@pytest.mark.parametrize(("overrides", "reason"), [
    ("Stage=prod PaymentProviderUrl=https://api.processor.example PaymentPublishableKey=pk_live_x", "PaymentProcessor=external"),
    ("Stage=prod PaymentProcessor=external PaymentProviderUrl=https://api.processor.example", "test key"),
    ("Stage=prod PaymentProcessor=external PaymentProviderUrl=https://api.processor.example PaymentPublishableKey=pk_test_local", "test key"),
    ("Stage=prod PaymentProcessor=external PaymentPublishableKey=pk_live_x", "real processor"),
    ("Stage=prod PaymentProcessor=external PaymentProviderUrl=http://127.0.0.1:8090 PaymentPublishableKey=pk_live_x", "loopback"),
    ("Stage=prod PaymentProcessor=external PaymentProviderUrl=https://x.execute-api.us-east-1.amazonaws.com/sandbox PaymentPublishableKey=pk_live_x", "sandbox"),
])
def test_prod_refuses_sandbox_settings(tmp_path, overrides, reason):
    with pytest.raises(DeployRefused, match=reason):
        deploy_parameters(samconfig(tmp_path, overrides), "prod")


def test_a_refusal_exits_2_before_anything_is_deployed(tmp_path, capsys):
    path = samconfig(tmp_path, "Stage=prod PaymentProcessor=sandbox")
    assert main(["--samconfig", str(path), "--config-env", "prod"]) == 2
    assert "refused" in capsys.readouterr().err
