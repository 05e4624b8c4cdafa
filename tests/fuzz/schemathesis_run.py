"""Run schemathesis (its CLI, pinned in requirements-dev.txt) against a running API as one caller.

Every operation of /openapi.json, every check (`--checks all`), all phases: coverage (the schema's
edges and its negations), fuzzing, and stateful sequences along the document's links (sign up then
sign in; create a product then read, replace and delete it; add to the cart then check out).
One worker: with more, hypothesis on Python 3.11 raised internal recursion errors here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "fuzz-password-1"


@dataclass(frozen=True)
class Identity:
    """Who calls: a name for the report and the Authorization header (None: anonymous)."""

    name: str
    authorization: str | None = None


@dataclass
class Outcome:
    identity: str
    exit_code: int
    seed: int
    test_cases: int
    requests: int
    failures: int
    seconds: float
    output: str

    def summary(self) -> str:
        return (f"{self.identity}: {self.requests} requests, {self.test_cases} test cases, {self.failures} failures "
                f"in {self.seconds:.0f} s (seed {self.seed})")


def sign_up(api_url: str, cognito: Any = None, user_pool_id: str | None = None) -> Identity:
    """A new account, signed in as a client would; with `cognito` (a boto3 client) made an admin first."""
    email = f"fuzz-{'admin' if cognito else 'customer'}-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=api_url, timeout=60) as http:
        created = http.post("/auth/signup", json={"email": email, "password": PASSWORD})
        assert created.status_code == 201, created.text
        if cognito is not None:
            cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName="admin")
        tokens = http.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
    return Identity("admin" if cognito else "customer", f"Bearer {tokens.json()['idToken']}")


def run(api_url: str, identity: Identity, *, examples: int, seed: int, report_dir: Path,
        max_failures: int = 50, timeout_s: float = 3600) -> Outcome:
    """One schemathesis run; the outcome counts the HTTP requests it made (its HAR report)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    json_report = report_dir / f"{identity.name}.json"
    har_report = report_dir / f"{identity.name}.har"
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{api_url}/openapi.json",
        "--checks", "all", "--workers", "1", "--max-examples", str(examples), "--seed", str(seed),
        "--max-failures", str(max_failures), "--generation-database", "none", "--no-color",
        "--report", "json,har", "--report-json-path", str(json_report), "--report-har-path", str(har_report),
    ]
    if identity.authorization:
        command += ["--header", f"Authorization: {identity.authorization}"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    report = json.loads(json_report.read_text()) if json_report.exists() else {}
    har = json.loads(har_report.read_text()) if har_report.exists() else {"log": {"entries": []}}
    return Outcome(
        identity=identity.name,
        exit_code=finished.returncode,
        seed=seed,
        test_cases=(report.get("test_cases") or {}).get("generated", 0),
        # the document itself is fetched once per run: not a test request
        requests=sum(1 for entry in har["log"]["entries"] if not entry["request"]["url"].endswith("/openapi.json")),
        failures=len(report.get("failures") or []),
        seconds=float(report.get("running_time") or 0.0),
        output=finished.stdout + finished.stderr,
    )


def failure_report(outcome: Outcome) -> str:
    """What a failing run printed, from its FAILURES section on (the reproducing curl commands)."""
    text = outcome.output
    start = text.find("FAILURES")
    return text[start - 40:] if start >= 0 else text[-6000:]
