"""Circuit breaker semantics against a real Redis (shared state) and in memory (the fallback)."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from shop.redis_client import create_redis
from shop.resilience import BreakerConfig, CircuitBreaker, CircuitOpenError

FAST = BreakerConfig(sliding_window_size=10, minimum_calls=10, open_duration=0.3, half_open_calls=5)


class ProviderDown(Exception):
    pass


class CardDeclined(Exception):
    pass


def fail() -> None:
    raise ProviderDown("boom")


def ok() -> str:
    return "ok"


def run(breaker: CircuitBreaker, outcomes: str) -> None:
    """Make one call per letter: s = success, f = failure (ProviderDown)."""
    for outcome in outcomes:
        if outcome == "s":
            breaker.call(ok)
        else:
            with pytest.raises(ProviderDown):
                breaker.call(fail)


@pytest.fixture(params=["redis", "memory"])
def make_breaker(request: pytest.FixtureRequest):
    client = request.getfixturevalue("redis_db") if request.param == "redis" else None

    def make(config: BreakerConfig = FAST, name: str = "provider") -> CircuitBreaker:
        breaker = CircuitBreaker(name, redis=client, config=config)
        assert breaker.state().backend == request.param
        return breaker

    return make


def test_stays_closed_until_minimum_calls_then_opens_at_failure_threshold(make_breaker) -> None:
    breaker = make_breaker()
    run(breaker, "fffffssss")  # 5 of 9 failed, but fewer than minimum_calls
    assert breaker.state().state == "closed"
    run(breaker, "s")  # 5 of 10 = 50%: at the threshold
    assert breaker.state().state == "open"


def test_open_breaker_rejects_without_calling(make_breaker) -> None:
    breaker = make_breaker()
    run(breaker, "f" * 10)
    called = []
    with pytest.raises(CircuitOpenError) as rejected:
        breaker.call(called.append, 1)
    assert called == []
    assert rejected.value.name == "provider" and 0 < rejected.value.retry_after <= 0.3
    assert type(rejected.value).__name__ == "CircuitOpenError"  # what the saga's Catch matches


def test_window_slides_so_old_failures_stop_counting(make_breaker) -> None:
    breaker = make_breaker()
    run(breaker, "ffff" + "ssssss")  # 40%: closed
    run(breaker, "ssss")  # the four failures slide out of the 10-call window
    run(breaker, "ffff")  # 4 of the last 10 (a cumulative count would be 8 of 18)
    assert breaker.state().state == "closed"
    assert (breaker.state().calls, breaker.state().failures) == (10, 4)
    run(breaker, "f")  # 5 of the last 10
    assert breaker.state().state == "open"


def test_half_open_after_open_duration_admits_five_trials_then_closes(make_breaker) -> None:
    breaker = make_breaker()
    run(breaker, "f" * 10)
    with pytest.raises(CircuitOpenError):
        breaker.call(ok)
    time.sleep(0.32)
    release = threading.Event()
    admitted = []

    def trial() -> None:
        admitted.append(1)
        release.wait(5)

    threads = [threading.Thread(target=lambda: breaker.call(trial)) for _ in range(5)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while len(admitted) < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(admitted) == 5
    assert breaker.state().state == "half_open"
    with pytest.raises(CircuitOpenError) as sixth:  # all five permits are taken
        breaker.call(ok)
    assert sixth.value.state == "half_open"
    release.set()
    for thread in threads:
        thread.join()
    assert breaker.state().state == "closed"
    assert breaker.call(ok) == "ok"


def test_half_open_reopens_when_trials_fail(make_breaker) -> None:
    breaker = make_breaker()
    run(breaker, "f" * 10)
    time.sleep(0.32)
    run(breaker, "sssff")  # 2 of 5 failed: 40% < 50% -> closes
    assert breaker.state().state == "closed"
    run(breaker, "f" * 10)
    time.sleep(0.32)
    run(breaker, "ssfff")  # 3 of 5 failed -> opens again, for a full open duration
    assert breaker.state().state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.call(ok)


def test_ignored_business_errors_do_not_count(make_breaker) -> None:
    breaker = make_breaker(BreakerConfig(sliding_window_size=10, minimum_calls=10, open_duration=0.3,
                                         ignore_exceptions=(CardDeclined,)))

    def decline() -> None:
        raise CardDeclined("insufficient funds")

    for _ in range(30):
        with pytest.raises(CardDeclined):
            breaker.call(decline)
    assert breaker.state().state == "closed"
    assert breaker.state().calls == 0


def test_exceptions_outside_record_exceptions_count_as_successes(make_breaker) -> None:
    breaker = make_breaker(BreakerConfig(sliding_window_size=10, minimum_calls=10,
                                         record_exceptions=(ProviderDown,)))
    for _ in range(10):
        with pytest.raises(KeyError):
            breaker.call(lambda: {}["missing"])
    state = breaker.state()
    assert (state.state, state.calls, state.failures) == ("closed", 10, 0)


def test_slow_calls_open_the_breaker_at_slow_call_rate(make_breaker) -> None:
    breaker = make_breaker(BreakerConfig(sliding_window_size=4, minimum_calls=4, slow_call_duration=0.02,
                                         slow_call_rate_threshold=50.0, open_duration=0.3))
    breaker.call(ok)
    breaker.call(ok)
    breaker.call(time.sleep, 0.03)
    assert breaker.state().slow_calls == 1 and breaker.state().state == "closed"
    breaker.call(time.sleep, 0.03)  # 2 of 4 slow, none failed
    assert breaker.state().state == "open"


def test_late_result_from_an_earlier_state_is_ignored(make_breaker) -> None:
    breaker = make_breaker()
    straggler = breaker.guard()
    straggler.__enter__()  # a call admitted while closed, still running
    run(breaker, "f" * 10)  # meanwhile the breaker opens...
    time.sleep(0.32)
    breaker.call(ok)  # ...and half-opens; one trial succeeded
    late = ProviderDown("late")
    assert straggler.__exit__(ProviderDown, late, late.__traceback__) is False  # the error propagates
    state = breaker.state()
    assert (state.state, state.calls, state.failures) == ("half_open", 1, 0)


def test_decorator_and_context_manager_guard_calls(make_breaker) -> None:
    breaker = make_breaker()

    @breaker
    def charge(amount: int) -> int:
        if amount < 0:
            raise ProviderDown("negative")
        return amount

    assert charge(5) == 5
    for _ in range(9):  # 9 of 10 failed: open
        with pytest.raises(ProviderDown):
            charge(-1)
    with pytest.raises(CircuitOpenError), breaker.guard():
        pytest.fail("the block must not run while open")


def test_threads_share_one_breaker_and_stop_calling_once_open(make_breaker) -> None:
    breaker = make_breaker()
    executed = []
    rejected = []

    def worker() -> None:
        for _ in range(20):
            try:
                breaker.call(lambda: executed.append(1) or fail())
            except ProviderDown:
                pass
            except CircuitOpenError:
                rejected.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 10 <= len(executed) <= 10 + 8  # opened after 10 outcomes; at most one in flight per thread
    assert len(rejected) == 160 - len(executed)


def test_environments_share_the_state_through_redis(redis_db: redis.Redis, redis_url: str) -> None:
    first = CircuitBreaker("shared", redis=redis_db, config=FAST)
    second = CircuitBreaker("shared", redis=create_redis(redis_url), config=FAST)
    run(first, "fffff")
    run(second, "fffff")
    assert first.state().state == second.state().state == "open"
    with pytest.raises(CircuitOpenError):
        second.call(ok)


def test_unreachable_redis_falls_back_to_a_local_breaker(closed_port_url: str) -> None:
    breaker = CircuitBreaker("provider", redis=create_redis(closed_port_url), config=FAST)
    started = time.monotonic()
    run(breaker, "f" * 10)
    assert breaker.state().backend == "memory"
    assert breaker.state().state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.call(ok)
    assert time.monotonic() - started < 1.0


def test_redis_stopped_mid_run_falls_back_and_keeps_protecting() -> None:
    from localcloud.redisd import start_embedded

    server = start_embedded()
    try:
        breaker = CircuitBreaker("provider", redis=create_redis(server.url), config=FAST)
        run(breaker, "fffff")
        assert breaker.state().backend == "redis"
        server.stop()
        started = time.monotonic()
        run(breaker, "s" + "f" * 9)  # the first call's Redis error switches to the local breaker
        assert breaker.state().backend == "memory" and breaker.state().state == "open"
        assert time.monotonic() - started < 1.0
    finally:
        server.stop()
