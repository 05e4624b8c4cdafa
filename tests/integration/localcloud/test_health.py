"""template.yaml in the local cloud: GET /health touches DynamoDB and Redis through the gateway."""

from __future__ import annotations

from typing import Any

import httpx


def test_health_reports_dynamodb_and_redis_ok(local_cloud: Any) -> None:
    response = httpx.get(f"{local_cloud.api_url}/health", timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["dynamodb"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["checks"]["dynamodb"]["latencyMs"] >= 0


def test_every_resource_of_the_template_was_created_or_is_served_locally(local_cloud: Any) -> None:
    health = local_cloud.health
    assert health["failed"] == [], health["failed"]
    assert local_cloud.user_pool_id and local_cloud.user_pool_client_id
