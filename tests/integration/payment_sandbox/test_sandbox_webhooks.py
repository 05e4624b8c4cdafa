"""Webhooks: signed deliveries checked by a tiny local receiver, retries, and the signing scheme."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sandbox_helpers import authorization_body, tokenized

from infrastructure.payment_sandbox.chalicelib.signing import sign, verify
from infrastructure.payment_sandbox.server import SandboxServer

SECRET = "whsec_test"


class Receiver:
    """A webhook endpoint that checks signatures the way the shop will, and can fail first calls."""

    def __init__(self, fail_first: int = 0) -> None:
        self.events: list[dict] = []
        self.bad_signatures = 0
        self.attempts = 0
        self.fail_first = fail_first
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.attempts += 1
                    failing = receiver.attempts <= receiver.fail_first
                    if not _independent_verify(SECRET, body, self.headers.get("Sandbox-Signature", "")):
                        receiver.bad_signatures += 1
                    elif not failing:
                        receiver.events.append(json.loads(body))
                    receiver.arrived.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/payments/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events) >= count, timeout)
        return self.events

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _independent_verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """Written from the documented scheme, not with the sandbox's code, so the two must agree."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = hmac.new(secret.encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = parts.get("t", "").isdigit() and abs(time.time() - int(parts["t"])) <= tolerance
    return bool(fresh) and hmac.compare_digest(expected, parts.get("v1", ""))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.stop()


def _subscribe(http: requests.Session, url: str, webhook_url: str, secret: str = SECRET) -> None:
    http.put(f"{url}/_sandbox/config", timeout=5, json={
        "webhookUrl": webhook_url, "webhookSecret": secret, "webhookRetryDelayMs": 20,
    }).raise_for_status()


def test_authorize_capture_refund_send_signed_events_in_order(
    http: requests.Session, sandbox: SandboxServer, receiver: Receiver,
) -> None:
    _subscribe(http, sandbox.url, receiver.url)
    auth = http.post(f"{sandbox.url}/v1/authorizations", json=authorization_body(tokenized(sandbox.url), reference="order-wh"),
                     headers={"Idempotency-Key": "wh"}, timeout=5).json()
    receiver.wait_for(1)
    http.post(f"{sandbox.url}/v1/authorizations/{auth['id']}/capture", timeout=5)
    receiver.wait_for(2)
    http.post(f"{sandbox.url}/v1/authorizations/{auth['id']}/refunds", json={"amount": 100}, timeout=5)

    events = receiver.wait_for(3)

    assert [e["type"] for e in events] == ["authorization.succeeded", "charge.captured", "charge.refunded"]
    assert all(e["data"]["object"]["reference"] == "order-wh" for e in events)
    assert events[0]["id"].startswith("evt_")
    assert receiver.bad_signatures == 0


def test_a_declined_card_sends_authorization_failed(
    http: requests.Session, sandbox: SandboxServer, receiver: Receiver,
) -> None:
    _subscribe(http, sandbox.url, receiver.url)

    http.post(f"{sandbox.url}/v1/authorizations", json=authorization_body(tokenized(sandbox.url, "4000000000009995")),
              headers={"Idempotency-Key": "wh-decline"}, timeout=5)

    event = receiver.wait_for(1)[0]
    assert event["type"] == "authorization.failed"
    assert event["data"]["object"]["code"] == "insufficient_funds"


def test_a_failing_endpoint_is_retried_until_it_accepts(http: requests.Session, sandbox: SandboxServer) -> None:
    flaky = Receiver(fail_first=2)
    try:
        _subscribe(http, sandbox.url, flaky.url)
        http.post(f"{sandbox.url}/v1/authorizations", json=authorization_body(tokenized(sandbox.url)),
                  headers={"Idempotency-Key": "wh-retry"}, timeout=5)

        events = flaky.wait_for(1)
    finally:
        flaky.stop()

    assert len(events) == 1
    assert flaky.attempts == 3
    deadline = time.monotonic() + 2
    while http.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()["webhooks"]["delivered"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_receiver_with_another_secret_rejects_every_delivery(
    http: requests.Session, sandbox: SandboxServer, receiver: Receiver,
) -> None:
    _subscribe(http, sandbox.url, receiver.url, secret="whsec_someone_else")

    http.post(f"{sandbox.url}/v1/authorizations", json=authorization_body(tokenized(sandbox.url)),
              headers={"Idempotency-Key": "wh-wrong-secret"}, timeout=5)

    deadline = time.monotonic() + 2
    while receiver.bad_signatures == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert receiver.bad_signatures >= 1
    assert receiver.events == []


def test_sign_produces_the_documented_header() -> None:
    body = b'{"id":"evt_1"}'
    expected = hmac.new(b"s3cret", b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()

    assert sign("s3cret", body, 1700000000) == f"t=1700000000,v1={expected}"


def test_verify_accepts_a_fresh_signature_and_refuses_tampering_staleness_and_other_secrets() -> None:
    body = b'{"type":"charge.captured"}'
    header = sign("s3cret", body, 1_700_000_000)

    assert verify("s3cret", body, header, now=1_700_000_100)
    assert not verify("s3cret", body + b" ", header, now=1_700_000_100)
    assert not verify("other", body, header, now=1_700_000_100)
    assert not verify("s3cret", body, header, tolerance_seconds=300, now=1_700_000_301)
    assert not verify("s3cret", body, "garbage", now=1_700_000_000)


def test_verify_accepts_any_of_several_signatures_while_a_secret_rotates() -> None:
    body = b"{}"
    old = sign("old", body, 1_700_000_000)
    new_signature = sign("new", body, 1_700_000_000).split("v1=")[1]

    assert verify("new", body, f"{old},v1={new_signature}", now=1_700_000_000)
