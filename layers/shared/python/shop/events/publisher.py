"""Publishing envelopes to the EventBridge bus: batched, size-checked, failed entries retried.

PutEvents takes at most 10 entries and 256 KiB per call and can fail some entries of a call while
accepting the rest (FailedEntryCount). boto3 retries whole calls (throttling, 5xx), not entries, so
retrying just the failed entries is written here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shop.config import env_str
from shop.events.envelope import Envelope

MAX_ENTRIES_PER_CALL = 10
MAX_ENTRY_BYTES = 256 * 1024
MAX_CALL_BYTES = 256 * 1024
# Error codes a retry cannot fix: the entry itself or the permissions are wrong.
PERMANENT_ERROR_CODES = frozenset(
    {"MalformedDetail", "InvalidArgument", "NotAuthorizedForSourceException", "AccessDeniedException"}
)


@dataclass(frozen=True)
class FailedEntry:
    event_id: str
    event_type: str
    error_code: str
    error_message: str


class PublishError(Exception):
    """Some events were not published after the retries; `failed` says which and why."""

    def __init__(self, failed: list[FailedEntry]) -> None:
        summary = ", ".join(f"{f.event_type}/{f.event_id}: {f.error_code}" for f in failed[:5])
        more = f" (+{len(failed) - 5} more)" if len(failed) > 5 else ""
        super().__init__(f"{len(failed)} event(s) not published: {summary}{more}")
        self.failed = failed


def entry_size(entry: dict[str, Any]) -> int:
    """The size EventBridge counts for an entry (its documented formula)."""
    size = 14 if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        size += len(entry.get(key, "").encode("utf-8"))
    size += sum(len(resource.encode("utf-8")) for resource in entry.get("Resources", []))
    return size


class EventPublisher:
    """Puts envelopes on the bus (EVENT_BUS_NAME unless `bus_name`): `publish(events) -> event ids`."""

    def __init__(
        self,
        bus_name: str | None = None,
        client: Any = None,
        *,
        max_attempts: int = 4,
        base_delay: float = 0.05,
        max_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.bus_name = bus_name or env_str("EVENT_BUS_NAME", "default")
        self._client = client
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep

    @property
    def client(self) -> Any:
        if self._client is None:
            from shop.aws import client

            self._client = client("events")
        return self._client

    def entry(self, envelope: Envelope) -> dict[str, Any]:
        """The PutEvents entry of one envelope (Source, DetailType, Detail = the envelope's JSON)."""
        return {
            "Source": envelope.source,
            "DetailType": envelope.type,
            "Detail": envelope.model_dump_json(),
            "EventBusName": self.bus_name,
            "Time": envelope.time,
        }

    def publish(self, events: Envelope | Iterable[Envelope]) -> list[str]:
        """Publish every event (or raise PublishError naming those that failed); returns their ids.

        Oversized entries are refused before anything is sent, so a caller can retry the whole lot.
        """
        envelopes = [events] if isinstance(events, Envelope) else list(events)
        entries = [(envelope, self.entry(envelope)) for envelope in envelopes]
        too_large = [
            FailedEntry(
                envelope.event_id, envelope.type, "EntryTooLarge", f"{size} bytes > {MAX_ENTRY_BYTES}"
            )
            for envelope, entry in entries
            if (size := entry_size(entry)) > MAX_ENTRY_BYTES
        ]
        if too_large:
            raise PublishError(too_large)
        failed: list[FailedEntry] = []
        for batch in _batches(entries):
            failed.extend(self._put_with_retries(batch))
        if failed:
            raise PublishError(failed)
        return [envelope.event_id for envelope in envelopes]

    def _put_with_retries(self, batch: list[tuple[Envelope, dict[str, Any]]]) -> list[FailedEntry]:
        pending, given_up = batch, []
        for attempt in range(1, self.max_attempts + 1):
            response = self.client.put_events(Entries=[entry for _, entry in pending])
            if not response.get("FailedEntryCount"):
                return given_up
            # Results are positional: the n-th result belongs to the n-th entry sent.
            rejected = [
                (item, r) for item, r in zip(pending, response["Entries"], strict=True) if r.get("ErrorCode")
            ]
            given_up += [_failure(item, r) for item, r in rejected if r["ErrorCode"] in PERMANENT_ERROR_CODES]
            retryable = [(item, r) for item, r in rejected if r["ErrorCode"] not in PERMANENT_ERROR_CODES]
            if not retryable:
                return given_up
            if attempt == self.max_attempts:
                return given_up + [_failure(item, r) for item, r in retryable]
            pending = [item for item, _ in retryable]
            self._sleep(self._backoff(attempt))
        return given_up  # unreachable: the last attempt returns above

    def _backoff(self, attempt: int) -> float:
        # Full jitter: spreads the retries of many concurrent publishers.
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))  # noqa: S311 - jitter


def _failure(item: tuple[Envelope, dict[str, Any]], result: dict[str, Any]) -> FailedEntry:
    envelope, _ = item
    return FailedEntry(envelope.event_id, envelope.type, result["ErrorCode"], result.get("ErrorMessage", ""))


def _batches(
    entries: list[tuple[Envelope, dict[str, Any]]],
) -> Iterable[list[tuple[Envelope, dict[str, Any]]]]:
    batch: list[tuple[Envelope, dict[str, Any]]] = []
    batch_bytes = 0
    for item in entries:
        size = entry_size(item[1])
        if batch and (len(batch) == MAX_ENTRIES_PER_CALL or batch_bytes + size > MAX_CALL_BYTES):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(item)
        batch_bytes += size
    if batch:
        yield batch
