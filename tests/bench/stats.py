"""Percentiles and timers shared by every benchmark (figures in milliseconds unless named otherwise)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any


def percentiles(samples_ms: Iterable[float]) -> dict[str, float]:
    """{"n", "p50", "p95", "p99", "mean"} of samples in ms (inclusive method: exact on small runs)."""
    values = sorted(samples_ms)
    if not values:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan")}
    if len(values) == 1:
        only = round(values[0], 2)
        return {"n": 1, "p50": only, "p95": only, "p99": only, "mean": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2),
            "mean": round(statistics.fmean(values), 2)}


def timed_ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def improvement_pct(before: float, after: float) -> float:
    """How much lower `after` is than `before`, in % (negative when it got slower)."""
    if not before or before != before:  # zero or NaN
        return float("nan")
    return round((before - after) / before * 100, 1)
