"""A Step Functions execution history (GetExecutionHistory events) folded into what each state did:
when it was entered and left, how many attempts its task took, and how it ended.

    succeeded  left normally                      caught   its task failed and a Catch moved on
    failed     a Fail state, or the execution      running  entered, not left yet
               stopped while in it
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

TASK_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
TASK_FAILED = ("TaskFailed", "TaskTimedOut", "LambdaFunctionFailed", "LambdaFunctionTimedOut",
               "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "TaskStartFailed", "TaskSubmitFailed",
               "ActivityFailed", "ActivityTimedOut")
TASK_SUCCEEDED = ("TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded")
EXECUTION_ENDED = ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted", "ExecutionSucceeded")


def iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None if value is None else str(value)


def _ms(start: Any, end: Any) -> float | None:
    if isinstance(start, datetime) and isinstance(end, datetime):
        return round((end - start).total_seconds() * 1000, 1)
    return None


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def summarize(history: list[dict[str, Any]]) -> dict[str, Any]:
    """{"states": {name: run}, "path": [state names in the order entered], "transitions": [[from, to]],
    "error": {"error", "cause"} | None} for one execution's history, oldest event first."""
    states: dict[str, dict[str, Any]] = {}
    entered: dict[str, Any] = {}
    path: list[str] = []
    current: str | None = None
    task_failed = False
    error: dict[str, Any] | None = None
    for event in history:
        kind, details, at = event.get("type", ""), _details(event), event.get("timestamp")
        if kind.endswith("StateEntered"):
            current = details.get("name")
            if current is None:
                continue
            task_failed = False
            run = states.setdefault(current, {"visits": 0, "attempts": 0, "error": None, "cause": None})
            run.update({"status": "running", "enteredAt": iso(at), "exitedAt": None, "durationMs": None})
            run["visits"] += 1
            entered[current] = at
            path.append(current)
            if kind == "FailStateEntered":
                run.update({"status": "failed", "exitedAt": iso(at), "durationMs": 0.0})
            elif kind == "SucceedStateEntered":
                run.update({"status": "succeeded", "exitedAt": iso(at), "durationMs": 0.0})
        elif kind.endswith("StateExited"):
            name = details.get("name") or current
            if name in states:
                states[name].update({"status": "caught" if task_failed else "succeeded", "exitedAt": iso(at),
                                     "durationMs": _ms(entered.get(name), at)})
            task_failed = False
        elif kind in TASK_SCHEDULED and current in states:
            states[current]["attempts"] += 1
        elif kind in TASK_FAILED and current in states:
            task_failed = True
            states[current].update({"error": details.get("error"), "cause": _short(details.get("cause"))})
        elif kind in TASK_SUCCEEDED:
            task_failed = False
        elif kind in EXECUTION_ENDED:
            if kind != "ExecutionSucceeded":
                error = {"error": details.get("error") or kind, "cause": _short(details.get("cause"))}
            for name, run in states.items():
                if run["status"] == "running":
                    run.update({"status": "failed", "exitedAt": iso(at), "durationMs": _ms(entered.get(name), at)})
    transitions = [[a, b] for a, b in zip(path, path[1:], strict=False)]
    return {"states": states, "path": path, "transitions": transitions, "error": error}


def _short(cause: Any, limit: int = 2000) -> str | None:
    if cause is None:
        return None
    text = str(cause)
    return text if len(text) <= limit else text[:limit] + "…"
