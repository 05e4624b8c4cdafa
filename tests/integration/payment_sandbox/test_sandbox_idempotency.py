"""Idempotency keys over real HTTP: replay, reuse with another body, a request still in flight, scope."""

from __future__ import annotations

import json
import threading
import time

import requests
from sandbox_helpers import OTHER_MERCHANT_KEY, OTHER_PUBLISHABLE_KEY, authorization_body, tokenized

from infrastructure.payment_sandbox.server import SandboxServer


def _authorize(http: requests.Session, url: str, body: dict, key: str, **kwargs: object) -> requests.Response:
    return http.post(f"{url}/v1/authorizations", json=body, headers={"Idempotency-Key": key}, timeout=5, **kwargs)


def test_same_key_and_body_replays_the_original_response(http: requests.Session, sandbox: SandboxServer) -> None:
    body = authorization_body(tokenized(sandbox.url), reference="order-idem")
    first = _authorize(http, sandbox.url, body, "key-1")

    again = _authorize(http, sandbox.url, body, "key-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    stats = http.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()
    assert stats["authorizations"] == 1


def test_replay_ignores_json_key_order_and_whitespace(http: requests.Session, sandbox: SandboxServer) -> None:
    body = authorization_body(tokenized(sandbox.url))
    first = _authorize(http, sandbox.url, body, "key-format")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)

    again = http.post(f"{sandbox.url}/v1/authorizations", data=reordered, timeout=5,
                      headers={"Idempotency-Key": "key-format", "Content-Type": "application/json"})

    assert again.json()["id"] == first.json()["id"]


def test_a_decline_is_replayed_too(http: requests.Session, sandbox: SandboxServer) -> None:
    body = authorization_body(tokenized(sandbox.url, "4000000000000002"))
    _authorize(http, sandbox.url, body, "key-decline")

    again = _authorize(http, sandbox.url, body, "key-decline")

    assert again.status_code == 402
    assert again.headers["Idempotent-Replayed"] == "true"
    assert http.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()["declines"] == 1


def test_same_key_with_another_body_answers_422(http: requests.Session, sandbox: SandboxServer) -> None:
    _authorize(http, sandbox.url, authorization_body(tokenized(sandbox.url), amount=1000, reference="o"), "key-2")

    reused = _authorize(http, sandbox.url, authorization_body(tokenized(sandbox.url), amount=2000, reference="o"), "key-2")

    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_same_key_while_the_first_request_runs_answers_409_in_progress(
    http: requests.Session, sandbox: SandboxServer,
) -> None:
    body = authorization_body(tokenized(sandbox.url))
    http.put(f"{sandbox.url}/_sandbox/config", json={"latencyMs": 400}, timeout=5).raise_for_status()
    first: list[requests.Response] = []
    slow = threading.Thread(target=lambda: first.append(
        requests.post(f"{sandbox.url}/v1/authorizations", json=body, timeout=5,
                      headers={**http.headers, "Idempotency-Key": "key-3"})))
    slow.start()
    time.sleep(0.15)

    concurrent = _authorize(http, sandbox.url, body, "key-3")
    slow.join()

    assert concurrent.status_code == 409
    assert concurrent.json()["error"]["code"] == "idempotency_in_progress"
    assert first[0].status_code == 201
    http.put(f"{sandbox.url}/_sandbox/config", json={"latencyMs": 0}, timeout=5)
    replay = _authorize(http, sandbox.url, body, "key-3")
    assert replay.json()["id"] == first[0].json()["id"]


def test_many_concurrent_retries_with_one_key_charge_once(http: requests.Session, sandbox: SandboxServer) -> None:
    body = authorization_body(tokenized(sandbox.url), reference="order-storm")
    http.put(f"{sandbox.url}/_sandbox/config", json={"latencyMs": 100}, timeout=5).raise_for_status()
    statuses: list[int] = []

    def call() -> None:
        statuses.append(requests.post(f"{sandbox.url}/v1/authorizations", json=body, timeout=5,
                                      headers={**http.headers, "Idempotency-Key": "key-storm"}).status_code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    stats = http.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()
    assert stats["authorizations"] == 1


def test_keys_are_scoped_per_endpoint(http: requests.Session, sandbox: SandboxServer) -> None:
    auth = _authorize(http, sandbox.url, authorization_body(tokenized(sandbox.url)), "shared-key").json()

    capture = http.post(f"{sandbox.url}/v1/authorizations/{auth['id']}/capture", json={}, timeout=5,
                        headers={"Idempotency-Key": "shared-key"})

    assert capture.status_code == 200
    assert "Idempotent-Replayed" not in capture.headers


def test_keys_are_scoped_per_merchant() -> None:
    from infrastructure.payment_sandbox.server import start_sandbox

    with start_sandbox(api_key=f"sk_test_local,{OTHER_MERCHANT_KEY}",
                       publishable_key=f"pk_test_local,{OTHER_PUBLISHABLE_KEY}") as server:
        reference = "order-both"
        mine = requests.post(f"{server.url}/v1/authorizations", timeout=5,
                             json=authorization_body(tokenized(server.url), reference=reference),
                             headers={"Authorization": "Bearer sk_test_local", "Idempotency-Key": "k"})
        theirs = requests.post(f"{server.url}/v1/authorizations", timeout=5,
                               json=authorization_body(tokenized(server.url, publishable_key=OTHER_PUBLISHABLE_KEY),
                                                       reference=reference),
                               headers={"Authorization": f"Bearer {OTHER_MERCHANT_KEY}", "Idempotency-Key": "k"})

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_invalid_request_does_not_burn_the_key(http: requests.Session, sandbox: SandboxServer) -> None:
    body = authorization_body(tokenized(sandbox.url))
    bad = _authorize(http, sandbox.url, {**body, "amount": -1}, "key-4")

    good = _authorize(http, sandbox.url, body, "key-4")

    assert (bad.status_code, good.status_code) == (400, 201)
