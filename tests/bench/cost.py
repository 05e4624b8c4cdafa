"""What one order costs on AWS: count what the system did during a checkout run, price it at list prices.

Counting (see `measure_checkout_run` in tests/bench/checkout_cost.py):
- Lambda invocations and GB-seconds from the local cloud's per-function counters (billed per 1 ms);
- Step Functions transitions from GetExecutionHistory (Standard) and execution durations (Express);
- DynamoDB request units, EventBridge entries, SES sends, SQS requests and API requests from moto's
  request recorder (every request the AWS endpoint received during the run).
moto reports no ConsumedCapacity, so DynamoDB units are estimated from item sizes with DynamoDB's own
rules (`item_size`): writes 1 WRU per KB, reads 1 RRU per 4 KB strongly consistent (half eventually
consistent), transactions twice that. Read sizes come from replaying the read (reads change nothing).
"""

from __future__ import annotations

import base64
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).with_name("prices_us_east_1.json")
DYNAMODB_TARGET = "DynamoDB_20120810."
READ_ACTIONS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITE_ACTIONS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}

Replay = Callable[[str, dict[str, Any]], dict[str, Any]]  # (action, request body) -> response body


def load_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    return json.loads(path.read_text())


# ------------------------------------------------------------------ DynamoDB item sizes and units
def attribute_value_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for one attribute value (DynamoDB JSON: {"S": ...}, {"N": ...}, ...)."""
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":  # about one byte per two significant digits, plus one
        digits = data.lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(base64.b64decode(data)) if isinstance(data, str) else len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "NS":
        return sum(attribute_value_size({"N": n}) for n in data)
    if kind == "BS":
        return sum(attribute_value_size({"B": b}) for b in data)
    if kind == "L":
        return 3 + sum(1 + attribute_value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + attribute_value_size(v) for k, v in data.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any]) -> int:
    """Bytes of an item as DynamoDB bills it: attribute names plus values."""
    return sum(len(name.encode()) + attribute_value_size(value) for name, value in item.items())


def write_units(size_bytes: int, *, transactional: bool = False) -> float:
    units = max(1, math.ceil(size_bytes / 1024))
    return units * (2 if transactional else 1)


def read_units(size_bytes: int, *, consistent: bool = False, transactional: bool = False) -> float:
    units = max(1, math.ceil(size_bytes / 4096))
    if transactional:
        return units * 2
    return units if consistent else units / 2


@dataclass
class DynamoUnits:
    read: float = 0.0
    write: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)  # "Action table" -> count


def dynamodb_units(action: str, body: dict[str, Any], replay: Replay | None) -> tuple[float, float]:
    """(read units, write units) of one DynamoDB request; `replay` re-runs reads to learn their size."""
    if action == "PutItem":
        return 0.0, write_units(item_size(body["Item"]))
    if action == "UpdateItem":  # the item after the update is what is billed: read it back
        size = 0
        if replay is not None:
            size = item_size(replay("GetItem", {"TableName": body["TableName"], "Key": body["Key"]}).get("Item", {}))
        return 0.0, write_units(size)
    if action == "DeleteItem":
        return 0.0, 1.0  # the deleted item's size is gone; items here are under 1 KB
    if action == "BatchWriteItem":
        total = 0.0
        for requests in body.get("RequestItems", {}).values():
            for request in requests:
                put = request.get("PutRequest")
                total += write_units(item_size(put["Item"])) if put else 1.0
        return 0.0, total
    if action == "TransactWriteItems":
        total = 0.0
        for entry in body.get("TransactItems", []):
            if "Put" in entry:
                total += write_units(item_size(entry["Put"]["Item"]), transactional=True)
            else:  # Update, Delete, ConditionCheck: items here are under 1 KB
                total += write_units(0, transactional=True)
        return 0.0, total
    if action not in READ_ACTIONS or replay is None:
        return 0.0, 0.0
    response = replay(action, body)
    consistent = bool(body.get("ConsistentRead"))
    if action == "GetItem":
        return read_units(item_size(response.get("Item", {})), consistent=consistent), 0.0
    if action in ("Query", "Scan"):  # billed on the total size read, rounded up once
        return read_units(sum(item_size(i) for i in response.get("Items", [])), consistent=consistent), 0.0
    if action == "BatchGetItem":
        total = 0.0
        for table, items in response.get("Responses", {}).items():
            table_consistent = bool(body["RequestItems"].get(table, {}).get("ConsistentRead"))
            total += sum(read_units(item_size(i), consistent=table_consistent) for i in items)
        return total, 0.0
    # TransactGetItems
    return sum(read_units(item_size(r.get("Item", {})), transactional=True) for r in response.get("Responses", [])), 0.0


# ------------------------------------------------------------------ the recorder's requests
@dataclass
class AwsActivity:
    """What the AWS endpoint was asked during a run (moto's recorder lines)."""

    dynamodb: DynamoUnits = field(default_factory=DynamoUnits)
    eventbridge_entries: int = 0
    ses_messages: int = 0
    sqs_requests: int = 0
    sfn_starts: int = 0
    actions: Counter[str] = field(default_factory=Counter)  # "service:Action" -> count


def _decode_body(entry: dict[str, Any]) -> str:
    body = entry.get("body") or ""
    return base64.b64decode(body).decode(errors="replace") if entry.get("body_encoded") else body


def _target(entry: dict[str, Any]) -> str:
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    return headers.get("x-amz-target", "")


def _query_action(text: str) -> str:
    from urllib.parse import parse_qs  # noqa: PLC0415 - SES and SQS (query protocol) only

    return parse_qs(text).get("Action", [""])[0]


def summarize_recording(entries: Iterable[dict[str, Any]], replay: Replay | None = None) -> AwsActivity:
    activity = AwsActivity()
    for entry in entries:
        target = _target(entry)
        text = _decode_body(entry)
        if target.startswith(DYNAMODB_TARGET):
            action = target[len(DYNAMODB_TARGET):]
            body = json.loads(text or "{}")
            read, write = dynamodb_units(action, body, replay)
            activity.dynamodb.read += read
            activity.dynamodb.write += write
            activity.dynamodb.requests[f"{action} {body.get('TableName', '*')}"] += 1
            activity.actions[f"dynamodb:{action}"] += 1
        elif target.startswith("AWSEvents."):
            action = target.split(".", 1)[1]
            activity.actions[f"events:{action}"] += 1
            if action == "PutEvents":
                activity.eventbridge_entries += len(json.loads(text or "{}").get("Entries", []))
        elif target.startswith("AWSStepFunctions."):
            action = target.split(".", 1)[1]
            activity.actions[f"states:{action}"] += 1
            activity.sfn_starts += action in ("StartExecution", "StartSyncExecution")
        elif target.startswith("AmazonSQS."):
            action = target.split(".", 1)[1]
            activity.actions[f"sqs:{action}"] += 1
            activity.sqs_requests += 1
        elif target.startswith("SimpleEmailService") or "email" in entry.get("url", ""):
            action = target.split(".", 1)[1] if "." in target else _query_action(text)
            activity.actions[f"ses:{action}"] += 1
            activity.ses_messages += action in ("SendEmail", "SendRawEmail", "SendTemplatedEmail")
        elif "Action=" in text:
            action = _query_action(text)
            activity.actions[f"query:{action}"] += 1
            if action.startswith("Send") and "Email" in action:
                activity.ses_messages += 1
            elif action in ("SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage"):
                activity.sqs_requests += 1
        elif target:
            activity.actions[target] += 1
    return activity


def read_recording(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# ------------------------------------------------------------------ per-order usage and price
@dataclass
class OrderUsage:
    """What the system did per order (averages over a run)."""

    lambda_invocations: float = 0.0
    lambda_gb_seconds: float = 0.0
    sfn_transitions: float = 0.0  # Standard
    sfn_executions: float = 0.0
    sfn_duration_ms: float = 0.0  # Express: billed per started 100 ms
    dynamodb_read_units: float = 0.0
    dynamodb_write_units: float = 0.0
    eventbridge_events: float = 0.0
    api_requests: float = 0.0
    ses_messages: float = 0.0
    sqs_requests: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}


def price_per_order(usage: OrderUsage, prices: dict[str, Any], *, workflow: str) -> dict[str, float]:
    """Dollars per order, line by line, for workflow "standard" or "express"."""
    if workflow not in ("standard", "express"):
        raise ValueError(f"workflow must be standard or express, not {workflow!r}")
    lam, sfn, ddb = prices["lambda"], prices["stepfunctions"], prices["dynamodb_on_demand"]
    if workflow == "standard":
        step_functions = usage.sfn_transitions * sfn["standard_per_transition"]
    else:
        rounding_s = sfn["express_duration_rounding_ms"] / 1000
        per_execution_s = usage.sfn_duration_ms / 1000 / usage.sfn_executions if usage.sfn_executions else 0.0
        billed_s = math.ceil(per_execution_s / rounding_s - 1e-9) * rounding_s
        gb = sfn["express_billed_memory_mb"] / 1024
        step_functions = usage.sfn_executions * (sfn["express_per_request"] + billed_s * gb * sfn["express_per_gb_second"])
    lines = {
        "lambda_requests": usage.lambda_invocations * lam["per_request"],
        "lambda_duration": usage.lambda_gb_seconds * lam["per_gb_second_arm64"],
        "step_functions": step_functions,
        "dynamodb": (usage.dynamodb_read_units * ddb["per_read_request_unit"]
                     + usage.dynamodb_write_units * ddb["per_write_request_unit"]),
        "eventbridge": usage.eventbridge_events * prices["eventbridge"]["per_custom_event"],
        "api_gateway": usage.api_requests * prices["apigateway_rest"]["per_request"],
        "ses": usage.ses_messages * prices["ses"]["per_email"],
        "sqs": usage.sqs_requests * prices["sqs"]["per_request"],
    }
    lines["total"] = sum(lines.values())
    return lines


def per_million_orders(usage: OrderUsage, prices: dict[str, Any]) -> dict[str, dict[str, float]]:
    """{"standard": {line: $ per 1M orders}, "express": {...}} rounded to cents."""
    return {
        workflow: {line: round(dollars * 1_000_000, 2) for line, dollars in price_per_order(usage, prices, workflow=workflow).items()}
        for workflow in ("standard", "express")
    }
