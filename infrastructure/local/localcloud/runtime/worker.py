"""One execution environment: a worker process running bootstrap.py for one function."""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOOTSTRAP = str(Path(__file__).with_name("bootstrap.py"))
INIT_TIMEOUT_S = 10.0  # Lambda's limit for the init phase of an on-demand environment

LogSink = Callable[[str, str], None]  # (function name, one line of its logs)


@dataclass
class FunctionSpec:
    """What the runtime needs of one AWS::Lambda::Function, taken from the resolved Stack."""

    name: str
    arn: str
    handler: str
    code_dir: str
    runtime: str = "python3.12"
    timeout_s: float = 3.0
    memory_mb: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    layer_dirs: list[str] = field(default_factory=list)
    reserved_concurrency: int | None = None
    logical_id: str = ""
    role_arn: str = ""  # its execution role: each environment gets temporary credentials of it


class WorkerDied(Exception):
    """The worker process exited (or was killed) before answering."""


class WorkerTimedOut(Exception):
    """The worker did not answer within the deadline."""


class Worker:
    def __init__(self, spec: FunctionSpec, env: dict[str, str], log: LogSink) -> None:
        self.spec = spec
        self.log_stream = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self.env = {**env, "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream}
        self._log = log
        self._buffer = bytearray()
        self.last_used = time.monotonic()
        self.invocations = 0
        self.init_ms: float | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._request_w = self._response_r = -1

    def start(self) -> dict[str, Any]:
        """Spawn the process and wait for its init: {"ready": True, "initMs"} or {"initError": {...}}."""
        request_r, self._request_w = os.pipe()
        self._response_r, response_w = os.pipe()
        layers = os.pathsep.join(self.spec.layer_dirs)
        try:
            self.process = subprocess.Popen(
                [sys.executable, BOOTSTRAP, str(request_r), str(response_w), self.spec.code_dir,
                 self.spec.handler, layers],
                env=self.env, cwd=self.spec.code_dir, pass_fds=(request_r, response_w),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the local cloud, which stops its workers
            )
        finally:
            os.close(request_r)
            os.close(response_w)
        threading.Thread(target=self._forward_logs, name=f"logs-{self.spec.name}", daemon=True).start()
        reply = self._read(time.monotonic() + max(INIT_TIMEOUT_S, self.spec.timeout_s))
        if "ready" in reply:
            self.init_ms = reply["initMs"]
        return reply

    def _forward_logs(self) -> None:
        process = self.process
        assert process is not None and process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            self._log(self.spec.name, raw.decode(errors="replace").rstrip("\n"))

    def invoke(self, request: dict[str, Any], deadline: float) -> dict[str, Any]:
        self.last_used = time.monotonic()
        self.invocations += 1
        line = json.dumps(request, separators=(",", ":")).encode() + b"\n"
        try:
            os.write(self._request_w, line)
        except OSError as error:
            raise WorkerDied(str(error)) from None
        reply = self._read(deadline)
        self.last_used = time.monotonic()
        return reply

    def _read(self, deadline: float) -> dict[str, Any]:
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                return json.loads(line)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimedOut()
            ready, _, _ = select.select([self._response_r], [], [], remaining)
            if not ready:
                raise WorkerTimedOut()
            chunk = os.read(self._response_r, 1 << 16)
            if not chunk:
                raise WorkerDied(f"exit status {self.exit_code()}")
            self._buffer += chunk

    def exit_code(self) -> int | None:
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Kill the environment (as Lambda does on timeout, OOM or recycling) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        for fd in (self._request_w, self._response_r):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._request_w = self._response_r = -1
