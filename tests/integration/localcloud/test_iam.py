"""IAM enforced by the local cloud on the wiring stack: each environment acts as its function's role,
the endpoint evaluates that role's policies per request and refuses as AWS does."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.config import Config

HERE = Path(__file__).resolve().parent

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def invoke(cloud: Any, logical_id: str, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    stack = cloud.health["stack"]
    response = cloud.client("lambda", config=NO_RETRIES).invoke(
        FunctionName=f"{stack}-{logical_id}", Payload=json.dumps(payload).encode())
    return json.loads(response["Payload"].read()), response.get("FunctionError")


def refusal(account: str, function: str, action: str, resource: str, because: str) -> str:
    return (f"User: arn:aws:sts::{account}:assumed-role/wiring-{function}Role/wiring-{function} is not authorized "
            f"to perform: {action} on resource: {resource} {because}")


def table_arn(cloud: Any, output: str) -> str:
    return cloud.client("dynamodb").describe_table(TableName=cloud.outputs[output])["Table"]["TableArn"]


def test_each_environment_acts_with_temporary_credentials_of_its_function_role(wiring: Any) -> None:
    answer, error = invoke(wiring, "WhoAmIFunction", {})
    account = wiring.client("sts").get_caller_identity()["Account"]
    assert error is None
    assert answer["arn"] == f"arn:aws:sts::{account}:assumed-role/wiring-WhoAmIFunctionRole/wiring-WhoAmIFunction"
    assert answer["keyPrefix"] == "ASIA" and answer["hasToken"]


def test_a_function_reading_a_table_it_has_no_policy_for_is_refused_as_aws_refuses(wiring: Any) -> None:
    records = wiring.outputs["RecordsTable"]
    answer, error = invoke(wiring, "WhoAmIFunction", {"table": records})
    account = wiring.client("sts").get_caller_identity()["Account"]
    expected = refusal(account, "WhoAmIFunction", "dynamodb:GetItem", table_arn(wiring, "RecordsTable"),
                       "because no identity-based policy allows the dynamodb:GetItem action")
    assert error and answer["errorType"] == "ClientError"  # the function failed on the refusal
    assert "(AccessDeniedException)" in answer["errorMessage"] and expected in answer["errorMessage"]
    log = wiring.output()
    assert f"IAM denied: {expected}" in log
    assert any(line.startswith("[wiring-WhoAmIFunction]") and "AccessDeniedException" in line
               for line in log.splitlines()), "the function's own log shows the refusal"
    assert any(d["message"] == expected for d in wiring.iam()["denied"])


def test_a_wildcard_action_is_honoured_and_a_deny_by_not_resource_beats_the_allow(wiring: Any) -> None:
    items, records = wiring.outputs["ItemsTable"], wiring.outputs["RecordsTable"]
    account = wiring.client("sts").get_caller_identity()["Account"]
    allowed, _ = invoke(wiring, "GuardedFunction", {"call": "get", "table": items})
    assert allowed == {"code": None}  # dynamodb:Get* covers GetItem
    denied, _ = invoke(wiring, "GuardedFunction", {"call": "get", "table": records})
    assert denied["code"] == "AccessDeniedException"
    assert denied["message"] == refusal(account, "GuardedFunction", "dynamodb:GetItem", table_arn(wiring, "RecordsTable"),
                                        "with an explicit deny in an identity-based policy")
    not_granted, _ = invoke(wiring, "GuardedFunction", {"call": "put", "table": items})
    assert not_granted["code"] == "AccessDeniedException"
    assert "because no identity-based policy allows the dynamodb:PutItem action" in not_granted["message"]


def test_what_each_role_used_is_recorded_with_the_grant_that_allowed_it(wiring: Any) -> None:
    created = httpx.put(f"{wiring.api_url}/items/iam-{uuid.uuid4().hex[:6]}", json={"colour": "blue"})
    assert created.status_code == 201
    role = wiring.iam()["roles"]["ItemsFunctionRole"]
    items = table_arn(wiring, "ItemsTable")
    assert ["dynamodb:PutItem", items] in role["used"]
    put = [g for g in role["grants"] if g["action"] == "dynamodb:PutItem" and g["resource"] == items]
    scan = [g for g in role["grants"] if g["action"] == "dynamodb:Scan" and g["resource"] == items]
    assert put and put[0]["used"] and scan and not scan[0]["used"]


def test_a_usage_reset_shows_what_one_flow_uses(wiring: Any) -> None:
    assert wiring.control("POST", "iam/reset")[0] == 200
    assert wiring.iam()["roles"]["ItemsFunctionRole"]["used"] == []
    assert httpx.get(f"{wiring.api_url}/items/nothing-{uuid.uuid4().hex[:6]}").status_code == 404
    assert wiring.iam()["roles"]["ItemsFunctionRole"]["used"] == [["dynamodb:GetItem", table_arn(wiring, "ItemsTable")]]


def test_the_startup_summary_says_iam_is_enforced(wiring: Any) -> None:
    assert wiring.health["iam"]["enforced"] is True
    assert "IAM       enforced:" in wiring.output()


@pytest.fixture(scope="module")
def wiring_without_iam(start_local_cloud: Any) -> Any:
    return start_local_cloud(HERE / "wiring.yaml", {"Greeting": "bonjour"}, stack_name="wiring",
                             extra_args=["--iam", "off"])


def test_iam_off_lets_every_request_through(wiring_without_iam: Any) -> None:
    records = wiring_without_iam.outputs["RecordsTable"]
    answer, error = invoke(wiring_without_iam, "WhoAmIFunction", {"table": records})
    assert error is None and answer["read"] == records
    assert wiring_without_iam.health["iam"]["enforced"] is False
    assert "IAM       not enforced (--iam off)" in wiring_without_iam.output()
