"""Hooks into moto (pinned 5.2.5: these are private APIs, covered by tests/integration/localcloud).

- LambdaFunction._invoke_lambda: every path that runs Lambda code in moto (Invoke API, state machine
  Lambda tasks) runs it in the local execution environments instead of Docker.
- LambdaFunction.invoke: InvocationType=Event goes to the asynchronous queue (answers 202 at once).
- Rule.send_to_targets: Lambda and Step Functions targets (a 500 in moto) get delivered in the
  background, retried per the target's RetryPolicy, then sent to its DeadLetterConfig queue.
- LambdaBackend.create_event_source_mapping: the mapping is kept but unhooked from the queue or
  table, so moto no longer invokes inside the write; localcloud.sources polls instead.
- boto_client_for (moto's Step Functions interpreter): its calls to Lambda and to the services of
  direct integrations carry the state machine role's credentials instead of fixed fake ones.

With IAM on, EventBridge's deliveries are authorized as AWS authorizes them: a Lambda target and a
queue (target or DLQ) must allow events.amazonaws.com in their resource policy, a state machine
target is started with the target's RoleArn.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.core.exceptions import JsonRESTError
from moto.events.models import Rule

from localcloud.dispatch import Dispatcher
from localcloud.invoker import InvokeResult
from localcloud.runtime import LocalRuntime

log = logging.getLogger("localcloud")

DEFAULT_TARGET_RETRIES = 185  # EventBridge's default MaximumRetryAttempts
ASYNC_FUNCTION_RETRIES = 2  # Lambda's default for asynchronous invocations


class TooManyRequestsException(JsonRESTError):
    code = 429

    def __init__(self, function_name: str) -> None:
        super().__init__("TooManyRequestsException", f"Rate Exceeded. ({function_name}: reserved concurrency)")


@dataclass
class Settings:
    """Local stand-ins for AWS's retry delays (minutes in AWS; fractions of a second here)."""

    retry_base_delay: float = 0.1
    retry_max_delay: float = 2.0
    async_retry_delays: tuple[float, ...] = (0.2, 0.4)


@dataclass
class _Installed:
    runtime: LocalRuntime
    dispatcher: Dispatcher
    send_sqs: Callable[[str, str, dict[str, Any]], None]  # (queue arn, body, message attributes)
    start_execution: Callable[[str, str, str | None], None]  # (state machine arn, input, target RoleArn)
    # after the last async retry: the function's DLQ / on-failure destination (function, event, result)
    on_async_failure: Callable[[str, dict[str, Any], InvokeResult], None] | None = None
    settings: Settings = field(default_factory=Settings)
    authorize_service: AuthorizeService | None = None  # None: IAM not enforced
    state_client: StateClient | None = None
    originals: dict[str, Any] = field(default_factory=dict)
    retries_by_function: dict[str, int] = field(default_factory=dict)  # EventInvokeConfig MaximumRetryAttempts

    def async_retries(self, function_name: str) -> int:
        return self.retries_by_function.get(function_name, min(ASYNC_FUNCTION_RETRIES, len(self.settings.async_retry_delays)))


_installed: _Installed | None = None


# (service principal, action, resource ARN, source ARN) -> allowed by the resource's policy?
AuthorizeService = Callable[[str, str, str, str], bool]
# (role ARN or None, service, region) -> a boto3 client acting as that role
StateClient = Callable[[str | None, str, str], Any]
STATE_CLIENT_MODULES = (  # the interpreter's modules that import boto_client_for (moto 5.2.5)
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_unsupported",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_events",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_ecs",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sns",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.result_writer.resource_eval.resource_eval_s3",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.item_reader.eval.resource_eval_s3",
)
EVENTS_PRINCIPAL = "events.amazonaws.com"


# ---------------------------------------------------------------------- Lambda
def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    assert _installed is not None
    payload = json.loads(event) if isinstance(event, str | bytes) else (event or {})
    result = _installed.runtime.invoke(self.function_name, payload, source="lambda")
    if result.throttled:
        raise TooManyRequestsException(self.function_name)
    return json.dumps(result.payload), result.error_type is not None, ""


def _invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
    assert _installed is not None
    invocation_type = request_headers.get("x-amz-invocation-type") or request_headers.get("X-Amz-Invocation-Type")
    if invocation_type == "Event":
        event = json.loads(body) if body else {}
        invoke_async(self.function_name, event)
        response_headers["x-amzn-RequestId"] = str(uuid.uuid4())
        return b""
    return _installed.originals["invoke"](self, body, request_headers, response_headers)


def invoke_async(function_name: str, event: dict[str, Any], *, attempt: int = 0) -> None:
    """Lambda's asynchronous queue: errors retried twice, throttles retried with backoff."""
    assert _installed is not None
    installed = _installed

    def run() -> None:
        result = installed.runtime.invoke(function_name, event, source="async")
        if result.ok:
            return
        delays = installed.settings.async_retry_delays
        if result.throttled or attempt < installed.async_retries(function_name):
            delay = delays[min(attempt, len(delays) - 1)] if delays else 0.1
            invoke_async_later(function_name, event, attempt + 1, delay)
        elif installed.on_async_failure is not None:
            installed.on_async_failure(function_name, event, result)
        else:
            log.warning("async invocation of %s failed after %d attempts: %s", function_name, attempt + 1,
                        result.error_type)

    installed.dispatcher.submit(run)


def invoke_async_later(function_name: str, event: dict[str, Any], attempt: int, delay: float) -> None:
    assert _installed is not None
    _installed.dispatcher.submit(lambda: invoke_async(function_name, event, attempt=attempt), delay=delay)


# ---------------------------------------------------------------------- EventBridge
def _send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    assert _installed is not None
    if not self.event_pattern.matches_event(original_event):
        return
    ours = [t for t in self.targets if t["Arn"].split(":")[2] in ("lambda", "states")]
    if len(ours) != len(self.targets):
        others = [t for t in self.targets if t not in ours and _may_send_to_queue(t["Arn"], self.arn)]
        saved = self.targets
        self.targets = others  # moto delivers the rest (SQS, logs, buses, archives) itself
        try:
            _installed.originals["send_to_targets"](self, original_event, transform_input)
        finally:
            self.targets = saved
    for target in ours:
        event = eventbridge_event(original_event)
        if target.get("Input") is not None:
            event = json.loads(target["Input"])
        elif target.get("InputPath"):
            event = _input_path(event, target["InputPath"])
        _installed.dispatcher.submit(deliver_to_target, self.arn, target, event, 0, time.time())


def _may_send_to_queue(target_arn: str, rule_arn: str) -> bool:
    """A queue target receives events only when its policy lets EventBridge send (other targets pass)."""
    assert _installed is not None
    if _installed.authorize_service is None or target_arn.split(":")[2] != "sqs":
        return True
    return _installed.authorize_service(EVENTS_PRINCIPAL, "sqs:SendMessage", target_arn, rule_arn)


def eventbridge_event(message: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge hands it to a target (ISO time, no moto bookkeeping)."""
    event = {k: v for k, v in message.items() if k != "ingestion-time"}
    stamp = event.get("time")
    if isinstance(stamp, int | float):
        event["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
    return event


def _input_path(event: dict[str, Any], path: str) -> Any:
    node: Any = event
    for part in path.lstrip("$").strip(".").split("."):
        if part:
            node = node.get(part) if isinstance(node, dict) else None
    return node


def deliver_to_target(rule_arn: str, target: dict[str, Any], event: Any, attempt: int, first_try: float) -> None:
    assert _installed is not None
    installed = _installed
    service = target["Arn"].split(":")[2]
    error_code, error_message = "", ""
    retriable = True
    if service == "lambda" and installed.authorize_service is not None and not installed.authorize_service(
            EVENTS_PRINCIPAL, "lambda:InvokeFunction", target["Arn"], rule_arn):
        # EventBridge does not retry a permission error: straight to the DLQ
        error_code, error_message, retriable = "NO_PERMISSIONS", f"{EVENTS_PRINCIPAL} may not invoke {target['Arn']}", False
    elif service == "lambda":
        result: InvokeResult = installed.runtime.invoke(target["Arn"], event, source="events")
        if result.ok:
            return
        error_code = "SDK_CLIENT_ERROR" if not result.throttled else "THROTTLING"
        error_message = json.dumps(result.payload)[:1000]
    else:
        try:
            installed.start_execution(target["Arn"], json.dumps(event), target.get("RoleArn"))
            return
        except Exception as error:  # noqa: BLE001 - any failure to start is a failed delivery
            error_code, error_message = "SDK_CLIENT_ERROR", str(error)
            if "AccessDenied" in error_message:
                error_code, retriable = "NO_PERMISSIONS", False
    policy = target.get("RetryPolicy") or {}
    retries = int(policy.get("MaximumRetryAttempts", DEFAULT_TARGET_RETRIES)) if retriable else 0
    max_age = float(policy.get("MaximumEventAgeInSeconds", 86400))
    settings = installed.settings
    if attempt < retries and time.time() - first_try < max_age:
        delay = min(settings.retry_max_delay, settings.retry_base_delay * 2 ** attempt)
        installed.dispatcher.submit(deliver_to_target, rule_arn, target, event, attempt + 1, first_try, delay=delay)
        return
    dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not dead_letter:
        log.warning("event to %s dropped after %d attempts (no DeadLetterConfig)", target["Arn"], attempt + 1)
        return
    if installed.authorize_service is not None and not installed.authorize_service(
            EVENTS_PRINCIPAL, "sqs:SendMessage", dead_letter, rule_arn):
        log.warning("event to %s dropped: its DLQ %s does not let EventBridge send", target["Arn"], dead_letter)
        return
    attributes = {
        "RULE_ARN": rule_arn, "TARGET_ARN": target["Arn"], "ERROR_CODE": error_code,
        "ERROR_MESSAGE": error_message, "RETRY_ATTEMPTS": str(attempt),
    }
    installed.send_sqs(dead_letter, json.dumps(event), attributes)


# ---------------------------------------------------------------------- event source mappings
def _create_event_source_mapping(self: LambdaBackend, spec: dict[str, Any]) -> Any:
    assert _installed is not None
    esm = _installed.originals["create_event_source_mapping"](self, spec)
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    for table in dynamodb_backends[self.account_id][self.region_name].tables.values():
        table.lambda_event_source_mappings.pop(esm.function_arn, None)
    return esm


def pin_stream_label(account_id: str, region: str, table_name: str, stream_arn: str) -> None:
    """Give a table's stream the label the resolved Stack announced (moto labels it by clock)."""
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[account_id][region].get_table(table_name)
    table.latest_stream_label = stream_arn.rsplit("/stream/", 1)[1]


# ---------------------------------------------------------------------- Step Functions interpreter
def _boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
    assert _installed is not None and _installed.state_client is not None
    role_arn = getattr(state_credentials, "role_arn", None)
    return _installed.state_client(role_arn, service, region)


def _patch_state_clients(replacement: Any) -> dict[str, Any]:
    import importlib

    previous = {}
    for name in STATE_CLIENT_MODULES:
        module = importlib.import_module(name)
        previous[name] = module.boto_client_for
        module.boto_client_for = replacement
    return previous


def _restore_state_clients(previous: dict[str, Any]) -> None:
    for name, original in previous.items():
        sys.modules[name].boto_client_for = original


# ---------------------------------------------------------------------- install
def install(
    runtime: LocalRuntime,
    dispatcher: Dispatcher,
    *,
    send_sqs: Callable[[str, str, dict[str, Any]], None],
    start_execution: Callable[[str, str, str | None], None],
    settings: Settings | None = None,
    on_async_failure: Callable[[str, dict[str, Any], InvokeResult], None] | None = None,
    async_retries: dict[str, int] | None = None,
    authorize_service: AuthorizeService | None = None,
    state_client: StateClient | None = None,
) -> None:
    global _installed
    if _installed is not None:
        uninstall()
    _installed = _Installed(runtime, dispatcher, send_sqs, start_execution, on_async_failure, settings or Settings(),
                            authorize_service=authorize_service, state_client=state_client,
                            retries_by_function=dict(async_retries or {}))
    originals = _installed.originals
    if state_client is not None:
        originals["boto_client_for"] = _patch_state_clients(_boto_client_for)
    originals["_invoke_lambda"] = LambdaFunction._invoke_lambda
    originals["invoke"] = LambdaFunction.invoke
    originals["send_to_targets"] = Rule.send_to_targets
    originals["create_event_source_mapping"] = LambdaBackend.create_event_source_mapping
    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
    LambdaFunction.invoke = _invoke  # type: ignore[method-assign]
    Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
    LambdaBackend.create_event_source_mapping = _create_event_source_mapping  # type: ignore[method-assign]


def uninstall() -> None:
    global _installed
    if _installed is None:
        return
    originals = _installed.originals
    LambdaFunction._invoke_lambda = originals["_invoke_lambda"]  # type: ignore[method-assign]
    LambdaFunction.invoke = originals["invoke"]  # type: ignore[method-assign]
    Rule.send_to_targets = originals["send_to_targets"]  # type: ignore[method-assign]
    LambdaBackend.create_event_source_mapping = originals["create_event_source_mapping"]  # type: ignore[method-assign]
    if "boto_client_for" in originals:
        _restore_state_clients(originals["boto_client_for"])
    _installed = None
