"""The enforcer over a resolved stack (the wiring test template, not provisioned): roles' policies
with SAM's policy templates expanded, Lambda permissions as the functions' resource policies,
sessions issued per role, usage recorded, names normalized for the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from localcloud.iam import IamEnforcer
from localcloud.iam.resources import Check
from localcloud.template import build_stack

WIRING = Path(__file__).resolve().parents[2] / "integration" / "localcloud" / "wiring.yaml"


@pytest.fixture(scope="module")
def enforcer() -> IamEnforcer:
    stack = build_stack(WIRING, stack_name="unit", parameter_overrides={"Greeting": "hi"})
    return IamEnforcer(stack, log=lambda message: None)


def arn_of(enforcer: IamEnforcer, logical_id: str, attribute: str = "Arn") -> str:
    return str(enforcer.stack.resources[logical_id].attributes[attribute])


def test_a_role_session_may_do_what_its_sam_policy_template_grants_and_nothing_else(enforcer: IamEnforcer) -> None:
    session = enforcer.issue(arn_of(enforcer, "ItemsFunctionRole"), "unit-ItemsFunction")
    assert session.access_key.startswith("ASIA") and enforcer.sessions[session.access_key] is session
    items, records = arn_of(enforcer, "ItemsTable"), arn_of(enforcer, "RecordsTable")
    assert enforcer.authorize(session, [Check("dynamodb:PutItem", items)], "us-east-1") is None
    refusal = enforcer.authorize(session, [Check("dynamodb:GetItem", items), Check("dynamodb:GetItem", records)],
                                 "us-east-1")
    assert refusal == (f"User: {session.caller.arn} is not authorized to perform: dynamodb:GetItem on resource: "
                       f"{records} because no identity-based policy allows the dynamodb:GetItem action")
    assert session.caller.arn.endswith(":assumed-role/unit-ItemsFunctionRole/unit-ItemsFunction")


def test_lambda_permissions_let_only_their_service_and_source_invoke(enforcer: IamEnforcer) -> None:
    function = arn_of(enforcer, "RecordEventFunction")
    ping_rule = arn_of(enforcer, "RecordEventFunctionPing")
    assert enforcer.authorize_service("events.amazonaws.com", "lambda:InvokeFunction", function,
                                      source_arn=ping_rule).allowed
    assert not enforcer.authorize_service("events.amazonaws.com", "lambda:InvokeFunction", function,
                                          source_arn=ping_rule.replace("Ping", "Other")).allowed
    assert not enforcer.authorize_service("apigateway.amazonaws.com", "lambda:InvokeFunction", function,
                                          source_arn=ping_rule).allowed
    api = enforcer.stack.resources["Api"].physical_id
    items = arn_of(enforcer, "ItemsFunction")
    assert enforcer.authorize_service("apigateway.amazonaws.com", "lambda:InvokeFunction", items,
                                      source_arn=f"arn:aws:execute-api:us-east-1:{enforcer.account}:{api}/test/GET/items/7").allowed
    assert not enforcer.authorize_service("apigateway.amazonaws.com", "lambda:InvokeFunction", items,
                                          source_arn=f"arn:aws:execute-api:us-east-1:{enforcer.account}:{api}/test/DELETE/items/7").allowed


def test_usage_names_each_grant_and_whether_a_request_used_it_with_physical_names_normalized(
        enforcer: IamEnforcer) -> None:
    session = enforcer.session(arn_of(enforcer, "QueueFunctionRole"), "unit-QueueFunction")
    records = arn_of(enforcer, "RecordsTable")
    assert enforcer.authorize(session, [Check("dynamodb:UpdateItem", records)], "us-east-1") is None
    usage: dict[str, Any] = enforcer.normalized_usage()["roles"]["QueueFunctionRole"]
    table = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${RecordsTable}"
    assert ["dynamodb:UpdateItem", table] in usage["used"]
    by_action = {(g["action"], g["resource"]): g["used"] for g in usage["grants"]}
    assert by_action[("dynamodb:UpdateItem", table)] is True and by_action[("dynamodb:Scan", table)] is False
    assert by_action[("sqs:ReceiveMessage", "*")] is False  # AWSLambdaSQSQueueExecutionRole, from moto's copy
