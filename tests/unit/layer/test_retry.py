"""Transient-only retries with capped, fully jittered exponential backoff; the AWS client config."""

from __future__ import annotations

import pytest
from shop.resilience import boto_config, retry_transient


class Throttled(Exception):
    pass


class Declined(Exception):
    pass


def flaky(failures: list[BaseException]):
    calls = []

    def call() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return call, calls


def test_transient_errors_are_retried_until_success() -> None:
    sleeps: list[float] = []
    call, calls = flaky([Throttled(), Throttled()])
    wrapped = retry_transient(retry_on=(Throttled,), max_attempts=3, base=0.1, cap=1.0, sleep=sleeps.append)(call)
    assert wrapped() == "done"
    assert len(calls) == 3
    assert len(sleeps) == 2


def test_business_errors_are_not_retried() -> None:
    call, calls = flaky([Declined()])
    wrapped = retry_transient(retry_on=(Throttled,), sleep=lambda _: None)(call)
    with pytest.raises(Declined):
        wrapped()
    assert len(calls) == 1


def test_last_transient_error_is_reraised_after_max_attempts() -> None:
    call, calls = flaky([Throttled("1"), Throttled("2"), Throttled("3"), Throttled("4")])
    wrapped = retry_transient(retry_on=(Throttled,), max_attempts=3, sleep=lambda _: None)(call)
    with pytest.raises(Throttled, match="3"):
        wrapped()
    assert len(calls) == 3


def test_backoff_is_full_jitter_under_an_exponential_cap() -> None:
    sleeps: list[float] = []
    for _ in range(200):
        call, _calls = flaky([Throttled()] * 5)
        retry_transient(retry_on=(Throttled,), max_attempts=6, base=0.1, cap=0.5, sleep=sleeps.append)(call)()
    per_retry = [sleeps[i::5] for i in range(5)]
    for n, waits in enumerate(per_retry):
        ceiling = min(0.5, 0.1 * 2**n)
        assert all(0 <= w <= ceiling for w in waits)
        assert min(waits) < ceiling * 0.2 and max(waits) > ceiling * 0.8  # spread over [0, ceiling]


def test_boto_config_sets_retry_mode_attempts_and_short_timeouts() -> None:
    config = boto_config(mode="adaptive", max_attempts=5, connect_timeout=0.5, read_timeout=2)
    assert config.retries == {"mode": "adaptive", "max_attempts": 5}
    assert (config.connect_timeout, config.read_timeout) == (0.5, 2)
    assert boto_config().retries["mode"] == "standard"
