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
from sandbox_helpers import AUTH, authorization_body

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
        requests.post(f"{first.url}/v1/authorizations", json=authorization_body(), timeout=5,
                      headers={**AUTH, "Idempotency-Key": "only-in-first"})

        counts = [requests.get(f"{s.url}/_sandbox/stats", headers=AUTH, timeout=5).json()["authorizations"]
                  for s in (first, second)]

    assert counts == [1, 0]


def test_keep_alive_requests_do_not_stall_on_nagle(sandbox: SandboxServer, http: requests.Session) -> None:
    timings = []
    for index in range(15):
        started = time.perf_counter()
        response = http.post(f"{sandbox.url}/v1/authorizations", json=authorization_body(), timeout=5,
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
