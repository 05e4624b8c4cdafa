"""GET /health: touches DynamoDB (DescribeTable) and Redis (PING) and reports each.

200 {"status": "ok", "checks": {...}} when every dependency answers, else 503 "degraded".
Clients are created once per execution environment; each check has a short timeout.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import boto3
import redis
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from botocore.config import Config

CHECK_TIMEOUT_S = 0.5

app = APIGatewayRestResolver()
dynamodb = boto3.client(
    "dynamodb",
    config=Config(connect_timeout=CHECK_TIMEOUT_S, read_timeout=CHECK_TIMEOUT_S, retries={"max_attempts": 1}),
)
cache = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    socket_connect_timeout=CHECK_TIMEOUT_S,
    socket_timeout=CHECK_TIMEOUT_S,
)


def timed(check: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
        result: dict[str, Any] = {"ok": True}
    except Exception as error:  # noqa: BLE001 - a failing dependency is reported, not raised
        result = {"ok": False, "error": type(error).__name__}
    result["latencyMs"] = round((time.perf_counter() - started) * 1000, 2)
    return result


@app.get("/health")
def health():  # a bare Response annotation would break OpenAPI generation
    checks = {
        "dynamodb": timed(lambda: dynamodb.describe_table(TableName=os.environ["PRODUCTS_TABLE"])),
        "redis": timed(cache.ping),
    }
    healthy = all(check["ok"] for check in checks.values())
    return Response(
        status_code=200 if healthy else 503,
        content_type=content_types.APPLICATION_JSON,
        body={"status": "ok" if healthy else "degraded", "checks": checks},
        headers={"Cache-Control": "no-store"},
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
