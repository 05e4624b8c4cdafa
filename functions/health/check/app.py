"""GET /health: touches DynamoDB (DescribeTable) and Redis (PING) and reports each.

200 {"status": "ok", "checks": {...}, "cache": {"mode", "l2"}} when every dependency answers, else 503
"degraded". With no L2 cache (CacheMode=none: no REDIS_URL) Redis is no dependency: `cache.l2` is false.
Clients are created once per execution environment; each check has a short timeout.
(No `from __future__ import annotations`: pydantic resolves the report models' fields at class creation.)
"""

import os
import time
from collections.abc import Callable
from typing import Any, Literal

import boto3
from botocore.config import Config
from pydantic import BaseModel
from shop.http import create_app, json_response
from shop.redis_client import redis_client

CHECK_TIMEOUT_S = 0.5

app = create_app()
dynamodb = boto3.client(
    "dynamodb",
    config=Config(connect_timeout=CHECK_TIMEOUT_S, read_timeout=CHECK_TIMEOUT_S, retries={"max_attempts": 1}),
)
CACHE_MODE = os.environ.get("CACHE_MODE", "none")


class Check(BaseModel):
    ok: bool
    latencyMs: float
    error: str | None = None


class CacheReport(BaseModel):
    mode: Literal["serverless", "external", "none"]
    l2: bool  # false: reads go from L1 to the tables, and each environment keeps its own breakers


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, Check]
    cache: CacheReport


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
    checks = {"dynamodb": timed(lambda: dynamodb.describe_table(TableName=os.environ["PRODUCTS_TABLE"]))}
    # the environment's client (created once, on first use); None without REDIS_URL (CacheMode=none)
    cache = redis_client(connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
    if cache is not None:
        checks["redis"] = timed(cache.ping)
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks,
            "cache": {"mode": CACHE_MODE if cache is not None else "none", "l2": cache is not None}}
    return json_response(200 if healthy else 503, body, {"Cache-Control": "no-store"})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
