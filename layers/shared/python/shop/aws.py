"""boto3 clients created lazily, once per execution environment, shared by every module.

Endpoints come from botocore itself (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so the same code
reaches AWS, LocalStack or the local cloud. boto3 (~145 ms to import) is imported at first use only.
"""

from __future__ import annotations

import threading
from typing import Any

from shop.config import env_float, env_int

_clients: dict[tuple[str, str | None], Any] = {}
_lock = threading.Lock()


def client(service_name: str, *, region_name: str | None = None) -> Any:
    """The shared boto3 client for `service_name` (created at first call with standard retries)."""
    key = (service_name, region_name)
    found = _clients.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _clients:
            import boto3
            from botocore.config import Config

            # Standard retry mode retries throttling and transient errors with backoff and jitter.
            config = Config(
                retries={"mode": "standard", "max_attempts": env_int("AWS_MAX_ATTEMPTS", 3)},
                connect_timeout=env_float("AWS_CONNECT_TIMEOUT", 2.0),
                read_timeout=env_float("AWS_READ_TIMEOUT", 5.0),
            )
            _clients[key] = boto3.session.Session().client(
                service_name, region_name=region_name, config=config
            )
        return _clients[key]


def reset_clients() -> None:
    """Forget every client (tests that switch endpoints or start a fresh `mock_aws`)."""
    with _lock:
        _clients.clear()
