"""Session fixtures: the local cloud started as `python -m localcloud` on free ports.

    def test_something(local_cloud):
        response = httpx.get(f"{local_cloud.api_url}/health")
        table = local_cloud.client("dynamodb")
        local_cloud.drain()  # instead of sleeping: async invocations, deliveries, pollers idle

`start_local_cloud(template, overrides)` (the factory fixture) starts one for another template;
each is started once per session and stopped at its end (and checked to leave nothing behind).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what the Makefile exports, so that a bare `pytest` finds the local cloud and the layer too
for _path in (ROOT / "infrastructure" / "local", ROOT / "layers" / "shared" / "python", ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
REGION = "us-east-1"
STARTUP_TIMEOUT_S = 60
LOG_DIR = ROOT / ".localcloud" / "logs"  # each local cloud's output (kept when a test fails: read it)
IAM_USAGE_DIR = ROOT / ".localcloud" / "iam-usage"  # what each role used, per local cloud (`make iam-report`)
BOOTSTRAP = str(ROOT / "infrastructure" / "local" / "localcloud" / "runtime" / "bootstrap.py")


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies, even by SIGKILL or a CI timeout,
    so that no local cloud outlives the run that started it (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT does not keep a server out
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class LocalCloudHandle:
    """A running local cloud, as a test sees it."""

    api_url: str
    aws_url: str
    region: str
    process: subprocess.Popen[bytes]
    log_path: Path
    health: dict[str, Any] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, Any]:
        return self.health.get("outputs", {})

    @property
    def user_pool_id(self) -> str | None:
        return self.outputs.get("UserPoolId")

    @property
    def user_pool_client_id(self) -> str | None:
        return self.outputs.get("UserPoolClientId")

    def client(self, service: str, **kwargs: Any) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.aws_url, region_name=self.region,
                            aws_access_key_id="test", aws_secret_access_key="test", **kwargs)

    def resource(self, service: str) -> Any:
        import boto3

        return boto3.resource(service, endpoint_url=self.aws_url, region_name=self.region,
                              aws_access_key_id="test", aws_secret_access_key="test")

    def event_queue(self, name: str) -> tuple[str, str]:
        """A queue (url, arn) that EventBridge rules may target: its policy lets events.amazonaws.com
        send, as AWS requires (the local cloud enforces it)."""
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                                                          "Action": "sqs:SendMessage", "Resource": arn}]}
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
        return url, arn

    def iam(self) -> dict[str, Any]:
        """GET /_localcloud/iam: per role, grants and what was used; the refusals so far."""
        return self.control("GET", "iam")[1]

    def control(self, method: str, path: str, timeout: float = 60) -> tuple[int, Any]:
        request = urllib.request.Request(f"{self.aws_url}/_localcloud/{path}", method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def drain(self, timeout: float = 30) -> None:
        status, body = self.control("POST", f"drain?timeout={timeout}", timeout=timeout + 5)
        assert status == 200, f"the local cloud did not drain within {timeout} s: {body}"

    def functions(self) -> dict[str, Any]:
        return self.control("GET", "functions")[1]

    def run_schedule(self, rule: str) -> None:
        status, body = self.control("POST", f"schedules/{rule}/run")
        assert status == 202, body

    def reset_counters(self) -> None:
        self.control("POST", "counters/reset")

    def __repr__(self) -> str:  # what a failing test prints: where to read the local cloud's output
        return f"LocalCloudHandle(api_url={self.api_url!r}, aws_url={self.aws_url!r}, log={str(self.log_path)!r})"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def _leftover_workers(aws_url: str) -> list[int]:
    """Worker processes of this local cloud still alive (their environment names its endpoint)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if BOOTSTRAP.encode() not in (proc / "cmdline").read_bytes():
                continue
            if f"AWS_ENDPOINT_URL={aws_url}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def launch(template: Path, overrides: dict[str, str] | None = None, *, stack_name: str = "shop-test",
           extra_args: list[str] | None = None) -> LocalCloudHandle:
    api_port, aws_port = free_port(), free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_fd, log_name = tempfile.mkstemp(prefix=f"{stack_name}-", suffix=".log", dir=LOG_DIR)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "infrastructure" / "local"), str(ROOT / "layers" / "shared" / "python"), str(ROOT)]),
        "AWS_DEFAULT_REGION": REGION, "PYTHONUNBUFFERED": "1"}
    usage = IAM_USAGE_DIR / (Path(log_name).stem + ".json")
    command = [sys.executable, "-m", "localcloud", "--template", str(template), "--api-port", str(api_port),
               "--aws-port", str(aws_port), "--stack-name", stack_name, "--iam-usage", str(usage), *(extra_args or [])]
    if overrides:
        command += ["--parameter-overrides", *(f"{k}={v}" for k, v in overrides.items())]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_fd, stderr=subprocess.STDOUT,
                               start_new_session=True, preexec_fn=die_with_parent)
    os.close(log_fd)
    handle = LocalCloudHandle(api_url=f"http://127.0.0.1:{api_port}", aws_url=f"http://127.0.0.1:{aws_port}",
                              region=REGION, process=process, log_path=Path(log_name))
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local cloud exited with code {process.returncode}:\n{handle.output()}")
        try:
            status, body = handle.control("GET", "health", timeout=2)
            if status == 200 and body.get("ready"):
                handle.health = body
                return handle
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    stop(handle)
    raise RuntimeError(f"the local cloud was not ready within {STARTUP_TIMEOUT_S} s:\n{handle.output()}")


def stop(handle: LocalCloudHandle) -> list[str]:
    """Stop it as Ctrl-C would; returns what it left behind (processes, ports)."""
    problems = []
    if handle.process.poll() is None:
        handle.process.send_signal(signal.SIGINT)
        try:
            handle.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            problems.append("the local cloud ignored SIGINT for 15 s")
            os.killpg(handle.process.pid, signal.SIGKILL)
            handle.process.wait()
    leftovers = _leftover_workers(handle.aws_url)
    if leftovers:
        problems.append(f"worker processes left behind: {leftovers}")
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
    for url in (handle.api_url, handle.aws_url):
        if not port_is_free(int(url.rsplit(":", 1)[1])):
            problems.append(f"port still bound: {url}")
    return problems


def pytest_sessionstart(session: pytest.Session) -> None:
    """This run's IAM usage only: the report is about the suite that just ran."""
    for stale in IAM_USAGE_DIR.glob("*.json"):
        stale.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line on the grants of template.yaml's roles that no request of this run used."""
    from localcloud.iam import report

    template = ROOT / "template.yaml"
    roles, clouds = report.load(IAM_USAGE_DIR, template)
    if clouds:
        terminalreporter.write_line(report.summary_line(roles, clouds, report.policy_sources(template),
                                                        report.recorded_reasons()))


@pytest.fixture(scope="session")
def start_local_cloud() -> Iterator[Callable[..., LocalCloudHandle]]:
    """Factory: start_local_cloud(template, overrides=None, stack_name=...) -> LocalCloudHandle (cached)."""
    started: dict[tuple[str, str], LocalCloudHandle] = {}

    def start(template: str | Path, overrides: dict[str, str] | None = None, **kwargs: Any) -> LocalCloudHandle:
        key = (str(Path(template).resolve()), json.dumps([overrides or {}, kwargs], sort_keys=True))
        if key not in started:
            started[key] = launch(Path(template).resolve(), overrides, **kwargs)
        return started[key]

    yield start
    problems = []
    for handle in started.values():
        problems += stop(handle)
    assert not problems, "; ".join(problems)


@pytest.fixture
def short_lived_local_cloud() -> Iterator[Callable[..., LocalCloudHandle]]:
    """Factory like start_local_cloud, but each one is stopped at the end of the test."""
    started: list[LocalCloudHandle] = []

    def start(template: str | Path, overrides: dict[str, str] | None = None, **kwargs: Any) -> LocalCloudHandle:
        started.append(launch(Path(template).resolve(), overrides, **kwargs))
        return started[-1]

    yield start
    problems = [problem for handle in started for problem in stop(handle)]
    assert not problems, "; ".join(problems)


@pytest.fixture(scope="session")
def local_cloud(start_local_cloud: Callable[..., LocalCloudHandle]) -> LocalCloudHandle:
    """The local cloud running template.yaml."""
    return start_local_cloud(ROOT / "template.yaml", stack_name="shop-test")
