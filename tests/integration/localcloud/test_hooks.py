"""The moto hooks (private moto APIs, pinned): exercised in-process with mock_aws and a fake runtime."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from localcloud import hooks
from localcloud.dispatch import Dispatcher
from localcloud.invoker import InvokeResult
from moto import mock_aws

REGION = "us-east-1"


@dataclass
class FakeRuntime:
    """Answers per function name; records every call."""

    answers: dict[str, InvokeResult] = field(default_factory=dict)
    calls: list[tuple[str, Any, str]] = field(default_factory=list)

    def invoke(self, function_name: str, event: dict[str, Any], *, source: str = "api") -> InvokeResult:
        name = function_name.split(":")[6] if function_name.startswith("arn:") else function_name
        self.calls.append((name, event, source))
        return self.answers.get(name, InvokeResult(payload={"echo": event}))


@dataclass
class Sent:
    messages: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, queue_arn: str, body: str, attributes: dict[str, Any]) -> None:
        self.messages.append((queue_arn, body, attributes))


@pytest.fixture
def moto_hooks() -> Iterator[tuple[FakeRuntime, Dispatcher, Sent]]:
    runtime, dispatcher, sent = FakeRuntime(), Dispatcher(), Sent()
    with mock_aws():
        hooks.install(runtime, dispatcher, send_sqs=sent, start_execution=lambda arn, payload, role: None,  # type: ignore[arg-type]
                      settings=hooks.Settings(retry_base_delay=0.01, retry_max_delay=0.02, async_retry_delays=(0.01,)))
        try:
            yield runtime, dispatcher, sent
        finally:
            hooks.uninstall()
            dispatcher.close()


def _function(name: str) -> str:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "")
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": code.getvalue()}
    )["FunctionArn"]


def test_invoke_api_runs_the_local_runtime_and_marks_function_errors(moto_hooks: Any) -> None:
    runtime, _, _ = moto_hooks
    _function("ok")
    _function("broken")
    runtime.answers["broken"] = InvokeResult(payload={"errorType": "KeyError", "errorMessage": "x"}, error_type="KeyError")
    lam = boto3.client("lambda", region_name=REGION)
    ok = lam.invoke(FunctionName="ok", Payload=b'{"a": 1}')
    assert json.loads(ok["Payload"].read()) == {"echo": {"a": 1}} and "FunctionError" not in ok
    broken = lam.invoke(FunctionName="broken", Payload=b"{}")
    assert broken["FunctionError"] and json.loads(broken["Payload"].read())["errorType"] == "KeyError"
    assert runtime.calls[0] == ("ok", {"a": 1}, "lambda")


def test_throttled_invoke_answers_too_many_requests(moto_hooks: Any) -> None:
    runtime, _, _ = moto_hooks
    _function("busy")
    runtime.answers["busy"] = InvokeResult(payload=None, error_type="TooManyRequestsException", throttled=True)
    lam = boto3.client("lambda", region_name=REGION, config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as refused:
        lam.invoke(FunctionName="busy", Payload=b"{}")
    assert refused.value.response["Error"]["Code"] == "TooManyRequestsException"


def test_event_invocations_are_queued_and_answer_202(moto_hooks: Any) -> None:
    runtime, dispatcher, _ = moto_hooks
    _function("later")
    response = boto3.client("lambda", region_name=REGION).invoke(FunctionName="later", InvocationType="Event",
                                                                 Payload=b'{"n": 1}')
    assert response["StatusCode"] == 202
    assert dispatcher.drain(5)
    assert runtime.calls == [("later", {"n": 1}, "async")]


def test_eventbridge_lambda_target_gets_the_event_and_failures_go_to_the_dlq(moto_hooks: Any) -> None:
    runtime, dispatcher, sent = moto_hooks
    good, bad = _function("consumer"), _function("doomed")
    runtime.answers["doomed"] = InvokeResult(payload={"errorType": "E"}, error_type="E")
    queue_arn = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=boto3.client("sqs", region_name=REGION).create_queue(QueueName="dlq")["QueueUrl"],
        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["test"]}))
    events.put_targets(Rule="r", Targets=[
        {"Id": "good", "Arn": good},
        {"Id": "bad", "Arn": bad, "RetryPolicy": {"MaximumRetryAttempts": 1}, "DeadLetterConfig": {"Arn": queue_arn}},
    ])
    answer = events.put_events(Entries=[{"Source": "test", "DetailType": "T", "Detail": '{"k": 1}'}])
    assert answer["FailedEntryCount"] == 0  # moto alone answers 500 for Lambda targets
    assert dispatcher.drain(5)
    delivered = [event for name, event, source in runtime.calls if name == "consumer"]
    assert delivered[0]["detail"] == {"k": 1} and delivered[0]["time"].endswith("Z")
    assert [name for name, _, _ in runtime.calls].count("doomed") == 2
    assert sent.messages[0][0] == queue_arn and sent.messages[0][2]["RETRY_ATTEMPTS"] == "1"


def test_event_source_mappings_no_longer_invoke_inside_the_write(moto_hooks: Any) -> None:
    runtime, _, _ = moto_hooks
    arn = _function("poller-target")
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("lambda", region_name=REGION).create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=arn)
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert runtime.calls == []
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"  # left for the poller


def test_uninstall_restores_moto() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._invoke_lambda
    hooks.install(FakeRuntime(), Dispatcher(), send_sqs=Sent(), start_execution=lambda a, b, c: None)  # type: ignore[arg-type]
    assert LambdaFunction._invoke_lambda is not original
    hooks.uninstall()
    assert LambdaFunction._invoke_lambda is original


def test_a_lambda_target_its_policy_does_not_open_to_eventbridge_goes_to_the_dlq_unretried() -> None:
    runtime, dispatcher, sent = FakeRuntime(), Dispatcher(), Sent()
    asked: list[tuple[str, str, str, str]] = []

    def authorize(service: str, action: str, resource: str, source_arn: str) -> bool:
        asked.append((service, action, resource, source_arn))
        return action == "sqs:SendMessage"  # the DLQ lets EventBridge send; the function lets nobody invoke

    with mock_aws():
        hooks.install(runtime, dispatcher, send_sqs=sent, start_execution=lambda a, b, c: None,  # type: ignore[arg-type]
                      authorize_service=authorize, settings=hooks.Settings(retry_base_delay=0.01))
        try:
            closed = _function("closed")
            queue_arn = boto3.client("sqs", region_name=REGION).get_queue_attributes(
                QueueUrl=boto3.client("sqs", region_name=REGION).create_queue(QueueName="dlq")["QueueUrl"],
                AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            events = boto3.client("events", region_name=REGION)
            rule_arn = events.put_rule(Name="r", EventPattern=json.dumps({"source": ["test"]}))["RuleArn"]
            events.put_targets(Rule="r", Targets=[{"Id": "closed", "Arn": closed, "DeadLetterConfig": {"Arn": queue_arn}}])
            events.put_events(Entries=[{"Source": "test", "DetailType": "T", "Detail": "{}"}])
            assert dispatcher.drain(5)
        finally:
            hooks.uninstall()
            dispatcher.close()
    assert runtime.calls == []  # never invoked
    assert asked[0] == ("events.amazonaws.com", "lambda:InvokeFunction", closed, rule_arn)
    assert len(sent.messages) == 1 and sent.messages[0][2]["ERROR_CODE"] == "NO_PERMISSIONS"
    assert sent.messages[0][2]["RETRY_ATTEMPTS"] == "0"


def test_state_machine_tasks_call_services_with_the_state_machine_role() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    made: list[tuple[str | None, str, str]] = []
    hooks.install(FakeRuntime(), Dispatcher(), send_sqs=Sent(), start_execution=lambda a, b, c: None,  # type: ignore[arg-type]
                  state_client=lambda role, service, region: made.append((role, service, region)) or "client")
    try:
        credentials = type("StateCredentials", (), {"role_arn": "arn:aws:iam::123456789012:role/saga"})()
        assert lambda_eval_utils.boto_client_for(region=REGION, service="lambda", state_credentials=credentials) == "client"
        assert made == [("arn:aws:iam::123456789012:role/saga", "lambda", REGION)]
    finally:
        hooks.uninstall()
    assert lambda_eval_utils.boto_client_for is not hooks._boto_client_for


def test_every_interpreter_module_that_makes_clients_is_patched() -> None:
    import importlib
    import pkgutil

    import moto.stepfunctions.parser as parser

    users = set()
    for module in pkgutil.walk_packages(parser.__path__, parser.__name__ + "."):
        source = importlib.util.find_spec(module.name)
        if source and source.origin and source.origin.endswith(".py"):
            with open(source.origin) as handle:
                if "import boto_client_for" in handle.read():
                    users.add(module.name)
    assert users == set(hooks.STATE_CLIENT_MODULES)
