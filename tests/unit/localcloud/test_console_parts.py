"""The console's parts that need no running cloud: EMF parsing, history folding, the event log,
percentiles, the static files, and reading a real breaker's state from Redis."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from localcloud.console.eventlog import EventLog, order_id_of
from localcloud.console.executions import summarize
from localcloud.console.metrics import EmbeddedMetrics, emf_values
from localcloud.console.service import BREAKER_KEY_PREFIX, Console
from localcloud.console.web import ConsoleApp
from localcloud.redisd import ensure_redis, start_embedded
from localcloud.runtime.pool import duration_percentiles
from shop.resilience import BreakerConfig, CircuitBreaker

EMF = {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "Shop", "Dimensions": [["service"]],
                "Metrics": [{"Name": "CacheL1Hit", "Unit": "Count"}, {"Name": "CacheMiss", "Unit": "Count"}]}]},
       "service": "catalog", "CacheL1Hit": [1.0, 1.0, 1.0], "CacheMiss": 1.0}


def test_emf_lines_give_their_metric_values_and_other_lines_nothing():
    assert emf_values(json.dumps(EMF)) == {"CacheL1Hit": 3.0, "CacheMiss": 1.0}
    assert emf_values('{"level": "INFO", "message": "_aws CloudWatchMetrics mentioned in passing"}') == {}
    assert emf_values("START RequestId: 1 Version: $LATEST") == {}
    assert emf_values('{"_aws": {"CloudWatchMetrics": [') == {}


def test_embedded_metrics_sum_per_function_and_give_cache_ratios_per_level():
    passed: list[tuple[str, str]] = []
    metrics = EmbeddedMetrics(lambda name, line: passed.append((name, line)))
    metrics("get", json.dumps(EMF))
    metrics("get", json.dumps({**EMF, "CacheL1Hit": 1.0, "CacheMiss": 0}))
    metrics("search", json.dumps({"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "CacheL2Hit"}]}]}, "CacheL2Hit": 4}))
    metrics("get", "plain line")
    assert len(passed) == 4  # every line still reaches the log
    snapshot = metrics.snapshot()
    assert snapshot["functions"]["get"] == {"CacheL1Hit": 4.0, "CacheMiss": 1.0}
    total = snapshot["cache"]["total"]
    assert (total["l1"], total["l2"], total["miss"], total["reads"]) == (4.0, 4.0, 1.0, 9.0)
    assert total["hitRatio"] == pytest.approx(8 / 9) and total["missRatio"] == pytest.approx(1 / 9)
    assert snapshot["cache"]["byFunction"]["search"]["l2Ratio"] == 1.0
    metrics.reset()
    assert metrics.snapshot()["cache"]["total"]["reads"] == 0


def _event(kind: str, at: datetime, **details: Any) -> dict[str, Any]:
    key = {"StateEntered": "stateEnteredEventDetails", "StateExited": "stateExitedEventDetails"}
    field = next((v for k, v in key.items() if kind.endswith(k)), f"{kind[0].lower()}{kind[1:]}EventDetails")
    return {"type": kind, "timestamp": at, field: details}


def test_a_history_folds_into_what_each_state_did():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    at = [t0 + timedelta(milliseconds=100 * i) for i in range(12)]
    history = [
        _event("ExecutionStarted", at[0]),
        _event("TaskStateEntered", at[0], name="Pay"),
        _event("TaskScheduled", at[0]),
        _event("TaskFailed", at[1], error="Transient", cause="timeout"),
        _event("TaskScheduled", at[2]),  # retried
        _event("TaskFailed", at[3], error="PaymentDeclined", cause="declined"),
        _event("TaskStateExited", at[4], name="Pay"),  # caught
        _event("TaskStateEntered", at[4], name="Release"),
        _event("TaskScheduled", at[4]),
        _event("TaskSucceeded", at[5]),
        _event("TaskStateExited", at[6], name="Release"),
        _event("TaskStateEntered", at[6], name="Stuck"),
        _event("ExecutionAborted", at[9], error="States.Aborted"),
    ]
    summary = summarize(history)
    pay, release, stuck = (summary["states"][n] for n in ("Pay", "Release", "Stuck"))
    assert (pay["status"], pay["attempts"], pay["error"], pay["durationMs"]) == ("caught", 2, "PaymentDeclined", 400.0)
    assert (release["status"], release["attempts"], release["error"]) == ("succeeded", 1, None)
    assert stuck["status"] == "failed" and stuck["durationMs"] == 300.0
    assert summary["path"] == ["Pay", "Release", "Stuck"]
    assert summary["transitions"] == [["Pay", "Release"], ["Release", "Stuck"]]
    assert summary["error"] == {"error": "States.Aborted", "cause": None}


def test_a_running_execution_has_a_running_state_and_no_error():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    summary = summarize([_event("TaskStateEntered", t0, name="Reserve"), _event("TaskScheduled", t0)])
    assert summary["states"]["Reserve"]["status"] == "running" and summary["error"] is None


def test_the_event_log_is_bounded_and_filters_by_order_type_and_position():
    log = EventLog(capacity=3)
    for i, kind in enumerate(["A", "B", "A", "B"]):
        log.record(event_id=str(i), bus="bus", source="s", detail_type=kind, detail={"data": {"orderId": f"o{i % 2}"}},
                   resources=[], at=1_700_000_000.5 + i, rules=[])
    assert len(log) == 3
    newest_first = log.entries()
    assert [e["id"] for e in newest_first] == ["3", "2", "1"] and newest_first[0]["time"].endswith(".500Z")
    assert [e["id"] for e in log.entries(order_id="o0")] == ["2"]
    assert [e["id"] for e in log.entries(detail_type="B")] == ["3", "1"]
    assert [e["id"] for e in log.entries(after=newest_first[1]["seq"])] == ["3"]
    assert [e["id"] for e in log.entries(limit=1)] == ["3"]
    assert order_id_of({"orderId": "x"}) == "x" and order_id_of({"data": {}}) is None and order_id_of("text") is None


def test_percentiles_are_nearest_rank():
    assert duration_percentiles([]) == {"p50": None, "p99": None, "samples": 0}
    samples = [float(n) for n in range(1, 101)]
    assert duration_percentiles(samples) == {"p50": 50.0, "p99": 99.0, "samples": 100}
    assert duration_percentiles([7.0]) == {"p50": 7.0, "p99": 7.0, "samples": 1}


def _wsgi(app: ConsoleApp, path: str) -> tuple[str, dict[str, str], bytes] | None:
    seen: dict[str, Any] = {}
    body = app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""},
               lambda status, headers: seen.update(status=status, headers=dict(headers)))
    return None if body is None else (seen["status"], seen["headers"], b"".join(body))


def test_the_console_serves_its_files_and_leaves_other_routes_alone(tmp_path: Path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<div id=root></div>")
    (tmp_path / "assets" / "app-1.js").write_text("console.log(1)")
    app = ConsoleApp(console=None, files=tmp_path)  # type: ignore[arg-type]
    status, headers, body = _wsgi(app, "/_localcloud/console/")
    assert status.startswith("200") and headers["Content-Type"] == "text/html" and body == b"<div id=root></div>"
    status, headers, _ = _wsgi(app, "/_localcloud/console/assets/app-1.js")
    assert status.startswith("200") and "immutable" in headers["Cache-Control"]
    assert _wsgi(app, "/_localcloud/console")[1]["Location"] == "/_localcloud/console/"
    assert _wsgi(app, "/_localcloud/console/../../etc/passwd")[0].startswith("404")
    assert _wsgi(app, "/_localcloud/health") is None and _wsgi(app, "/other") is None
    unbuilt = ConsoleApp(console=None, files=tmp_path / "missing")  # type: ignore[arg-type]
    status, _, body = _wsgi(unbuilt, "/_localcloud/console/")
    assert status.startswith("503") and b"make local" in body


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    handle = ensure_redis(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else start_embedded()
    yield handle.url
    handle.stop()


def test_the_console_reads_a_breakers_state_as_the_breaker_wrote_it(redis_url: str):
    import redis

    name = f"unit-{uuid.uuid4().hex[:8]}-payment-provider"
    client = redis.Redis.from_url(redis_url)
    env = {"PAYMENT_BREAKER_NAME": name, "PAYMENT_BREAKER_OPEN_SECONDS": "30", "PAYMENT_PROVIDER_URL": "http://x"}
    runtime = SimpleNamespace(pools={"pay": SimpleNamespace(spec=SimpleNamespace(name="pay", environment=env))})
    console = Console(stack=None, client=None, runtime=runtime, events=EventLog(), metrics=EmbeddedMetrics(print),  # type: ignore[arg-type]
                      redis_url=redis_url, account_id="1", region="us-east-1")
    try:
        [fresh] = console.breakers()
        assert (fresh["name"], fresh["state"], fresh["recorded"], fresh["functions"]) == (name, "closed", False, ["pay"])
        assert fresh["settings"] == {"open_seconds": "30"}  # only the breaker's own settings, nothing else of the env
        breaker = CircuitBreaker(name, redis=client, config=BreakerConfig(minimum_calls=2, sliding_window_size=4, open_duration=30))
        for _ in range(2):
            with pytest.raises(ValueError), breaker.guard():
                raise ValueError("provider down")
        [tripped] = console.breakers()
        assert tripped["state"] == "open" and tripped["epoch"] == 1 and 0 < tripped["retryInMs"] <= 30_000
        assert tripped["since"].endswith("Z") and tripped["forMs"] >= 0
        assert client.exists(f"{BREAKER_KEY_PREFIX}:{{{name}}}:state")
    finally:
        client.delete(f"{BREAKER_KEY_PREFIX}:{{{name}}}:state", f"{BREAKER_KEY_PREFIX}:{{{name}}}:window")
