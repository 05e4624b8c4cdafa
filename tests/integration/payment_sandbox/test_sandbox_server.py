"""The local server: starts on a free port, stops cleanly, no keep-alive stall, runs as a script."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from sandbox_helpers import AUTH, TOKENIZE_AUTH, authorization_body, card_body, tokenized

from infrastructure.payment_sandbox.server import SandboxServer, start_sandbox

SERVER_SCRIPT = Path(__file__).resolve().parents[3] / "infrastructure" / "payment_sandbox" / "server.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_start_sandbox_listens_at_once_and_stop_frees_the_port() -> None:
    server = start_sandbox(port=0, config={"latencyMs": 1})
    port = int(server.url.rsplit(":", 1)[1])

    assert requests.get(f"{server.url}/_sandbox/config", headers=AUTH, timeout=5).json()["latencyMs"] == 1
    server.stop()

    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_two_sandboxes_in_one_process_keep_separate_state() -> None:
    with start_sandbox() as first, start_sandbox() as second:
        requests.post(f"{first.url}/v1/authorizations", json=authorization_body(tokenized(first.url)), timeout=5,
                      headers={**AUTH, "Idempotency-Key": "only-in-first"})

        counts = [requests.get(f"{s.url}/_sandbox/stats", headers=AUTH, timeout=5).json()["authorizations"]
                  for s in (first, second)]

    assert counts == [1, 0]


def test_keep_alive_requests_do_not_stall_on_nagle(sandbox: SandboxServer, http: requests.Session) -> None:
    timings = []
    for index in range(15):
        body = authorization_body(tokenized(sandbox.url))
        started = time.perf_counter()
        response = http.post(f"{sandbox.url}/v1/authorizations", json=body, timeout=5,
                             headers={"Idempotency-Key": f"nagle-{index}"})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 201

    assert statistics.median(timings) < 0.02  # the stall this guards against is ~44 ms per request


def test_server_script_serves_on_the_given_port_until_terminated() -> None:
    port = _free_port()
    env = {**os.environ, "SANDBOX_API_KEY": "sk_test_script"}
    process = subprocess.Popen([sys.executable, str(SERVER_SCRIPT), "--port", str(port), "--quiet"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        response = requests.get(f"http://127.0.0.1:{port}/_sandbox/config", timeout=5,
                                headers={"Authorization": "Bearer sk_test_script"})
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert f"http://127.0.0.1:{port}" in banner
    assert response.status_code == 200
    assert process.returncode == 0


def test_browsers_may_tokenize_from_any_origin(sandbox: SandboxServer) -> None:
    preflight = requests.options(f"{sandbox.url}/v1/payment_methods", timeout=5, headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    created = requests.post(f"{sandbox.url}/v1/payment_methods", json=card_body(), timeout=5,
                            headers={**TOKENIZE_AUTH, "Origin": "https://shop.example"})
    refused = requests.post(f"{sandbox.url}/v1/payment_methods", json=card_body(), timeout=5,
                            headers={"Authorization": "Bearer pk_wrong", "Origin": "https://shop.example"})

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert created.status_code == 200 and created.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == "*"


def test_accounts_registered_while_serving_take_effect_and_survive_a_reset() -> None:
    with start_sandbox(accounts=()) as server:
        before = requests.get(f"{server.url}/_sandbox/stats", headers={"Authorization": "Bearer sk_late"}, timeout=5)
        server.add_account("sk_late", "pk_late")
        server.send_webhooks("http://127.0.0.1:9/hook", "whsec_late")
        requests.post(f"{server.url}/_sandbox/reset", headers={"Authorization": "Bearer sk_late"}, timeout=5)
        config = requests.get(f"{server.url}/_sandbox/config", headers={"Authorization": "Bearer sk_late"}, timeout=5)
        payment_method = tokenized(server.url, publishable_key="pk_late")

    assert before.status_code == 401
    assert (server.api_key, server.publishable_key) == ("sk_late", "pk_late")
    assert config.json()["webhookUrl"] == "http://127.0.0.1:9/hook" and config.json()["webhookSecret"] == "***"
    assert payment_method.startswith("pm_")
