"""`python -m tests.bench --quick` produces every section (harness check: no timing is asserted).

    BENCH_SMOKE=1 .venv/bin/python -m pytest tests/bench/test_bench_quick.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import report

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.skipif(os.environ.get("BENCH_SMOKE") != "1",
                    reason="starts and seeds a local cloud (3-6 min on 2 cores): BENCH_SMOKE=1 runs it")
def test_quick_bench_writes_every_section_without_errors(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "infrastructure" / "local"), str(ROOT / "layers" / "shared" / "python"), str(ROOT)])}
    result = subprocess.run([sys.executable, "-m", "tests.bench", "--quick", "--out", str(tmp_path)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=880)
    results = json.loads((tmp_path / "results.json").read_text())
    failed = {name: results.get(name, {}).get("error", "missing") for name in report.SECTIONS
              if name not in results or "error" in results[name]}
    assert not failed, f"sections failed: {failed}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, result.stderr[-3000:]
    markdown = (tmp_path / "results.md").read_text()
    for title, _ in report.RENDERERS.values():
        assert f"## {title}" in markdown
    assert [row["name"] for row in results["latency"]["rows"]] == ["product get", "profile get", "checkout"]
    assert results["coldstart"]["baseline"]["init_ms"] is not None
    assert len(results["coldstart"]["functions"]) == len(results["coldstart"]["functions_expected"])
    assert {run["sharded"] for run in results["flash_sale"]["runs"]} == {False, True}
    assert results["cost"]["per_million_orders"]["standard"]["total"] > 0
    assert {"all routes"} <= {row["name"] for row in results["load"]["routes"]}
