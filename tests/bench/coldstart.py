"""Cold start per function: init time in a fresh execution environment and the first invocation,
beside a baseline handler that imports only boto3 and the Powertools Logger; package sizes.

Method: every function gets fresh environments from the local cloud's own runtime
(`localcloud.runtime.LocalRuntime`: the same bootstrap, worker process, environment variables and
layer path as in `python -m localcloud`), built from template.yaml with the running cloud's stack
name and outputs, and invoked against that running, seeded cloud. Init is what the bootstrap
measures around the handler module's import (module-level setup included); the first invocation
is the handler's duration on its first event (an API proxy event for routes, `{}` otherwise). The
baseline runs through the same runtime. Each figure is the median over `rounds` fresh environments.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

from tests.bench.cloud import ROOT, TEMPLATE, Shop

BASELINE_DIR = Path(__file__).with_name("baseline")
LAYER_DIR = ROOT / "layers" / "shared" / "python"
SAMPLE_EVENT = ROOT / "events" / "samples" / "apigw-get-product.json"
BASELINE_EVERY = 8  # functions between two baseline samples


# ------------------------------------------------------------------ package sizes
def zip_size(folder: Path) -> tuple[int, int]:
    """(bytes of files, bytes zipped with deflate) of a folder, without caches."""
    raw = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            raw += path.stat().st_size
            archive.write(path, path.relative_to(folder))
    return raw, len(buffer.getvalue())


def layer_sizes(cache_dir: Path) -> dict[str, Any]:
    """The layer's own code, and with its pip dependencies installed as `sam build` would (cached)."""
    source_raw, source_zip = zip_size(LAYER_DIR)
    requirements = LAYER_DIR / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    target = cache_dir / f"layer-deps-{digest}"
    note = "pip install --target for Lambda's platform (manylinux2014_aarch64, Python 3.12)"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        base = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
                "--target", str(target), "-r", str(requirements)]
        lambda_platform = ["--platform", "manylinux2014_aarch64", "--python-version", "3.12", "--only-binary=:all:",
                           "--implementation", "cp"]
        result = subprocess.run(base + lambda_platform, capture_output=True, text=True, timeout=600)
        if result.returncode:  # the index here may lack aarch64 wheels: this machine's platform instead
            shutil.rmtree(target, ignore_errors=True)
            note = "pip install --target for this machine's platform (no aarch64 wheels in the index)"
            result = subprocess.run(base, capture_output=True, text=True, timeout=600)
            if result.returncode:
                return {"source_kb": source_raw / 1024, "source_zip_kb": source_zip / 1024,
                        "error": result.stderr.strip().splitlines()[-1:]}
        (target / ".complete").write_text(note)
    deps_raw, deps_zip = zip_size(target)
    return {
        "source_kb": round(source_raw / 1024, 1), "source_zip_kb": round(source_zip / 1024, 1),
        "with_deps_kb": round((source_raw + deps_raw) / 1024, 1),
        "with_deps_zip_kb": round((source_zip + deps_zip) / 1024, 1),
        "deps_note": (target / ".complete").read_text(),
    }


# ------------------------------------------------------------------ the functions and their first events
def api_routes() -> dict[str, tuple[str, str]]:
    """Logical id -> (method, path) of each function's first Api event in template.yaml."""
    from samtranslator.yaml_helper import yaml_parse  # noqa: PLC0415

    template = yaml_parse(TEMPLATE.read_text())
    routes = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") == "Api":
                routes[logical_id] = (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
                break
    return routes


def first_request(method: str, path: str, user: dict[str, str], sku: str) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """(body, query) of a harmless, valid first request where one is cheap to make; else an empty body (422)."""
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/auth/login"): {"email": user["email"], "password": user["password"]},
        ("POST", "/auth/signup"): {"email": f"cold-{uuid.uuid4().hex[:10]}@example.com", "password": "bench-pass-123"},
        ("POST", "/cart/items"): {"sku": sku, "quantity": 1},
        ("PATCH", "/me"): {"name": "Cold Start"},
    }
    queries = {("GET", "/products/search"): {"q": "lamp"}, ("GET", "/products"): {"limit": "20"}}
    body = bodies.get((method, path), None if method in ("GET", "DELETE") else {})
    return body, queries.get((method, path))


def proxy_event(method: str, path: str, user: dict[str, str], path_values: dict[str, str], sku: str) -> dict[str, Any]:
    """A REST proxy event for the route (the shape the local gateway sends), signed in as `user`.

    Real ids only for reads: a write route gets ids that do not exist, so nothing the other
    benchmarks use is changed (its first invocation is then a 404 or 422, and says so)."""
    event = copy.deepcopy(json.loads(SAMPLE_EVENT.read_text()))
    params = {}
    concrete = path
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment[1:-1].rstrip("+")
            params[name] = path_values.get(name, "bench") if method == "GET" else "BENCH-COLDSTART"
            concrete = concrete.replace(segment, params[name])
    body, query = first_request(method, path, user, sku)
    event.update({"resource": path, "path": concrete, "httpMethod": method, "pathParameters": params or None,
                  "body": None if body is None else json.dumps(body), "queryStringParameters": query,
                  "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None})
    event["headers"] = {k: v for k, v in event["headers"].items() if k != "If-None-Match"}
    event["multiValueHeaders"] = {k: [v] for k, v in event["headers"].items()}
    context = event["requestContext"]
    context.update({"resourcePath": path, "httpMethod": method, "path": f"/dev{concrete}"})
    context["authorizer"]["claims"].update({"sub": user["userId"], "email": user["email"]})
    return event


def function_specs(shop: Shop) -> list[Any]:
    """FunctionSpecs of the running cloud's functions (same stack name, parameters, outputs)."""
    from localcloud.redisd import ensure_redis  # noqa: PLC0415
    from localcloud.runtime import function_specs as specs_of  # noqa: PLC0415
    from localcloud.template import build_stack  # noqa: PLC0415

    health = shop.cloud.health
    redis = ensure_redis()
    try:
        parameters = {"CacheMode": "external", "CacheUrl": redis.url, **shop.overrides}  # as the local cloud sets them
    finally:
        if redis.embedded:
            redis.stop()
    stack = build_stack(TEMPLATE, stack_name=health["stack"], region=health["region"], parameter_overrides=parameters)
    # the cloud's provisioner replaced some ids with what moto answered (user pool, client): use those
    real = health.get("outputs", {})
    swap = {str(value): str(real[name]) for name, value in stack.outputs.items() if name in real and real[name] != value}
    specs = specs_of(stack)
    for spec in specs:
        spec.environment = {k: swap.get(v, v) for k, v in spec.environment.items()}
    return specs


def baseline_spec() -> Any:
    from localcloud.runtime.worker import FunctionSpec  # noqa: PLC0415

    return FunctionSpec(name="bench-baseline", arn="arn:aws:lambda:us-east-1:123456789012:function:bench-baseline",
                        handler="app.handler", code_dir=str(BASELINE_DIR), memory_mb=512, timeout_s=10,
                        environment={"POWERTOOLS_SERVICE_NAME": "bench-baseline"}, layer_dirs=[str(LAYER_DIR)])


def _fresh_invoke(spec: Any, event: dict[str, Any], aws_url: str, region: str) -> tuple[float | None, float, str | None]:
    """(init ms, first invocation ms, error) in a brand-new execution environment."""
    from localcloud.runtime import LocalRuntime  # noqa: PLC0415

    runtime = LocalRuntime([spec], aws_endpoint=aws_url, region=region, log=lambda name, line: None)
    try:
        result = runtime.invoke(spec.name, event)
    finally:
        runtime.close()
    error = result.error_type
    payload = result.payload
    if error is None and isinstance(payload, dict) and isinstance(payload.get("statusCode"), int) and payload["statusCode"] >= 400:
        error = f"HTTP {payload['statusCode']}"
    return result.init_ms, result.duration_ms, error


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def run(shop: Shop, *, products: list[dict[str, Any]], rounds: int = 2, cache_dir: Path,
        only: list[str] | None = None) -> dict[str, Any]:
    health = shop.cloud.health
    aws_url, region = shop.cloud.aws_url, health["region"]
    user = shop.sign_up()
    values = {"productId": products[0]["productId"] if products else "bench",
              "sku": products[0]["sku"] if products else "BENCH-1", "orderId": "bench"}
    routes = api_routes()

    def measure(spec: Any, event: dict[str, Any]) -> dict[str, Any]:
        inits, firsts, errors = [], [], []
        for _ in range(rounds):
            init_ms, first_ms, error = _fresh_invoke(spec, event, aws_url, region)
            if init_ms is not None:
                inits.append(init_ms)
            firsts.append(first_ms)
            errors.append(error)
        return {"init_ms": _median(inits), "first_invoke_ms": _median(firsts), "rounds": rounds,
                "init_samples_ms": [round(x, 1) for x in inits], "first_error": next((e for e in errors if e), None)}

    # the baseline is sampled all along (every few functions): a busy machine slows both alike
    baseline_samples: list[dict[str, Any]] = []
    rows = []
    specs = [s for s in sorted(function_specs(shop), key=lambda s: s.logical_id)
             if not only or any(word.lower() in s.logical_id.lower() for word in only)]
    for index, spec in enumerate(specs):
        if index % BASELINE_EVERY == 0:
            baseline_samples.append(measure(baseline_spec(), {}))
        route = routes.get(spec.logical_id)
        event = proxy_event(route[0], route[1], {**user, "password": "bench-pass-123"}, values, values["sku"]) if route else {}
        row = {"name": spec.logical_id.removesuffix("Function"), "route": " ".join(route) if route else None,
               "memory_mb": spec.memory_mb, **measure(spec, event)}
        raw, zipped = zip_size(Path(spec.code_dir))
        row["package_kb"], row["package_zip_kb"] = round(raw / 1024, 1), round(zipped / 1024, 1)
        rows.append(row)
    baseline_samples.append(measure(baseline_spec(), {}))
    inits = [x for b in baseline_samples for x in b["init_samples_ms"]]
    baseline = {"init_ms": _median(inits), "init_samples_ms": inits,
                "first_invoke_ms": _median([b["first_invoke_ms"] for b in baseline_samples if b["first_invoke_ms"] is not None])}
    for row in rows:
        if row["init_ms"] is not None and baseline["init_ms"] is not None:
            row["over_baseline_ms"] = round(row["init_ms"] - baseline["init_ms"], 1)
    rows.sort(key=lambda r: -(r["init_ms"] or 0))
    return {
        "method": ("Fresh environments from localcloud's own runtime (same bootstrap, env and layer as "
                   f"`python -m localcloud`), median of {rounds} per function, against the running seeded cloud; "
                   "first invocation = handler duration on its first event (a valid API proxy event where cheap, else {} or an empty body: then its 4xx is shown)."),
        "baseline": baseline, "layer": layer_sizes(cache_dir), "functions": rows,
        "functions_expected": sorted(health.get("functions", [])),
        "load_average": os.getloadavg()[0],
    }
