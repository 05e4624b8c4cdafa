"""python -m localcloud: run template.yaml on this machine (moto + local Lambda + local API Gateway)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from localcloud.redisd import ensure_redis


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m localcloud", description=__doc__)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--api-port", type=int, default=3000, help="local API Gateway port (0: none)")
    parser.add_argument("--aws-port", type=int, default=4566, help="AWS endpoint (moto) port")
    parser.add_argument("--stack-name", default="shop-local")
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    parser.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--redis-url", default=None, help="Redis to use if it answers (default: REDIS_URL)")
    parser.add_argument("--account-concurrency", type=int, default=1000,
                        help="account concurrency limit; unreserved functions share what reservations leave")
    parser.add_argument("--environments-per-function", type=int, default=8,
                        help="local cap on execution environments per function (beyond it, invocations wait)")
    parser.add_argument("--sandbox-port", type=int, default=0,
                        help="payment sandbox port (0: a free one) when the template has a PaymentProviderUrl")
    parser.add_argument("--storefront-port", type=int, default=0,
                        help="port of the storefront's static files (0: a free one; -1: not served)")
    parser.add_argument("--iam", choices=("on", "off"), default=os.environ.get("LOCALCLOUD_IAM", "on"),
                        help="enforce the template's IAM policies (default on; LOCALCLOUD_IAM=off sets the default)")
    parser.add_argument("--iam-usage", type=Path, default=None, metavar="FILE",
                        help="on stop, write what each role was granted and used (for `make iam-report`)")
    parser.add_argument("--seed", action="store_true", help="run scripts/seed.py once ready (if it exists)")
    parser.add_argument("--quiet", action="store_true", help="no function logs, only the summary and errors")
    return parser.parse_args(argv)


def overrides(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--parameter-overrides expects KEY=VALUE, got {pair!r}")
        result[key] = value
    return result


def summary(cloud: object, redis_url: str, embedded: bool) -> str:
    from localcloud.cloud import LocalCloud

    assert isinstance(cloud, LocalCloud) and cloud.stack is not None and cloud.runtime is not None
    stack = cloud.stack
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in cloud.timings.items())
    lines = ["", f"local cloud ready in {cloud.ready_seconds:.2f} s  ({phases}; stack {stack.name}, {stack.region})", ""]
    if cloud.storefront is not None:
        lines.append(f"  Storefront {cloud.storefront.url}/")
    elif cloud.config.storefront_port is not None:
        lines.append(f"  Storefront (none: {cloud.storefront_dir} is not built; make local builds it)")
    lines.append(f"  Console    {cloud.console_url}")
    lines.append(f"  API       {cloud.api_url if cloud.gateway_server else '(none: ' + str(cloud.gateway_error) + ')'}")
    lines.append(f"  AWS       {cloud.aws_url}   (AWS_ENDPOINT_URL; control API under /_localcloud/)")
    cache_mode = stack.parameters.get("CacheMode")
    lines.append(f"  Redis     {redis_url}{'  (embedded)' if embedded else ''}"
                 + (f"   (the L2 cache: CacheMode={cache_mode})" if cache_mode else ""))
    if cloud.iam is not None and cloud.iam.enabled:
        lines.append(f"  IAM       enforced: {len(cloud.iam.roles)} roles' policies from the template; refusals logged "
                     "as 'IAM denied' (--iam off to disable)")
    else:
        lines.append("  IAM       not enforced (--iam off): every request is allowed")
    if cloud.sandbox is not None:
        lines.append(f"  Payments  {cloud.sandbox.url}   (payment sandbox: clients tokenize at {cloud.sandbox.tokenize_url}")
        lines.append(f"            with the publishable key {cloud.sandbox.publishable_key}; the secret key and the webhook")
        lines.append("            signing secret are the stack's Secrets Manager secrets, also handed to the sandbox)")
    for pool in stack.of_type("AWS::Cognito::UserPool"):
        lines.append(f"  Cognito   pool {pool.physical_id}")
    for client in stack.of_type("AWS::Cognito::UserPoolClient"):
        lines.append(f"            client {client.physical_id}")
    if cloud.gateway is not None:
        lines += ["", "routes (and a CORS preflight on each path):"]
        for route in cloud.gateway.routes():
            if route.function_name is None:
                continue  # the CORS mock OPTIONS operations
            auth = route.authorizer or "public"
            key = "  api key" if route.api_key_required else ""
            lines.append(f"  {route.method:7} {route.path:40} -> {route.function_name}  [{auth}]{key}")
    lines += ["", f"functions ({len(cloud.runtime.pools)}):"]
    for name, pool in sorted(cloud.runtime.pools.items()):
        spec = pool.spec
        reserved = f", reserved {spec.reserved_concurrency}" if spec.reserved_concurrency is not None else ""
        lines.append(f"  {name}  ({spec.handler}, {spec.memory_mb} MB, {spec.timeout_s:g} s{reserved})")
    if cloud.pollers:
        lines += ["", "event sources: " + ", ".join(p.name for p in cloud.pollers)]
    if cloud.scheduler:
        lines.append("schedules: " + ", ".join(sorted(cloud.scheduler.rules)))
    return "\n".join(lines) + "\n"


def run_seed(aws_url: str) -> None:
    if not Path("scripts/seed.py").exists():
        return
    print("seeding: python -m scripts.seed ...", flush=True)
    result = subprocess.run([sys.executable, "-m", "scripts.seed", "--aws-endpoint", aws_url], check=False)
    if result.returncode:
        print(f"seed failed with exit code {result.returncode}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    quiet = args.quiet

    def progress(message: str) -> None:
        if not quiet or message.lstrip().startswith("!"):
            print(message, flush=True)

    stop_requested = threading.Event()
    running = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop_requested.set()
        if not running.is_set():  # still starting: unwind now (the finally below cleans up)
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    from localcloud.cloud import CloudConfig, LocalCloud

    redis = ensure_redis(args.redis_url)
    progress(f"Redis at {redis.url}{' (embedded redis-server)' if redis.embedded else ''}")
    params = overrides(args.parameter_overrides)
    cloud = LocalCloud(
        CloudConfig(template=Path(args.template), stack_name=args.stack_name, region=args.region,
                    aws_port=args.aws_port, api_port=args.api_port or None, parameter_overrides=params,
                    account_concurrency=args.account_concurrency, redis_url=redis.url,
                    environments_per_function=args.environments_per_function,
                    payment_sandbox_port=args.sandbox_port, iam=args.iam == "on", iam_usage=args.iam_usage,
                    storefront_port=None if args.storefront_port < 0 else args.storefront_port),
        progress=progress, function_log=(lambda name, line: None) if quiet else None,
    )
    try:
        cloud.start()
        print(summary(cloud, redis.url, redis.embedded), flush=True)
        print(f"READY {cloud.aws_url} {cloud.api_url or ''} ({time.monotonic() - started:.2f} s)", flush=True)
        running.set()
        if args.seed:
            run_seed(cloud.aws_url)
        while not stop_requested.wait(0.5):
            pass
        print("stopping ...", flush=True)
        return 0
    except KeyboardInterrupt:
        print("interrupted while starting: stopping ...", flush=True)
        return 130
    except Exception as error:
        print(f"local cloud failed to start: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        cloud.stop()
        redis.stop()


if __name__ == "__main__":
    sys.exit(main())
