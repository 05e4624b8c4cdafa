"""Load: a headless locust run (tests/bench/locustfile.py) against the local API Gateway.

locust runs as its own process (it monkey-patches the standard library with gevent) and writes its
statistics as CSV; this module reads them back per route.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench.cloud import ROOT, Shop

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def read_stats(csv_path: Path) -> list[dict[str, Any]]:
    rows = []
    with csv_path.open() as handle:
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            failures = int(row["Failure Count"])
            rows.append({
                "name": row["Name"] if row["Name"] != "Aggregated" else "all routes",
                "requests": requests, "failures": failures,
                "rps": round(_number(row["Requests/s"]), 2),
                "p50": _number(row["50%"]), "p95": _number(row["95%"]), "p99": _number(row["99%"]),
                "error_pct": round(failures / requests * 100, 2) if requests else 0.0,
            })
    return rows


def run(shop: Shop, *, users: int, spawn_rate: float, duration_s: int, think_time_s: float, out_dir: Path,
        skus: list[str]) -> dict[str, Any]:
    prefix = out_dir / "locust"
    env = {**os.environ, "BENCH_THINK_TIME": str(think_time_s), "BENCH_SKUS": ",".join(skus)}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration_s}s", "--stop-timeout", "10",
               "--host", shop.api, "--csv", str(prefix), "--loglevel", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration_s + 120)
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        return {"error": f"locust exited {result.returncode} without stats: {result.stderr.strip()[-500:]}"}
    routes = read_stats(stats_path)
    return {"users": users, "spawn_rate": spawn_rate, "duration_s": duration_s, "think_time_s": think_time_s,
            "locust_exit_code": result.returncode, "routes": routes}
