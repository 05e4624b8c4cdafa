"""The admin switches over real HTTP: outage, failNext, errorRate, latency, config validation."""

from __future__ import annotations

import time

import requests
from sandbox_helpers import TOKENIZE_AUTH, authorization_body, card_body, tokenized

from infrastructure.payment_sandbox.server import SandboxServer


def _configure(http: requests.Session, url: str, **switches: object) -> dict:
    response = http.put(f"{url}/_sandbox/config", json=switches, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def _authorize(http: requests.Session, url: str, key: str, payment_method: str | None = None) -> requests.Response:
    body = authorization_body(payment_method or tokenized(url), reference="order-sw")
    return http.post(f"{url}/v1/authorizations", json=body, timeout=5, headers={"Idempotency-Key": key})


def test_outage_answers_503_to_every_processor_call_but_not_to_the_admin_api(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    payment_method = tokenized(sandbox.url)
    _configure(http, sandbox.url, outage=True)

    responses = [_authorize(http, sandbox.url, f"k{i}", payment_method) for i in range(3)]
    listing = http.get(f"{sandbox.url}/v1/authorizations", timeout=5)
    tokenizing = requests.post(f"{sandbox.url}/v1/payment_methods", json=card_body(), headers=TOKENIZE_AUTH, timeout=5)

    assert [r.status_code for r in responses] + [listing.status_code, tokenizing.status_code] == [503] * 5
    assert responses[0].json()["error"]["code"] == "service_unavailable"
    assert tokenizing.headers["Access-Control-Allow-Origin"] == "*"  # a browser can read why
    stats = http.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()
    assert (stats["authorizations"], stats["errors"]) == (0, 5)


def test_fail_next_fails_exactly_that_many_calls_and_a_retry_with_the_same_key_then_succeeds(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    payment_method = tokenized(sandbox.url)
    _configure(http, sandbox.url, failNext=2)

    statuses = [_authorize(http, sandbox.url, "retried-key", payment_method).status_code for _ in range(3)]

    assert statuses == [503, 503, 201]
    assert http.get(f"{sandbox.url}/_sandbox/config", timeout=5).json()["failNext"] == 0


def test_error_rate_one_fails_everything_and_zero_nothing(http: requests.Session, sandbox: SandboxServer) -> None:
    payment_method = tokenized(sandbox.url)
    _configure(http, sandbox.url, errorRate=1.0)
    failing = [_authorize(http, sandbox.url, f"a{i}", payment_method).status_code for i in range(5)]
    _configure(http, sandbox.url, errorRate=0.0)
    passing = [_authorize(http, sandbox.url, f"b{i}").status_code for i in range(5)]

    assert failing == [503] * 5
    assert passing == [201] * 5


def test_error_rate_fails_about_that_share_of_calls_repeatably_with_a_seed(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    def run() -> list[int]:
        _configure(http, sandbox.url, errorRate=0.3, seed=7)
        return [http.get(f"{sandbox.url}/v1/authorizations", timeout=5).status_code for _ in range(200)]

    first, second = run(), run()

    assert 30 <= first.count(503) <= 90
    assert first == second


def test_latency_switch_delays_processor_calls(http: requests.Session, sandbox: SandboxServer) -> None:
    payment_method = tokenized(sandbox.url)
    _configure(http, sandbox.url, latencyMs=150, latencyJitterMs=50)

    started = time.perf_counter()
    response = _authorize(http, sandbox.url, "slow", payment_method)
    elapsed = time.perf_counter() - started

    assert response.status_code == 201
    assert 0.15 <= elapsed < 0.6


def test_config_rejects_an_error_rate_above_one_and_unknown_switches(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    too_high = http.put(f"{sandbox.url}/_sandbox/config", json={"errorRate": 1.5}, timeout=5)
    unknown = http.put(f"{sandbox.url}/_sandbox/config", json={"chaos": True}, timeout=5)

    assert (too_high.status_code, unknown.status_code) == (400, 400)
    assert too_high.json()["error"]["param"] == "errorRate"
    assert http.get(f"{sandbox.url}/_sandbox/config", timeout=5).json()["errorRate"] == 0.0


def test_config_is_merged_and_the_webhook_secret_is_never_shown(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    _configure(http, sandbox.url, latencyMs=5)
    shown = _configure(http, sandbox.url, webhookSecret="whsec_hidden")

    assert shown["latencyMs"] == 5
    assert shown["webhookSecret"] == "***"


def test_reset_restores_the_default_switches(http: requests.Session, sandbox: SandboxServer) -> None:
    _configure(http, sandbox.url, outage=True)

    http.post(f"{sandbox.url}/_sandbox/reset", timeout=5)

    assert _authorize(http, sandbox.url, "after-reset").status_code == 201
