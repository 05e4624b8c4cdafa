"""Event sources the local cloud runs itself, as Lambda's pollers and EventBridge's scheduler do:
DynamoDB stream and SQS event source mappings (polled in the background, batches, partial batch
responses, retries, bisection, on-failure destinations) and scheduled rules (rate() and cron())."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from croniter import croniter

from localcloud.invoker import Invoker, InvokeResult
from localcloud.stack import Resource, Stack

log = logging.getLogger("localcloud")
IDLE_POLL_SECONDS = 0.5  # between empty polls; a write to the endpoint wakes the pollers at once

SendSqs = Callable[[str, str, dict[str, Any]], None]  # (queue arn, body, message attributes)


def failed_items(result: InvokeResult, reports_failures: bool) -> list[str] | None:
    """Identifiers the function reported as failed ([] = all good), or None when the batch failed."""
    if not result.ok:
        return None
    if not reports_failures or not isinstance(result.payload, dict):
        return []
    failures = result.payload.get("batchItemFailures") or []
    try:
        return [str(item["itemIdentifier"]) for item in failures]
    except (TypeError, KeyError):
        return None  # a malformed response fails the whole batch, as in Lambda


class _Poller(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.polls = 0
        self.empty_polls = 0
        self._stop_event = threading.Event()
        self._wake = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._wake.clear()
            try:
                worked = self.poll_once()
            except Exception:  # a poller must survive a bad batch or a restarting endpoint
                log.exception("%s: poll failed", self.name)
                worked = False
            self.polls += 1
            self.empty_polls = 0 if worked else self.empty_polls + 1
            if not worked:
                self._wake.wait(IDLE_POLL_SECONDS)

    def poke(self) -> None:
        """Poll now (something was written that this source may carry)."""
        self._wake.set()

    def poll_once(self) -> bool:
        raise NotImplementedError

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()


class DynamoDBStreamPoller(_Poller):
    def __init__(self, mapping: dict[str, Any], function: str, invoker: Invoker, streams: Any,
                 send_sqs: SendSqs, region: str) -> None:
        super().__init__(f"ddb-stream->{function}")
        self.function, self.invoker, self.streams, self.send_sqs = function, invoker, streams, send_sqs
        self.stream_arn = mapping["EventSourceArn"]
        self.batch_size = int(mapping.get("BatchSize", 100))
        self.reports_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.bisect = bool(mapping.get("BisectBatchOnFunctionError", False))
        self.max_retries = int(mapping.get("MaximumRetryAttempts", -1))
        self.on_failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.region = region
        self.iterators: dict[str, str | None] = {}
        self.buffer: list[dict[str, Any]] = []
        self.attempts = 0

    def _fill(self) -> None:
        if not self.iterators:
            description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
            for shard in description["Shards"]:
                self.iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
        for shard_id, iterator in list(self.iterators.items()):
            if iterator is None:
                continue
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self.iterators[shard_id] = response.get("NextShardIterator")
            for record in response["Records"]:
                record = dict(record)
                record["eventSourceARN"] = self.stream_arn
                record.setdefault("awsRegion", self.region)
                dynamodb = record.get("dynamodb", {})
                if "ApproximateCreationDateTime" in dynamodb and isinstance(dynamodb["ApproximateCreationDateTime"], datetime):
                    dynamodb["ApproximateCreationDateTime"] = dynamodb["ApproximateCreationDateTime"].timestamp()
                self.buffer.append(record)

    def poll_once(self) -> bool:
        if not self.buffer:
            self._fill()
        if not self.buffer:
            return False
        self._process(self.buffer[: self.batch_size])
        return True

    def _process(self, batch: list[dict[str, Any]]) -> None:
        result = self.invoker.invoke(self.function, {"Records": batch}, source="dynamodb")
        failed = failed_items(result, self.reports_failures)
        if failed == []:
            self._done(len(batch))
            return
        if failed:  # retry from the first failed sequence number: the records before it are done
            numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
            first = min(numbers.index(f) for f in failed if f in numbers) if any(f in numbers for f in failed) else 0
            self._done(first)
            batch = batch[first:]
        self.attempts += 1
        if result.throttled:
            time.sleep(0.05)
            return
        if self.max_retries >= 0 and self.attempts > self.max_retries:
            self._give_up(batch, result)
            return
        if self.bisect and len(batch) > 1:
            half = len(batch) // 2
            self._process(batch[:half])
        else:
            time.sleep(min(1.0, 0.05 * self.attempts))  # backoff before the retry

    def _done(self, count: int) -> None:
        del self.buffer[:count]
        self.attempts = 0

    def _give_up(self, batch: list[dict[str, Any]], result: InvokeResult) -> None:
        if self.on_failure:
            record = {
                "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": self.function,
                                   "condition": "RetryAttemptsExhausted", "approximateInvokeCount": self.attempts},
                "responseContext": {"functionError": result.error_type or "Unhandled"},
                "version": "1.0",
                "timestamp": datetime.now(UTC).isoformat(),
                "DDBStreamBatchInfo": {
                    "shardId": next(iter(self.iterators), ""), "streamArn": self.stream_arn, "batchSize": len(batch),
                    "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                    "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                },
            }
            self.send_sqs(self.on_failure, json.dumps(record), {})
        log.warning("%s: gave up on %d records after %d attempts", self.name, len(batch), self.attempts)
        self._done(len(batch))


def _lambda_message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in attributes.items():
        out[name] = {
            "stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
            "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType"),
        }
    return out


class SqsPoller(_Poller):
    def __init__(self, mapping: dict[str, Any], function: str, invoker: Invoker, sqs: Any, queue_url: str,
                 region: str) -> None:
        super().__init__(f"sqs->{function}")
        self.function, self.invoker, self.sqs, self.queue_url = function, invoker, sqs, queue_url
        self.queue_arn = mapping["EventSourceArn"]
        self.batch_size = max(1, min(10, int(mapping.get("BatchSize", 10))))
        self.reports_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.region = region

    def poll_once(self) -> bool:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=0,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return False
        records = [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": _lambda_message_attributes(m.get("MessageAttributes", {})),
            "md5OfBody": m.get("MD5OfBody"), "eventSource": "aws:sqs", "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        } for m in messages]
        result = self.invoker.invoke(self.function, {"Records": records}, source="sqs")
        failed = failed_items(result, self.reports_failures)
        if failed is None:
            return True  # the whole batch comes back after its visibility timeout (then the DLQ)
        done = [m for m in messages if m["MessageId"] not in set(failed)]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
            ])
        return True


# ---------------------------------------------------------------------- schedules
RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
AWS_WEEKDAYS = {str(n): str(n - 1) for n in range(1, 8)}  # AWS: 1 = Sunday; cron: 0 = Sunday


def cron_expression(aws_cron: str) -> str:
    """AWS's 6-field cron (with ? and a year) as a 5-field cron croniter reads."""
    minutes, hours, day, month, weekday, _year = aws_cron.split()
    weekday = re.sub(r"\d", lambda m: AWS_WEEKDAYS.get(m.group(0), m.group(0)), weekday)
    return " ".join(f.replace("?", "*") for f in (minutes, hours, day, month, weekday))


def next_fire(expression: str, after: float) -> float:
    rate = RATE.fullmatch(expression.strip())
    if rate:
        return after + int(rate.group(1)) * UNIT_SECONDS[rate.group(2).rstrip("s")]
    if expression.startswith("cron(") and expression.endswith(")"):
        start = datetime.fromtimestamp(after, UTC)
        return croniter(cron_expression(expression[5:-1]), start).get_next(datetime).timestamp()
    raise ValueError(f"unsupported schedule expression {expression!r}")


class Scheduler(threading.Thread):
    """Fires scheduled rules on time (moto has no scheduler); `fire(rule)` runs one now."""

    def __init__(self, rules: list[Resource], deliver: Callable[[Resource], None]) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.rules = {r.physical_id: r for r in rules}
        self.by_logical_id = {r.logical_id: r for r in rules}
        self.deliver = deliver
        self._stop_event = threading.Event()
        now = time.time()
        self.next_at = {name: next_fire(r.properties["ScheduleExpression"], now) for name, r in self.rules.items()}

    def find(self, name: str) -> Resource | None:
        return self.rules.get(name) or self.by_logical_id.get(name)

    def fire(self, name: str) -> bool:
        rule = self.find(name)
        if rule is None:
            return False
        self.deliver(rule)
        return True

    def run(self) -> None:
        while not self._stop_event.is_set():
            now = time.time()
            for name, at in list(self.next_at.items()):
                if at <= now:
                    rule = self.rules[name]
                    if rule.properties.get("State", "ENABLED") == "ENABLED":
                        self.deliver(rule)
                    self.next_at[name] = next_fire(rule.properties["ScheduleExpression"], now)
            wake = min(self.next_at.values(), default=now + 60)
            self._stop_event.wait(max(0.05, min(60.0, wake - time.time())))

    def stop(self) -> None:
        self._stop_event.set()


def scheduled_event(rule: Resource, stack: Stack) -> dict[str, Any]:
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": stack.account_id, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": stack.region, "resources": [rule.attributes["Arn"]], "detail": {},
    }
