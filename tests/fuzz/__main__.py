"""python -m tests.fuzz [--examples N] [--seed S]: the deep pass before a release (`make fuzz`).

Starts a seeded local cloud (the demo catalog, so reads find products), then runs schemathesis with
every check as an anonymous caller, a customer and an administrator. Exits 1 on any failure or when
the three runs made fewer than --min-requests requests; prints the request counts and the seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests import conftest
from tests.conftest import ROOT, launch, stop
from tests.fuzz.schemathesis_run import Identity, failure_report, run, sign_up

conftest.STARTUP_TIMEOUT_S = max(conftest.STARTUP_TIMEOUT_S, 240)  # a loaded 2-core machine starts slowly


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100, help="test cases per operation and phase (default 100)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="schemathesis' seed (default: now)")
    parser.add_argument("--min-requests", type=int, default=10_000, help="fail below this many requests in all")
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz-results", help="schemathesis' reports go here")
    args = parser.parse_args(argv)

    cloud = launch(ROOT / "template.yaml", stack_name="shop-fuzz", extra_args=["--seed"])
    try:
        identities = [Identity("anonymous"), sign_up(cloud.api_url),
                      sign_up(cloud.api_url, cloud.client("cognito-idp"), cloud.user_pool_id)]
        outcomes = []
        for identity in identities:
            outcome = run(cloud.api_url, identity, examples=args.examples, seed=args.seed, report_dir=args.out)
            print(outcome.summary(), flush=True)
            if outcome.failures or outcome.exit_code:
                print(failure_report(outcome), flush=True)
            outcomes.append(outcome)
    finally:
        problems = stop(cloud)
    requests = sum(o.requests for o in outcomes)
    failures = sum(o.failures for o in outcomes)
    print(f"all: {requests} requests, {failures} failures, seed {args.seed}; reports in {args.out}")
    if problems:
        print("; ".join(problems), file=sys.stderr)
    ok = failures == 0 and all(o.exit_code == 0 for o in outcomes) and requests >= args.min_requests
    if requests < args.min_requests:
        print(f"fewer than {args.min_requests} requests: raise --examples", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
