"""bench-results/results.json and results.md: every figure of a run, and the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

SECTIONS = ("latency", "cache_latency", "coldstart", "load", "flash_sale", "cost", "zipf")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gb = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "os": platform.platform(),
            "python": platform.python_version(), "load_average_at_end": load}


def git_commit(root: Path) -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return f"{value:.{digits}f}"
    return str(value)


def _skipped(section: dict[str, Any] | None) -> str | None:
    if section is None:
        return "not run"
    if "skipped" in section:
        return f"skipped: {section['skipped']}"
    if "error" in section:
        return f"failed: {section['error']}"
    return None


def render_latency(section: dict[str, Any]) -> list[str]:
    lines = [f"Requests per row: {section.get('requests')} (sequential, through the local API Gateway); "
             "initial = no L1/L2 cache and checkout answered at the order's final state, "
             "current = tiered cache and the saga answering 202.", "",
             "| operation | initial p50 / p95 / p99 ms | current p50 / p95 / p99 ms | improvement p50 (p99) | seed |",
             "|---|---|---|---|---|"]
    for row in section.get("rows", []):
        initial, current, seed = row.get("initial") or {}, row.get("current") or {}, row["seed"]
        gain = row.get("improvement_pct") or {}
        lines.append(
            f"| {row['name']} | {_f(initial.get('p50'))} / {_f(initial.get('p95'))} / {_f(initial.get('p99'))} "
            f"| {_f(current.get('p50'))} / {_f(current.get('p95'))} / {_f(current.get('p99'))} "
            f"| {_f(gain.get('p50'))}% ({_f(gain.get('p99'))}%) "
            f"| {seed['before']}→{seed['after']} ms, {seed['pct']}% |")
    confirmation = section.get("checkout_confirmation")
    if confirmation:
        lines += ["", f"Checkout, request → order CONFIRMED/FAILED (current configuration, polled): "
                      f"p50 {_f(confirmation.get('p50'))}, p95 {_f(confirmation.get('p95'))}, "
                      f"p99 {_f(confirmation.get('p99'))} ms (n={confirmation.get('n')})"]
    for note in section.get("notes", []):
        lines.append(f"- {note}")
    return lines


def render_cache_latency(section: dict[str, Any]) -> list[str]:
    lines = [f"TieredCache, {section.get('iterations')} reads per row, loader = DynamoDB GetItem ({section.get('endpoint')})", "",
             "| read | p50 µs | p95 µs | p99 µs |", "|---|---|---|---|"]
    for label, name in (("L1 hit", "l1_hit"), ("L2 hit (Redis)", "l2_hit"), ("miss (load + fill)", "miss"),
                        ("no cache (GetItem)", "no_cache")):
        row = section.get(name) or {}
        lines.append(f"| {label} | {_f(row.get('p50'))} | {_f(row.get('p95'))} | {_f(row.get('p99'))} |")
    return lines


def render_coldstart(section: dict[str, Any]) -> list[str]:
    baseline = section.get("baseline") or {}
    layer = section.get("layer") or {}
    lines = [section.get("method", ""), "",
             f"Baseline (boto3 + Powertools Logger only): init {_f(baseline.get('init_ms'))} ms, "
             f"first invocation {_f(baseline.get('first_invoke_ms'))} ms. "
             f"Layer: {_f(layer.get('source_kb'), 0)} KB of code, {_f(layer.get('with_deps_kb'), 0)} KB with its "
             f"pip dependencies ({_f(layer.get('with_deps_zip_kb'), 0)} KB zipped).", "",
             "| function | init ms (median) | over baseline ms | first invocation ms | package KB (zip) |",
             "|---|---|---|---|---|"]
    for row in section.get("functions", []):
        first = _f(row.get("first_invoke_ms"))
        if row.get("first_error"):
            first += f" ({row['first_error']})"
        lines.append(f"| {row['name']} | {_f(row.get('init_ms'))} | {_f(row.get('over_baseline_ms'))} | {first} "
                     f"| {_f(row.get('package_zip_kb'), 1)} |")
    return lines


def render_load(section: dict[str, Any]) -> list[str]:
    lines = [f"locust, headless: {section.get('users')} users, spawn rate {section.get('spawn_rate')}/s, "
             f"{section.get('duration_s')} s, think time {section.get('think_time_s')} s; "
             "cycle per user: browse 10, view product 10, add to cart 2, view cart 3, checkout 1.", "",
             "| route | requests | req/s | p50 ms | p95 ms | p99 ms | errors % |", "|---|---|---|---|---|---|---|"]
    for row in section.get("routes", []):
        lines.append(f"| {row['name']} | {row['requests']} | {_f(row.get('rps'))} | {_f(row.get('p50'), 0)} "
                     f"| {_f(row.get('p95'), 0)} | {_f(row.get('p99'), 0)} | {_f(row.get('error_pct'), 2)} |")
    return lines


def render_flash_sale(section: dict[str, Any]) -> list[str]:
    lines = ["| write sharding | shards | buyers | units | confirmed | rejected | oversold | other | checkouts/s | wall s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for run in section.get("runs", []):
        lines.append(f"| {'on' if run.get('sharded') else 'off'} | {run.get('shards')} | {run.get('buyers')} "
                     f"| {run.get('units')} | {run.get('confirmed')} | {run.get('rejected')} | {run.get('oversold')} "
                     f"| {run.get('other')} | {_f(run.get('checkouts_per_s'))} | {_f(run.get('wall_s'))} |")
    for note in section.get("notes", []):
        lines.append(f"- {note}")
    return lines


def render_cost(section: dict[str, Any]) -> list[str]:
    usage = section.get("usage_per_order", {})
    per_million = section.get("per_million_orders", {})
    lines = [f"{section.get('orders')} orders; prices: {section.get('prices_region')} list prices as of "
             f"{section.get('prices_as_of')} (tests/bench/prices_us_east_1.json).", "",
             "Per order: " + ", ".join(f"{k} {_f(v, 3)}" for k, v in usage.items()), "",
             "| per 1M orders (USD) | " + " | ".join(per_million.get("standard", {}).keys()) + " |",
             "|---" * (len(per_million.get("standard", {})) + 1) + "|"]
    for workflow, lines_ in per_million.items():
        lines.append(f"| {workflow} | " + " | ".join(_f(v, 2) for v in lines_.values()) + " |")
    for note in section.get("notes", []):
        lines.append(f"- {note}")
    return lines


def render_zipf(section: dict[str, Any]) -> list[str]:
    ratio = section.get("hit_ratio", {})
    return [f"{section.get('requests')} reads over {section.get('distinct_keys')} products (Zipf s={section.get('zipf_s')}, "
            f"top 10 = {_f((section.get('top_10_share') or 0) * 100)}% of reads), {section.get('environments')} "
            f"environments (L1 each, TTL {section.get('l1_ttl_s')} s) sharing one Redis (L2, TTL {section.get('l2_ttl_s')} s).", "",
            "| L1 hit | L2 hit | miss (loader) | overall hit |", "|---|---|---|---|",
            f"| {_f(ratio.get('l1', 0) * 100)}% | {_f(ratio.get('l2', 0) * 100)}% | {_f(ratio.get('miss', 0) * 100)}% "
            f"| {_f(ratio.get('overall', 0) * 100)}% |"]


RENDERERS = {
    "latency": ("1. The seed's table: initial vs current", render_latency),
    "cache_latency": ("Tiered cache latencies (tests/bench/bench_cache.py)", render_cache_latency),
    "coldstart": ("2. Cold start", render_coldstart),
    "load": ("3. Load", render_load),
    "flash_sale": ("4. Flash sale (one hot SKU)", render_flash_sale),
    "cost": ("5. Cost per million orders", render_cost),
    "zipf": ("6. Cache hit ratio under a Zipf workload", render_zipf),
}


def render_markdown(results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    host = meta.get("machine", {})
    lines = ["# make bench", "",
             f"Run {meta.get('started')} at commit {meta.get('commit')}, {meta.get('duration_s')} s"
             f"{' (--quick: smoke figures only)' if meta.get('quick') else ''}. Machine: {host.get('cpu')}, "
             f"{host.get('cores')} cores, {host.get('memory_gb')} GB, {host.get('os')}, Python {host.get('python')}"
             f" (load average at the start {meta.get('load_average_at_start')}, at the end {host.get('load_average_at_end')}:"
             " other work on the machine inflates every figure).", ""]
    for name in SECTIONS:
        title, render = RENDERERS[name]
        section = results.get(name)
        lines += [f"## {title}", ""]
        reason = _skipped(section)
        if reason:
            lines += [f"({reason})", ""]
            continue
        try:
            lines += render(section) + [""]
        except (KeyError, TypeError, ValueError) as error:  # a report must never hide the other sections
            lines += [f"(could not render: {type(error).__name__}: {error})", ""]
    return "\n".join(lines)


def write_results(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "results.json", out_dir / "results.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    md_path.write_text(render_markdown(results))
    return json_path, md_path
