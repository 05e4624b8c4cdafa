"""Helpers for the user, product and OpenAPI end-to-end tests (no tests here).

Users are made as a client would (POST /auth/signup, POST /auth/login over HTTP); only the admin
group is granted through the local Cognito, as an operator would. Events are observed through an
SQS queue subscribed to the bus, as any other consumer would receive them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

PASSWORD = "e2e-password-1"
T = TypeVar("T")


@dataclass
class Account:
    email: str
    user_id: str
    tokens: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['idToken']}"}


def unique_email(kind: str = "user") -> str:
    return f"{kind}-{uuid.uuid4().hex[:10]}@example.com"


def sign_up_and_in(http: httpx.Client, local_cloud: Any, *, admin: bool = False) -> Account:
    email = unique_email("admin" if admin else "user")
    signed_up = http.post("/auth/signup", json={"email": email, "password": PASSWORD})
    assert signed_up.status_code == 201, signed_up.text
    if admin:
        local_cloud.client("cognito-idp").admin_add_user_to_group(
            UserPoolId=local_cloud.user_pool_id, Username=email, GroupName="admin"
        )
    login = http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return Account(email, signed_up.json()["userId"], login.json())


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """`status` with the platform's error body {"error": {"code", "message", "details"}}."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "details"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body


def eventually(probe: Callable[[], T], *, timeout: float = 8.0, interval: float = 0.25) -> T:
    """probe()'s first truthy result; other execution environments may serve a cached value for
    up to the cache's L1 TTL (5 s) after a change, so reads after a write are polled, not slept."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            assert result, "condition not met in time"
            return result
        time.sleep(interval)


@contextmanager
def bus_events(local_cloud: Any, detail_type: str) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Subscribe a fresh SQS queue to `detail_type` on the shop's bus; yields read() -> every envelope so far."""
    events, sqs = local_cloud.client("events"), local_cloud.client("sqs")
    bus = local_cloud.outputs["EventBusName"]
    name = f"e2e-{detail_type}-{uuid.uuid4().hex[:8]}"
    queue_url, queue_arn = local_cloud.event_queue(name)
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"detail-type": [detail_type]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn}])
    seen: list[dict[str, Any]] = []

    def read() -> list[dict[str, Any]]:
        # polled (see `eventually`) rather than drained: another service's retries must not stall us
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for message in messages.get("Messages", []):
            seen.append(json.loads(message["Body"])["detail"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return seen

    try:
        yield read
    finally:
        events.remove_targets(Rule=name, EventBusName=bus, Ids=["q"])
        events.delete_rule(Name=name, EventBusName=bus)
        sqs.delete_queue(QueueUrl=queue_url)
