"""Metrics the functions emit in their logs (CloudWatch embedded metric format, from Powertools
Metrics), summed per function: what CloudWatch would show, for the console.

The tiered cache's hits and misses per level arrive this way (CacheL1Hit, CacheL2Hit, CacheMiss).
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from typing import Any

from localcloud.runtime.worker import LogSink

CACHE_LEVELS = {"l1": "CacheL1Hit", "l2": "CacheL2Hit", "miss": "CacheMiss"}


def emf_values(line: str) -> dict[str, float]:
    """The metric values of one EMF log line ({} for any other line)."""
    if '"_aws"' not in line or "CloudWatchMetrics" not in line:
        return {}
    start = line.find("{")
    try:
        document = json.loads(line[start:]) if start >= 0 else None
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    values: dict[str, float] = {}
    directives = (document.get("_aws") or {}).get("CloudWatchMetrics") or []
    for directive in directives if isinstance(directives, list) else []:
        for metric in directive.get("Metrics", []) if isinstance(directive, dict) else []:
            name = metric.get("Name") if isinstance(metric, dict) else None
            raw = document.get(name) if name else None
            samples = raw if isinstance(raw, list) else [raw]
            total = sum(float(v) for v in samples if isinstance(v, int | float) and not isinstance(v, bool))
            if name and total:
                values[name] = values.get(name, 0.0) + total
    return values


class EmbeddedMetrics:
    """A LogSink in front of another: sums every EMF metric per function, then passes the line on."""

    def __init__(self, sink: LogSink) -> None:
        self.sink = sink
        self._totals: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._lock = threading.Lock()

    def __call__(self, function_name: str, line: str) -> None:
        values = emf_values(line)
        if values:
            with self._lock:
                self._totals[function_name].update(values)
        self.sink(function_name, line)

    def totals(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {name: dict(counter) for name, counter in self._totals.items()}

    def reset(self) -> None:
        with self._lock:
            self._totals.clear()

    def snapshot(self) -> dict[str, Any]:
        """{"functions": {name: {metric: sum}}, "cache": {"total": ratios, "byFunction": {...}}}."""
        totals = self.totals()
        by_function = {name: cache_ratios(metrics) for name, metrics in sorted(totals.items())
                       if any(metric in metrics for metric in CACHE_LEVELS.values())}
        overall: Counter[str] = Counter()
        for metrics in totals.values():
            overall.update({m: metrics.get(m, 0.0) for m in CACHE_LEVELS.values()})
        return {"functions": totals, "cache": {"total": cache_ratios(overall), "byFunction": by_function}}


def cache_ratios(metrics: dict[str, float]) -> dict[str, float]:
    """Reads per level and the share of all reads each served (l1 + l2 + miss = 1)."""
    counts = {level: metrics.get(metric, 0.0) for level, metric in CACHE_LEVELS.items()}
    reads = sum(counts.values())
    ratios = {f"{level}Ratio": (count / reads if reads else 0.0) for level, count in counts.items()}
    return {**counts, "reads": reads, **ratios, "hitRatio": ((counts["l1"] + counts["l2"]) / reads if reads else 0.0)}
