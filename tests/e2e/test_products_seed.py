"""`python -m scripts.seed` against the running local cloud: demo catalog, stock, users; idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from scripts.seed import ADMIN_USER, DEMO_USER

ROOT = Path(__file__).resolve().parents[2]


def _seed(local_cloud: Any) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "scripts.seed", "--aws-endpoint", local_cloud.aws_url, "--per-category", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_seed_creates_a_catalog_with_stock_and_working_credentials_and_can_run_again(local_cloud: Any):
    first = _seed(local_cloud)
    second = _seed(local_cloud)
    assert "20 products created" in first or "0 products created" in first
    assert "0 products created" in second and DEMO_USER[0] in second and ADMIN_USER[1] in second

    with httpx.Client(base_url=local_cloud.api_url, timeout=30) as http:
        product = http.get("/products/demo-book-0001")
        assert product.status_code == 200 and product.json()["sku"] == "BOOK-0001"
        assert product.json()["price"] > 0 and isinstance(product.json()["price"], int)
        tokens = {}
        for email, password, _ in (DEMO_USER, ADMIN_USER):
            login = http.post("/auth/login", json={"email": email, "password": password})
            assert login.status_code == 200, login.text
            tokens[email] = {"Authorization": f"Bearer {login.json()['idToken']}"}
        assert http.get("/me", headers=tokens[DEMO_USER[0]]).json()["addresses"][0]["default"] is True
        stock = http.get("/inventory/BOOK-0001", headers=tokens[ADMIN_USER[0]])
        assert stock.status_code == 200 and stock.json()["available"] >= 0, stock.text
        # the admin is in the admin group: the catalog's admin routes accept them
        refused = http.post("/products", headers=tokens[DEMO_USER[0]], json={})
        accepted = http.post("/products", headers=tokens[ADMIN_USER[0]], json={})
        assert refused.status_code == 403 and accepted.status_code == 422
