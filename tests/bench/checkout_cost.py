"""Count what the system does per order during a checkout run, then price it (tests/bench/cost.py).

Per order the client adds two items, checks out and reads its order once. Everything else is what the
system does on its own: the saga, its Lambda tasks, stream consumers, events, e-mail. The bench's own
observation calls (waiting for executions) carry a user agent marker and are left out of the counts.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.bench import cost
from tests.bench.cloud import Shop

OBSERVER = "bench-observer"
SIGNATURE = "AWS4-HMAC-SHA256 Credential=test/20260101/{region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0"


def _observer(shop: Shop, service: str) -> Any:
    return boto3.client(service, endpoint_url=shop.cloud.aws_url, region_name=shop.cloud.region,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(user_agent_extra=OBSERVER, retries={"max_attempts": 2}))


def _replayer(shop: Shop) -> cost.Replay:
    """Re-run a DynamoDB read against the endpoint (raw JSON protocol: the body as recorded)."""
    client = httpx.Client(base_url=shop.cloud.aws_url, timeout=30)
    headers = {"Content-Type": "application/x-amz-json-1.0", "User-Agent": OBSERVER,
               "Authorization": SIGNATURE.format(region=shop.cloud.region)}

    def replay(action: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post("/", json=body, headers={**headers, "X-Amz-Target": f"{cost.DYNAMODB_TARGET}{action}"})
        return response.json() if response.is_success else {}

    return replay


def _executions_since(shop: Shop, since: float) -> list[dict[str, Any]]:
    sfn = _observer(shop, "stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        paginator = sfn.get_paginator("list_executions")
        for page in paginator.paginate(stateMachineArn=machine["stateMachineArn"]):
            found += [e for e in page["executions"] if e["startDate"].timestamp() >= since - 1]
    return found


def _wait_executions(shop: Shop, since: float, expected: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    executions = _executions_since(shop, since)
    while time.monotonic() < deadline:
        executions = _executions_since(shop, since)
        if len(executions) >= expected and all(e["status"] != "RUNNING" for e in executions):
            break
        time.sleep(0.25)
    return executions


def _transitions(shop: Shop, execution_arn: str) -> int:
    """State transitions as Standard bills them: one per state entered (retries enter again)."""
    sfn = _observer(shop, "stepfunctions")
    events = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events += page["events"]
    return sum(1 for e in events if e["type"].endswith("StateEntered"))


def run(shop: Shop, *, orders: int, products: list[dict[str, Any]]) -> dict[str, Any]:
    buyers = [shop.sign_up() for _ in range(min(orders, 5))]
    skus = [p["sku"] for p in products[:40]]
    shop.drain()
    shop.reset_counters()
    shop.moto_api("POST", "recorder/reset-recording")
    shop.moto_api("POST", "recorder/start-recording")
    since = time.time()
    api_requests = 0
    accepted: list[tuple[dict[str, str], str]] = []
    try:
        for i in range(orders):
            buyer = buyers[i % len(buyers)]
            for j in range(2):
                shop.add_to_cart(buyer, skus[(2 * i + j) % len(skus)], 1)
            response = shop.checkout(buyer)
            api_requests += 3
            if response.status_code == 202:
                accepted.append((buyer, response.json()["orderId"]))
        executions = _wait_executions(shop, since, len(accepted), timeout=120)
        shop.drain()
        statuses = []
        for buyer, order_id in accepted:
            response = shop.order(buyer, order_id)
            api_requests += 1
            statuses.append(response.json().get("status") if response.status_code == 200 else f"HTTP {response.status_code}")
        shop.drain()
    finally:
        shop.moto_api("POST", "recorder/stop-recording")
    functions = shop.functions()
    entries = [e for e in cost.read_recording(shop.recording)
               if OBSERVER not in str({k.lower(): v for k, v in e.get("headers", {}).items()}.get("user-agent", ""))]
    activity = cost.summarize_recording(entries, replay=_replayer(shop))
    sfn = _observer(shop, "stepfunctions")
    transitions, durations_ms = 0, 0.0
    for execution in executions:
        transitions += _transitions(shop, execution["executionArn"])
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        if described.get("stopDate"):
            durations_ms += (described["stopDate"] - described["startDate"]).total_seconds() * 1000
    n = max(1, len(accepted))
    invocations = sum(f["counters"]["invocations"] for f in functions.values())
    gb_seconds = sum(f["counters"]["gb_seconds"] for f in functions.values())
    usage = cost.OrderUsage(
        lambda_invocations=invocations / n, lambda_gb_seconds=gb_seconds / n,
        sfn_transitions=transitions / n, sfn_executions=len(executions) / n, sfn_duration_ms=durations_ms / n,
        dynamodb_read_units=activity.dynamodb.read / n, dynamodb_write_units=activity.dynamodb.write / n,
        eventbridge_events=activity.eventbridge_entries / n, api_requests=api_requests / n,
        ses_messages=activity.ses_messages / n, sqs_requests=activity.sqs_requests / n,
    )
    prices = cost.load_prices()
    per_function = {name.split("-", 3)[-1]: f["counters"]["invocations"] for name, f in functions.items()
                    if f["counters"]["invocations"]}
    return {
        "orders": len(accepted), "attempted": orders,
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "usage_per_order": usage.as_dict(),
        "per_million_orders": cost.per_million_orders(usage, prices),
        "prices_as_of": prices["as_of"], "prices_region": prices["region"],
        "invocations_per_function": per_function,
        "dynamodb_requests": dict(activity.dynamodb.requests.most_common()),
        "aws_actions": dict(activity.actions.most_common()),
        "notes": [
            "Lambda GB-s are local durations (this machine, moto at ~4 ms per call) at each function's memory size.",
            "DynamoDB units are estimated from item sizes (moto reports no ConsumedCapacity); reads replayed to size them.",
            "Express is priced on the Standard run's execution durations (64 MB, per started 100 ms).",
            "Not included: CloudWatch logs/metrics, X-Ray, ElastiCache, data transfer, storage (not per order).",
        ],
    }
