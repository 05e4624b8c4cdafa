"""The console's data, read from the running local cloud: executions (Step Functions API), bus
events (EventLog), circuit breakers (Redis), function figures (the runtime), embedded metrics
(EmbeddedMetrics), sent emails (moto's SES models, as /moto-api/data.json has them) and DLQs (SQS API)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from localcloud.console.eventlog import EventLog
from localcloud.console.executions import iso, summarize
from localcloud.console.metrics import EmbeddedMetrics
from localcloud.stack import Resource, Stack

# shop.resilience.BreakerConfig.key_prefix: a breaker's state is the hash cb:{<name>}:state
BREAKER_KEY_PREFIX = "cb"
BREAKER_NAME_SUFFIX = "BREAKER_NAME"  # functions name their shared breakers in <X>_BREAKER_NAME
MAX_EXECUTIONS = 100


class Console:
    def __init__(self, *, stack: Stack, client: Callable[[str], Any], runtime: Any, events: EventLog,
                 metrics: EmbeddedMetrics, redis_url: str | None, account_id: str, region: str) -> None:
        self.stack = stack
        self.client = client
        self.runtime = runtime
        self.events = events
        self.metrics = metrics
        self.redis_url = redis_url
        self.account_id = account_id
        self.region = region
        self._redis: Any = None

    # ------------------------------------------------------------------ Step Functions
    def state_machines(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        machines = []
        for resource in self.stack.of_type("AWS::StepFunctions::StateMachine"):
            arn = resource.attributes.get("Arn") or resource.physical_id
            described = sfn.describe_state_machine(stateMachineArn=arn)
            machines.append({"logicalId": resource.logical_id, "arn": arn, "name": described["name"],
                             "type": described.get("type"), "definition": json.loads(described["definition"])})
        return machines

    def executions(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent executions of every state machine of the stack, newest first."""
        sfn = self.client("stepfunctions")
        found = []
        for resource in self.stack.of_type("AWS::StepFunctions::StateMachine"):
            arn = resource.attributes.get("Arn") or resource.physical_id
            for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn):
                for execution in page["executions"]:
                    found.append(_execution_view(execution, resource.logical_id))
        found.sort(key=lambda e: e["startDate"] or "", reverse=True)
        return found[: max(1, min(limit, MAX_EXECUTIONS))]

    def execution(self, name: str) -> dict[str, Any] | None:
        """One execution by name (the checkout saga names its executions after the order) or ARN,
        with its state machine's definition and what each state did."""
        sfn = self.client("stepfunctions")
        for machine in self.state_machines():
            arn = name if name.startswith("arn:") else f"{machine['arn'].replace(':stateMachine:', ':execution:')}:{name}"
            if not arn.startswith(machine["arn"].replace(":stateMachine:", ":execution:") + ":"):
                continue
            try:
                described = sfn.describe_execution(executionArn=arn)
            except sfn.exceptions.ExecutionDoesNotExist:
                continue
            history = []
            for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
                history.extend(page["events"])
            return {"execution": _execution_view(described, machine["logicalId"]), "stateMachine": machine,
                    **summarize(history), "events": len(history)}
        return None

    # ------------------------------------------------------------------ the bus
    def bus_events(self, *, order_id: str | None = None, after: int = 0, limit: int = 200,
                   detail_type: str | None = None) -> dict[str, Any]:
        entries = self.events.entries(order_id=order_id, after=after, limit=limit, detail_type=detail_type)
        return {"items": entries, "total": len(self.events)}

    # ------------------------------------------------------------------ circuit breakers
    def breakers(self) -> list[dict[str, Any]]:
        """Every shared breaker the functions name (<X>_BREAKER_NAME), with its state in Redis."""
        declared: dict[str, dict[str, Any]] = {}
        for pool in self.runtime.pools.values():
            env = pool.spec.environment
            for key, value in env.items():
                if key.endswith(BREAKER_NAME_SUFFIX) and value:
                    prefix = key[: -len("NAME")]  # PAYMENT_BREAKER_NAME -> PAYMENT_BREAKER_OPEN_SECONDS, ...
                    entry = declared.setdefault(value, {"name": value, "functions": [], "settings": {}})
                    entry["functions"].append(pool.spec.name)
                    entry["settings"].update({k[len(prefix):].lower(): v for k, v in env.items()
                                              if k.startswith(prefix) and k != key})
        out = []
        for name, entry in sorted(declared.items()):
            entry["functions"].sort()
            out.append({**entry, **self._breaker_state(name, entry["settings"])})
        return out

    def _breaker_state(self, name: str, settings: dict[str, str]) -> dict[str, Any]:
        client = self._redis_client()
        if client is None:
            return {"state": "unknown", "error": "no Redis configured"}
        try:
            raw = client.hgetall(f"{BREAKER_KEY_PREFIX}:{{{name}}}:state")
            now_s, now_us = client.time()
        except Exception as error:  # noqa: BLE001 - Redis down is a state to show, not a console failure
            return {"state": "unknown", "error": f"Redis: {error}"}
        fields = {_text(k): _text(v) for k, v in raw.items()}
        state = fields.get("state", "closed")
        half_open = state == "half_open"
        calls = int(fields.get("ho_calls" if half_open else "calls", 0))
        failures = int(fields.get("ho_fail" if half_open else "fail", 0))
        since = int(fields["since"]) if "since" in fields else None
        now_ms = int(now_s) * 1000 + int(now_us) // 1000
        view: dict[str, Any] = {
            "state": state, "calls": calls, "failures": failures, "slowCalls": int(fields.get("ho_slow" if half_open else "slow", 0)),
            "failureRate": round(100.0 * failures / calls, 1) if calls else 0.0, "epoch": int(fields.get("epoch", 0)),
            "since": iso_ms(since), "forMs": (now_ms - since) if since else None, "recorded": bool(fields),
        }
        if half_open:
            view["trialPermitsLeft"] = int(fields.get("ho_left", 0))
        open_seconds = _float(settings.get("open_seconds"))
        if state == "open" and since is not None and open_seconds is not None:
            view["retryInMs"] = max(0, since + int(open_seconds * 1000) - now_ms)
        return view

    def _redis_client(self) -> Any:
        if self._redis is None and self.redis_url:
            import redis  # noqa: PLC0415 - only when a breaker is asked for

            self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return self._redis

    # ------------------------------------------------------------------ functions and metrics
    def functions(self) -> dict[str, Any]:
        return self.runtime.stats()

    def embedded_metrics(self) -> dict[str, Any]:
        return self.metrics.snapshot()

    # ------------------------------------------------------------------ emails (moto SES)
    def emails(self, mentioning: str | None = None) -> list[dict[str, Any]]:
        """Emails SES accepted, oldest first: what /moto-api/data.json lists under ses (read in process)."""
        from moto.core.model_instances import model_data  # noqa: PLC0415

        out = []
        models = model_data.get("ses", {})
        for kind in ("Message", "RawMessage", "TemplateMessage"):
            model = models.get(kind)
            for message in getattr(model, "instances_tracked", []) if model else []:
                destinations = getattr(message, "destinations", None) or {}
                to = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
                body = getattr(message, "body", None) or getattr(message, "raw_data", None) or getattr(message, "template_data", None)
                out.append({"id": getattr(message, "id", None), "kind": kind, "source": getattr(message, "source", None),
                            "to": list(to), "subject": str(getattr(message, "subject", "") or ""), "body": str(body or "")})
        if mentioning:
            out = [m for m in out if mentioning in m["subject"] or mentioning in m["body"]]
        return out

    # ------------------------------------------------------------------ dead-letter queues
    def dead_letter_queues(self) -> list[dict[str, Any]]:
        """Every queue the stack uses as a dead-letter target, with how many messages wait in it."""
        sqs = self.client("sqs")
        out = []
        for queue, users in self._dlq_users():
            attributes = sqs.get_queue_attributes(QueueUrl=queue.physical_id, AttributeNames=["All"])["Attributes"]
            out.append({"logicalId": queue.logical_id, "name": queue.attributes.get("QueueName") or queue.physical_id.rsplit("/", 1)[-1],
                        "url": queue.physical_id, "arn": queue.attributes.get("Arn"), "feeds": sorted(users),
                        "messages": int(attributes.get("ApproximateNumberOfMessages", 0)),
                        "inFlight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))})
        return out

    def dead_letters(self, queue_name: str, limit: int = 10) -> list[dict[str, Any]] | None:
        """A look at a DLQ's messages, as the AWS console's "poll for messages" does: received with a
        visibility timeout of 0, so they stay where they are (their receive count goes up)."""
        queue = next((q for q, _ in self._dlq_users() if queue_name in (q.logical_id, q.attributes.get("QueueName"))), None)
        if queue is None:
            return None
        received = self.client("sqs").receive_message(
            QueueUrl=queue.physical_id, MaxNumberOfMessages=max(1, min(limit, 10)), VisibilityTimeout=0,
            AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0)
        out = []
        for message in received.get("Messages", []):
            try:
                body: Any = json.loads(message["Body"])
            except ValueError:
                body = message["Body"]
            out.append({"messageId": message["MessageId"], "body": body, "attributes": message.get("Attributes", {}),
                        "messageAttributes": {k: v.get("StringValue") for k, v in message.get("MessageAttributes", {}).items()}})
        return out

    def _dlq_users(self) -> list[tuple[Resource, set[str]]]:
        """(queue, logical ids of what sends to it) for every queue used as a dead-letter target."""
        queues = {q.attributes.get("Arn"): q for q in self.stack.of_type("AWS::SQS::Queue")}
        users: dict[str, set[str]] = {}
        for resource in self.stack.resources.values():
            for arn in _dead_letter_targets(resource.type, resource.properties):
                if arn in queues:
                    users.setdefault(arn, set()).add(resource.logical_id)
        return [(queues[arn], senders) for arn, senders in sorted(users.items())]

    # ------------------------------------------------------------------ one order, everywhere
    def order(self, order_id: str) -> dict[str, Any]:
        return {"orderId": order_id, "execution": self.execution(order_id),
                "events": self.bus_events(order_id=order_id, limit=500)["items"], "emails": self.emails(order_id)}


def _dead_letter_targets(kind: str, props: dict[str, Any]) -> list[str]:
    """The queue ARNs a resource sends what it could not deliver or process to."""
    found = []
    if kind == "AWS::SQS::Queue":
        redrive = props.get("RedrivePolicy") or {}
        if isinstance(redrive, str):
            redrive = json.loads(redrive)
        found.append(redrive.get("deadLetterTargetArn"))
    elif kind == "AWS::Lambda::Function":
        found.append((props.get("DeadLetterConfig") or {}).get("TargetArn"))
    elif kind in ("AWS::Lambda::EventInvokeConfig", "AWS::Lambda::EventSourceMapping"):
        found.append(((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"))
    elif kind == "AWS::Events::Rule":
        found += [(t.get("DeadLetterConfig") or {}).get("Arn") for t in props.get("Targets", [])]
    return [arn for arn in found if isinstance(arn, str)]


def _execution_view(execution: dict[str, Any], machine: str) -> dict[str, Any]:
    start, stop = execution.get("startDate"), execution.get("stopDate")
    duration = (stop - start).total_seconds() * 1000 if start and stop else None
    return {"name": execution["name"], "arn": execution["executionArn"], "stateMachine": machine,
            "status": execution["status"], "startDate": iso(start), "stopDate": iso(stop),
            "durationMs": round(duration, 1) if duration is not None else None}


def iso_ms(epoch_ms: int | None) -> str | None:
    if epoch_ms is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_ms / 1000)) + f".{epoch_ms % 1000:03d}Z"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
