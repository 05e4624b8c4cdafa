"""The template's three CacheModes, as the local cloud runs them: external (its default: this machine's
Redis), none (no L2 - /health says so, the catalog still answers), serverless (the ElastiCache Serverless
cache played by the local Redis, the VPC reported as not emulated)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def health(cloud: Any) -> dict[str, Any]:
    response = httpx.get(f"{cloud.api_url}/health", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_by_default_the_local_cloud_gives_the_template_its_redis_as_an_external_cache(local_cloud):
    body = health(local_cloud)
    assert body["cache"] == {"mode": "external", "l2": True} and body["checks"]["redis"]["ok"]


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "expected"), [
    ("none", {"mode": "none", "l2": False}),
    ("serverless", {"mode": "serverless", "l2": True}),
])
def test_each_cache_mode_deploys_and_says_what_it_has(start_local_cloud, mode, expected):
    cloud = start_local_cloud(ROOT / "template.yaml", {"CacheMode": mode}, stack_name=f"shop-cache-{mode}")
    body = health(cloud)
    assert body["cache"] == expected
    assert ("redis" in body["checks"]) is expected["l2"]
    products = httpx.get(f"{cloud.api_url}/products", params={"limit": 1}, timeout=30)
    assert products.status_code == 200, products.text  # reads go to the table when there is no L2
    output = cloud.output()
    if mode == "serverless":
        assert "not emulated: the VPC (CacheMode=serverless" in output
    assert f"CacheMode={mode}" in output
