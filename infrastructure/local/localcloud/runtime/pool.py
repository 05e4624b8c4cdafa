"""Local execution environments for every function of the stack: the Invoker the triggers call.

Per function: a pool of warm workers (reused most-recent first, recycled when idle too long),
cold starts on demand, timeouts and memory enforced, reserved and account concurrency enforced
(throttling beyond them), and counters for the control API.
"""

from __future__ import annotations

import math
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from localcloud.invoker import InvokeResult
from localcloud.runtime.worker import FunctionSpec, LogSink, Worker, WorkerDied, WorkerTimedOut

DEFAULT_ACCOUNT_CONCURRENCY = 1000  # AWS's default account limit
UNRESERVED_MINIMUM = 100  # AWS keeps at least this much for functions without a reservation
DEFAULT_IDLE_SECONDS = 300.0
# A laptop is not a fleet: beyond these, invocations wait for an environment instead of spawning
# one more process (AWS would scale out; throttling by concurrency limits is unchanged).
DEFAULT_ENVIRONMENTS_PER_FUNCTION = 8
DEFAULT_ENVIRONMENTS_TOTAL = 64
# the parts of the host environment a worker needs to run at all (Lambda sets its own equivalents)
LAMBDA_PATH = "/usr/local/bin:/usr/bin:/bin"
DURATION_SAMPLES = 1000  # the latest invocations' durations kept per function, for p50 / p99


@dataclass
class FunctionCounters:
    invocations: int = 0
    errors: int = 0
    throttles: int = 0
    cold_starts: int = 0
    init_ms: float = 0.0
    duration_ms: float = 0.0
    gb_seconds: float = 0.0
    timeouts: int = 0


def duration_percentiles(samples: deque[float] | list[float]) -> dict[str, float | int | None]:
    """p50 and p99 (nearest rank) of the latest invocations' durations, in ms."""
    ordered = sorted(samples)
    if not ordered:
        return {"p50": None, "p99": None, "samples": 0}

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)

    return {"p50": rank(50), "p99": rank(99), "samples": len(ordered)}


class Throttled(Exception):
    pass


def print_log(function_name: str, line: str) -> None:
    sys.stdout.write(f"[{function_name}] {line}\n")
    sys.stdout.flush()


class FunctionPool:
    def __init__(self, spec: FunctionSpec, base_env: dict[str, str], log: LogSink, max_environments: int) -> None:
        self.spec = spec
        self.slots = threading.BoundedSemaphore(max_environments)  # invocations running at once, locally
        self.env = base_env
        self.log = log
        self.idle: list[Worker] = []  # most recently used last: reused first, like Lambda
        self.in_flight = 0
        self.counters = FunctionCounters()
        self.durations: deque[float] = deque(maxlen=DURATION_SAMPLES)  # ms, latest invocations
        self.lock = threading.Lock()
        self.all_workers: set[Worker] = set()


class LocalRuntime:
    """Implements localcloud.invoker.Invoker over worker processes."""

    def __init__(
        self,
        functions: list[FunctionSpec],
        *,
        aws_endpoint: str,
        region: str,
        account_concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        log: LogSink = print_log,
        environments_per_function: int = DEFAULT_ENVIRONMENTS_PER_FUNCTION,
        environments_total: int = DEFAULT_ENVIRONMENTS_TOTAL,
        credentials: Callable[[FunctionSpec], dict[str, str]] | None = None,
    ) -> None:
        self.region = region
        # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN of the function's role, fresh
        # for each execution environment (None: the fake "test" keys)
        self.credentials = credentials
        self.aws_endpoint = aws_endpoint
        self.idle_seconds = idle_seconds
        self.log = log
        self.pools: dict[str, FunctionPool] = {}
        self._aliases: dict[str, str] = {}
        for spec in functions:
            self.pools[spec.name] = FunctionPool(spec, self._environment(spec), log, environments_per_function)
            for alias in (spec.arn, spec.logical_id):
                if alias:
                    self._aliases[alias] = spec.name
        reserved = sum(s.reserved_concurrency or 0 for s in functions)
        self.unreserved_limit = max(account_concurrency - reserved, min(UNRESERVED_MINIMUM, account_concurrency))
        self._unreserved_in_flight = 0
        self._account_lock = threading.Lock()
        self.environments_total = environments_total
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._recycle_idle, name="lambda-reaper", daemon=True)
        self._reaper.start()

    # ------------------------------------------------------------------ environment
    def _environment(self, spec: FunctionSpec) -> dict[str, str]:
        """Exactly what Lambda gives a function, plus the local endpoint (credentials: per environment)."""
        env = dict(spec.environment)
        env.update({
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "LAMBDA_TASK_ROOT": spec.code_dir,
            "_HANDLER": spec.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": LAMBDA_PATH,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_SESSION_TOKEN": "test",
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon locally
        })
        return env

    def resolve_name(self, name_or_arn: str) -> str | None:
        if name_or_arn in self.pools:
            return name_or_arn
        if name_or_arn in self._aliases:
            return self._aliases[name_or_arn]
        # an ARN with a qualifier (version or alias), or a partial ARN
        if name_or_arn.startswith("arn:"):
            parts = name_or_arn.split(":")
            if len(parts) >= 7:
                return parts[6] if parts[6] in self.pools else None
        return None

    def spec(self, function_name: str) -> FunctionSpec:
        name = self.resolve_name(function_name)
        if name is None:
            raise KeyError(function_name)
        return self.pools[name].spec

    # ------------------------------------------------------------------ concurrency
    def _acquire(self, pool: FunctionPool) -> None:
        reserved = pool.spec.reserved_concurrency
        with pool.lock:
            if reserved is not None:
                if pool.in_flight >= reserved:
                    raise Throttled()
                pool.in_flight += 1
                return
        with self._account_lock:
            if self._unreserved_in_flight >= self.unreserved_limit:
                raise Throttled()
            self._unreserved_in_flight += 1
        with pool.lock:
            pool.in_flight += 1

    def _release(self, pool: FunctionPool) -> None:
        with pool.lock:
            pool.in_flight -= 1
        if pool.spec.reserved_concurrency is None:
            with self._account_lock:
                self._unreserved_in_flight -= 1

    # ------------------------------------------------------------------ invoke
    def invoke(self, function_name: str, event: dict[str, Any], *, source: str = "api") -> InvokeResult:
        name = self.resolve_name(function_name)
        if name is None:
            raise KeyError(f"Function not found: {function_name}")
        pool = self.pools[name]
        try:
            self._acquire(pool)
        except Throttled:
            with pool.lock:
                pool.counters.throttles += 1
            return InvokeResult(
                payload={"errorType": "TooManyRequestsException", "errorMessage": "Rate Exceeded."},
                error_type="TooManyRequestsException", throttled=True,
            )
        try:
            with pool.slots:
                return self._run(pool, event)
        finally:
            self._release(pool)

    def _take_worker(self, pool: FunctionPool) -> Worker | None:
        with pool.lock:
            while pool.idle:
                worker = pool.idle.pop()
                if worker.alive:
                    return worker
                pool.all_workers.discard(worker)
        return None

    def _run(self, pool: FunctionPool, event: dict[str, Any]) -> InvokeResult:
        spec = pool.spec
        request_id = str(uuid.uuid4())
        worker = self._take_worker(pool)
        init_ms: float | None = None
        if worker is None:
            self._evict_idle_beyond(self.environments_total - 1)
            env = {**pool.env, **self.credentials(spec)} if self.credentials is not None else pool.env
            worker = Worker(spec, env, pool.log)
            with pool.lock:
                pool.all_workers.add(worker)
                pool.counters.cold_starts += 1
            try:
                ready = worker.start()
            except (WorkerTimedOut, WorkerDied) as error:
                ready = {"initError": {"errorType": "Runtime.InitError", "errorMessage": str(error) or "init timed out"}}
            if "initError" in ready:
                self._discard(pool, worker)
                with pool.lock:
                    pool.counters.invocations += 1
                    pool.counters.errors += 1
                error = ready["initError"]
                pool.log(spec.name, f"INIT_REPORT Init Duration: n/a Phase: init Status: error Error Type: {error['errorType']}")
                return InvokeResult(payload=error, error_type=error["errorType"])
            init_ms = worker.init_ms
        pool.log(spec.name, f"START RequestId: {request_id} Version: $LATEST")
        started = time.monotonic()
        deadline = started + spec.timeout_s
        request = {"id": request_id, "arn": spec.arn, "deadline": (time.time() + spec.timeout_s) * 1000, "event": event}
        recycle = False
        try:
            reply = worker.invoke(request, deadline)
            duration_ms = reply.get("durationMs", (time.monotonic() - started) * 1000)
            max_rss = reply.get("maxRssMb", 0.0)
            if max_rss > spec.memory_mb:
                recycle = True
                payload: Any = {
                    "errorType": "Runtime.OutOfMemory",
                    "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed",
                }
                error_type: str | None = "Runtime.OutOfMemory"
            elif "error" in reply:
                payload, error_type = reply["error"], reply["error"]["errorType"]
                payload["requestId"] = request_id
            else:
                payload, error_type = reply.get("result"), None
        except WorkerTimedOut:
            recycle = True
            duration_ms, max_rss = spec.timeout_s * 1000, 0.0
            error_type = "Sandbox.Timedout"
            payload = {
                "errorType": error_type,
                "errorMessage": f"RequestId: {request_id} Error: Task timed out after {spec.timeout_s:.2f} seconds",
            }
            with pool.lock:
                pool.counters.timeouts += 1
        except WorkerDied as error:
            recycle = True
            duration_ms, max_rss = (time.monotonic() - started) * 1000, 0.0
            error_type = "Runtime.ExitError"
            payload = {"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {error}"}

        billed_ms = max(1, math.ceil(duration_ms))
        report = (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed_ms} ms\t"
                  f"Memory Size: {spec.memory_mb} MB\tMax Memory Used: {math.ceil(max_rss)} MB")
        if init_ms is not None:
            report += f"\tInit Duration: {init_ms:.2f} ms"
        if error_type == "Sandbox.Timedout":
            report += "\tStatus: timeout"
        pool.log(spec.name, f"END RequestId: {request_id}")
        pool.log(spec.name, report)
        with pool.lock:
            counters = pool.counters
            counters.invocations += 1
            counters.errors += error_type is not None
            counters.duration_ms += duration_ms
            counters.init_ms += init_ms or 0.0
            counters.gb_seconds += billed_ms / 1000 * spec.memory_mb / 1024
            pool.durations.append(duration_ms)
        if recycle:
            self._discard(pool, worker)
        else:
            with pool.lock:
                pool.idle.append(worker)
        return InvokeResult(payload=payload, error_type=error_type, duration_ms=duration_ms, init_ms=init_ms)

    def _evict_idle_beyond(self, limit: int) -> None:
        """Stop the least recently used idle environments (any function) while more than `limit` live."""
        while sum(len(p.all_workers) for p in self.pools.values()) > limit:
            candidates = [(w.last_used, p, w) for p in self.pools.values() for w in list(p.idle)]
            if not candidates:
                return
            _, pool, worker = min(candidates, key=lambda c: c[0])
            with pool.lock:
                if worker not in pool.idle:
                    continue
                pool.idle.remove(worker)
            self._discard(pool, worker)

    def _discard(self, pool: FunctionPool, worker: Worker) -> None:
        worker.stop()
        with pool.lock:
            pool.all_workers.discard(worker)

    # ------------------------------------------------------------------ lifecycle
    def _recycle_idle(self) -> None:
        while not self._closed.wait(min(30.0, self.idle_seconds / 2)):
            now = time.monotonic()
            for pool in self.pools.values():
                with pool.lock:
                    stale = [w for w in pool.idle if now - w.last_used > self.idle_seconds]
                    pool.idle = [w for w in pool.idle if w not in stale]
                for worker in stale:
                    self._discard(pool, worker)

    def warm_environments(self, function_name: str) -> int:
        pool = self.pools[self.resolve_name(function_name) or function_name]
        with pool.lock:
            return len(pool.idle)

    def stats(self) -> dict[str, Any]:
        """Per-function counters and environments, for GET /_localcloud/functions."""
        out: dict[str, Any] = {}
        for name, pool in self.pools.items():
            with pool.lock:
                out[name] = {
                    "logicalId": pool.spec.logical_id,
                    "counters": asdict(pool.counters),
                    "durationMs": duration_percentiles(pool.durations),
                    "environments": {"total": len(pool.all_workers), "idle": len(pool.idle), "busy": pool.in_flight},
                    "reservedConcurrency": pool.spec.reserved_concurrency,
                    "memoryMb": pool.spec.memory_mb,
                    "timeoutS": pool.spec.timeout_s,
                }
        return out

    def reset_counters(self) -> None:
        for pool in self.pools.values():
            with pool.lock:
                pool.counters = FunctionCounters()
                pool.durations.clear()

    def close(self) -> None:
        """Kill every environment (idle or busy)."""
        self._closed.set()
        for pool in self.pools.values():
            with pool.lock:
                workers = list(pool.all_workers)
                pool.idle.clear()
            for worker in workers:
                worker.stop()
