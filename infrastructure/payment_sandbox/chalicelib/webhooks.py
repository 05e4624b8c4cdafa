"""Webhook delivery: signed POSTs sent from background threads, retried with exponential backoff."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .models import Switches
from .processor import new_id
from .signing import SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)
_TIMEOUT_SECONDS = 5.0


class WebhookDispatcher:
    def __init__(self, switches: Callable[[], Switches], clock: Callable[[], float] = time.time) -> None:
        self._switches = switches
        self._clock = clock
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._counts: Counter[str] = Counter()

    def publish(self, event_type: str, data: dict[str, Any]) -> None:
        """Queue an event if a webhook URL and secret are configured; never blocks the API call."""
        switches = self._switches()
        if not switches.webhook_url or not switches.webhook_secret:
            return
        event = {"id": new_id("evt"), "object": "event", "type": event_type, "created": int(self._clock()),
                 "livemode": False, "data": {"object": data}}
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sandbox-webhook")
            self._counts["pending"] += 1
            self._executor.submit(self._deliver, event, switches)

    def _deliver(self, event: dict[str, Any], switches: Switches) -> None:
        body = json.dumps(event, separators=(",", ":")).encode()
        delivered = False
        for attempt in range(switches.webhook_max_attempts):
            if attempt:
                time.sleep(switches.webhook_retry_delay_ms / 1000.0 * 2 ** (attempt - 1))
            # Signed per attempt, as real processors do, so a retry is not refused as too old.
            headers = {"Content-Type": "application/json",
                       SIGNATURE_HEADER: sign(switches.webhook_secret or "", body, int(self._clock()))}
            request = urllib.request.Request(switches.webhook_url or "", data=body, headers=headers,  # noqa: S310
                                             method="POST")
            try:
                # the URL is http(s) only (Switches.webhook_url)
                with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # noqa: S310
                    delivered = 200 <= response.status < 300
            except (urllib.error.URLError, OSError, ValueError) as error:
                logger.info("webhook %s attempt %d failed: %s", event["type"], attempt + 1, error)
            if delivered:
                break
        with self._lock:
            self._counts["pending"] -= 1
            self._counts["delivered" if delivered else "failed"] += 1

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {name: self._counts.get(name, 0) for name in ("pending", "delivered", "failed")}

    def reset_counts(self) -> None:
        with self._lock:
            pending = self._counts.get("pending", 0)
            self._counts = Counter(pending=pending)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
