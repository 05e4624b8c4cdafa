"""Zipf workload, percentiles and the report writer (no local cloud needed)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.bench import report
from tests.bench.stats import improvement_pct, percentiles
from tests.bench.zipf_cache import run_zipf, top_share, zipf_keys


def test_zipf_draws_favour_the_first_ranks() -> None:
    keys = [f"p{i}" for i in range(100)]
    counts = Counter(zipf_keys(keys, 20_000, s=1.1))
    assert counts["p0"] > counts["p1"] > counts["p9"] > counts["p99"]
    assert abs(counts["p0"] / 20_000 - top_share(100, 1, 1.1)) < 0.02


def test_zipf_draws_are_repeatable_for_a_seed() -> None:
    keys = [str(i) for i in range(50)]
    assert zipf_keys(keys, 100, seed=3) == zipf_keys(keys, 100, seed=3)


def test_zipf_run_without_redis_counts_l1_hits_and_misses() -> None:
    keys = [f"k{i}" for i in range(20)]
    figures = run_zipf(keys, lambda key: {"id": key}, None, environments=2, requests=500)
    ratio = figures["hit_ratio"]
    assert ratio["l2"] == 0
    assert ratio["miss"] > 0 and ratio["l1"] > 0.5
    assert abs(ratio["l1"] + ratio["l2"] + ratio["miss"] - 1) < 1e-3
    assert figures["loader_calls"] == round(ratio["miss"] * 500)


def test_percentiles_of_known_samples() -> None:
    figures = percentiles(range(1, 101))
    assert figures["n"] == 100
    assert 50 <= figures["p50"] <= 51
    assert 99 <= figures["p99"] <= 100
    assert percentiles([])["n"] == 0


def test_improvement_is_the_share_saved() -> None:
    assert improvement_pct(450, 120) == 73.3
    assert improvement_pct(100, 150) == -50.0


def test_report_writes_json_and_markdown_with_every_section(tmp_path: Path) -> None:
    results = {
        "meta": {"started": "now", "commit": "abc", "duration_s": 1, "machine": report.machine()},
        "latency": {"requests": 3, "rows": [{"name": "product get", "seed": {"before": 450, "after": 120, "pct": 73},
                                            "initial": {"p50": 10.0, "p95": 12.0, "p99": 13.0},
                                            "current": {"p50": 2.0, "p95": 3.0, "p99": 4.0},
                                            "improvement_pct": {"p50": 80.0, "p99": 69.2}}]},
        "coldstart": {"error": "RuntimeError: boom"},
        "flash_sale": {"runs": [{"sharded": False, "shards": 1, "buyers": 4, "units": 2, "confirmed": 2,
                                 "rejected": 2, "oversold": 0, "other": 0, "checkouts_per_s": 1.5, "wall_s": 2.7}]},
    }
    json_path, md_path = report.write_results(results, tmp_path)
    assert json.loads(json_path.read_text())["latency"]["rows"][0]["name"] == "product get"
    markdown = md_path.read_text()
    for title, _ in report.RENDERERS.values():
        assert f"## {title}" in markdown
    assert "| product get | 10.0 / 12.0 / 13.0 | 2.0 / 3.0 / 4.0 | 80.0% (69.2%) | 450→120 ms, 73% |" in markdown
    assert "(failed: RuntimeError: boom)" in markdown
    assert "(not run)" in markdown
