"""Observability: correlation ids from every trigger, the handler decorator, lean tracing setup."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from conftest_events import FakeLambdaContext
from shop.errors import Conflict
from shop.observability import (
    correlation_id_from_event,
    get_correlation_id,
    get_logger,
    get_metrics,
    instrument,
    observability,
    tracing_enabled,
)


@pytest.fixture
def log_lines():
    """The JSON lines the shared Logger writes during a test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(get_logger().registered_formatter)
    get_logger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    get_logger().removeHandler(handler)


# ------------------------------------------------------------------ where the correlation id comes from


def test_api_request_uses_correlation_header_case_insensitively():
    event = {
        "httpMethod": "GET",
        "headers": {"x-correlation-id": "c-1"},
        "requestContext": {"requestId": "r-1"},
    }
    assert correlation_id_from_event(event) == "c-1"


def test_api_request_without_header_uses_request_id():
    event = {"httpMethod": "GET", "headers": None, "requestContext": {"requestId": "r-1"}}
    assert correlation_id_from_event(event) == "r-1"


def test_eventbridge_event_uses_detail_correlation_id():
    event = {"detail-type": "OrderCreated", "source": "shop.order", "detail": {"correlationId": "c-2"}}
    assert correlation_id_from_event(event) == "c-2"


def test_state_machine_input_uses_its_correlation_id():
    assert correlation_id_from_event({"orderId": "o-1", "correlationId": "c-3"}) == "c-3"


def test_sqs_record_carrying_an_eventbridge_event_uses_its_detail():
    body = json.dumps({"detail-type": "OrderConfirmed", "detail": {"correlationId": "c-4"}})
    event = {"Records": [{"eventSource": "aws:sqs", "body": body, "messageAttributes": {}}]}
    assert correlation_id_from_event(event) == "c-4"


def test_sqs_record_message_attribute_wins_over_body():
    record = {
        "eventSource": "aws:sqs",
        "body": "plain text",
        "messageAttributes": {"correlationId": {"stringValue": "c-5", "dataType": "String"}},
    }
    assert correlation_id_from_event({"Records": [record]}) == "c-5"


def test_dynamodb_stream_record_uses_image_attribute():
    record = {"eventSource": "aws:dynamodb", "dynamodb": {"NewImage": {"correlationId": {"S": "c-6"}}}}
    assert correlation_id_from_event({"Records": [record]}) == "c-6"


@pytest.mark.parametrize(
    "event",
    [None, "text", {}, {"Records": []}, {"Records": [{"eventSource": "aws:sqs", "body": "not json"}]}],
)
def test_events_without_correlation_id_give_none(event):
    assert correlation_id_from_event(event) is None


# ------------------------------------------------------------------ the decorator


def test_instrument_sets_correlation_id_for_the_handler_and_its_logs(log_lines):
    seen = {}

    @instrument
    def handler(event, context):
        seen["cid"] = get_correlation_id()
        get_logger().info("inside")
        return {"ok": True}

    assert handler({"orderId": "o-1", "correlationId": "c-9"}, FakeLambdaContext()) == {"ok": True}
    assert seen["cid"] == "c-9"
    [line] = [line for line in log_lines() if line["message"] == "inside"]
    assert line["correlation_id"] == "c-9"
    assert line["function_request_id"] == "lambda-req-1"
    assert get_correlation_id() is None  # nothing leaks into the next invocation


def test_instrument_invents_a_correlation_id_when_the_event_has_none():
    seen = {}

    @instrument
    def handler(event, context):
        seen["cid"] = get_correlation_id()

    handler({}, FakeLambdaContext())
    assert seen["cid"] and len(seen["cid"]) == 36


def test_instrument_flushes_metrics_as_emf(capsys):
    @instrument
    def handler(event, context):
        get_metrics().add_metric(name="OrdersPlaced", unit="Count", value=1)

    handler({}, FakeLambdaContext())
    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    names = {m["Name"] for blob in blobs for d in blob["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert "OrdersPlaced" in names
    assert all(blob["_aws"]["CloudWatchMetrics"][0]["Namespace"] for blob in blobs)


def test_shop_error_escaping_a_handler_is_logged_once_as_warning_and_reraised(log_lines):
    class OutOfStock(Conflict):
        code = "OUT_OF_STOCK"

    @instrument
    def handler(event, context):
        raise OutOfStock("no stock")

    with pytest.raises(OutOfStock):
        handler({"correlationId": "c-10"}, FakeLambdaContext())
    failures = [line for line in log_lines() if line["level"] in ("WARNING", "ERROR")]
    assert [(f["level"], f["error_code"], f["correlation_id"]) for f in failures] == [
        ("WARNING", "OUT_OF_STOCK", "c-10")
    ]


def test_unexpected_error_escaping_a_handler_is_logged_once_with_stack(log_lines):
    @instrument
    def handler(event, context):
        raise KeyError("orderId")

    with pytest.raises(KeyError):
        handler({}, FakeLambdaContext())
    failures = [line for line in log_lines() if line["level"] in ("WARNING", "ERROR")]
    assert len(failures) == 1
    assert "KeyError" in failures[0]["exception"]


def test_observability_returns_the_same_three_every_time():
    assert observability() == observability()


# ------------------------------------------------------------------ cold start


def _run(code: str, **env: str) -> str:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED")
    }
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_outside_lambda_the_tracer_never_imports_the_xray_sdk():
    code = "import sys; from shop.observability import observability; observability(); print('aws_xray_sdk' in sys.modules)"
    assert _run(code) == "False"


def test_inside_lambda_the_tracer_is_xray():
    code = "from shop.observability import get_tracer; print(type(get_tracer().provider).__module__)"
    assert _run(code, LAMBDA_TASK_ROOT="/var/task").startswith("aws_xray_sdk")


def test_tracing_is_off_when_disabled_by_env(monkeypatch):
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert not tracing_enabled()
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED")
    assert tracing_enabled()
