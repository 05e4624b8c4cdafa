"""API Gateway's rate limits: token buckets (account, stage/method MethodSettings, usage plan per key)
and usage plan quotas. Written by hand because they are a few lines and must cost nanoseconds; every
limit is touched only on the event loop thread, so none needs a lock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from localcloud.gateway.model import UsagePlanSpec

# API Gateway's default account-level limits per Region (steady rate, burst).
ACCOUNT_THROTTLE = (10000.0, 5000.0)


class TokenBucket:
    __slots__ = ("rate", "burst", "tokens", "updated")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        tokens = self.tokens + (now - self.updated) * self.rate
        self.updated = now
        if tokens > self.burst:
            tokens = self.burst
        if tokens < 1.0:
            self.tokens = tokens
            return False
        self.tokens = tokens - 1.0
        return True


def quota_period_start(period: str, offset: int, now: datetime) -> datetime:
    """The start of the quota period containing `now` (UTC); Offset shifts it by days (WEEK, MONTH)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "DAY":
        return day
    if period == "WEEK":
        start = day - timedelta(days=day.weekday()) + timedelta(days=offset)
        return start if start <= now else start - timedelta(days=7)
    start = day.replace(day=1) + timedelta(days=offset)
    if start > now:
        previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        start = previous + timedelta(days=offset)
    return start


class Quota:
    __slots__ = ("limit", "period", "offset", "used", "period_start", "checked_second")

    def __init__(self, limit: int, period: str, offset: int) -> None:
        self.limit = limit
        self.period = period
        self.offset = offset
        self.used = 0
        self.period_start: datetime | None = None
        self.checked_second = -1

    def take(self) -> bool:
        second = int(time.time())
        if second != self.checked_second:  # recompute the period at most once a second
            self.checked_second = second
            start = quota_period_start(self.period, self.offset, datetime.now(UTC))
            if start != self.period_start:
                self.period_start, self.used = start, 0
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


class KeyLimits:
    """One API key's limits under one usage plan: the plan's throttle, per-method throttles, quota."""

    __slots__ = ("plan", "bucket", "method_buckets", "quota")

    def __init__(self, plan: UsagePlanSpec) -> None:
        self.plan = plan
        self.bucket = TokenBucket(*plan.throttle) if plan.throttle else None
        self.method_buckets: dict[str, TokenBucket] = {}
        self.quota = Quota(*plan.quota) if plan.quota else None

    def check(self, method_key: str) -> str | None:
        """None when allowed, else the 429 message API Gateway answers."""
        limits = self.plan.method_throttles.get(method_key)
        if limits is not None:
            bucket = self.method_buckets.get(method_key)
            if bucket is None:
                bucket = self.method_buckets[method_key] = TokenBucket(*limits)
            if not bucket.take():
                return "Too Many Requests"
        elif self.bucket is not None and not self.bucket.take():
            return "Too Many Requests"
        if self.quota is not None and not self.quota.take():
            return "Limit Exceeded"
        return None
