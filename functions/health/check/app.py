"""GET /health: touches DynamoDB (DescribeTable) and Redis (PING) and reports each.

200 {"status": "ok", "checks": {...}} when every dependency answers, else 503 "degraded".
Clients are created once per execution environment; each check has a short timeout.
(No `from __future__ import annotations`: pydantic resolves the report models' fields at class creation.)
"""

import os
import time
from collections.abc import Callable
from typing import Any, Literal

import boto3
import redis
from botocore.config import Config
from pydantic import BaseModel
from shop.http import create_app, json_response

CHECK_TIMEOUT_S = 0.5

app = create_app()
dynamodb = boto3.client(
    "dynamodb",
    config=Config(connect_timeout=CHECK_TIMEOUT_S, read_timeout=CHECK_TIMEOUT_S, retries={"max_attempts": 1}),
)
cache = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    socket_connect_timeout=CHECK_TIMEOUT_S,
    socket_timeout=CHECK_TIMEOUT_S,
)


class Check(BaseModel):
    ok: bool
    latencyMs: float
    error: str | None = None


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, Check]


def timed(check: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
        result: dict[str, Any] = {"ok": True}
    except Exception as error:  # noqa: BLE001 - a failing dependency is reported, not raised
        result = {"ok": False, "error": type(error).__name__}
    result["latencyMs"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def _report(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"model": HealthReport}}}


@app.get(
    "/health",
    summary="Dependencies' state",
    tags=["health"],
    operation_id="health",
    responses={200: _report("Every dependency answers"), 503: _report("A dependency does not answer")},
)
def health():
    checks = {
        "dynamodb": timed(lambda: dynamodb.describe_table(TableName=os.environ["PRODUCTS_TABLE"])),
        "redis": timed(cache.ping),
    }
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    return json_response(200 if healthy else 503, body, {"Cache-Control": "no-store"})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
