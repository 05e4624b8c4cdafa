"""Reshard the carts: move only the carts whose shard changes when N shard tables become M.

    python -m scripts.reshard_carts --from 2 --to 3 [--tables t0,t1,t2] [--aws-endpoint URL] [--dry-run]

Growing from 2 to 3 shards:
1. add `CartsShard2Table` to template.yaml, append it to every cart function's CART_TABLES and set
   CART_PREVIOUS_SHARDS: '2' on them; deploy (reads now fall back to the old shard, writes move carts);
2. run this command (it moves about a third of the carts, every one of them to the new table);
3. drop CART_PREVIOUS_SHARDS and deploy again.
Tables come from --tables, else CART_TABLES, else the stack's `*-CartsShard<i>Table*` tables in order.
"""

from __future__ import annotations

import argparse
import os
import re
import sys


def shard_tables(names: list[str]) -> list[str]:
    """The stack's cart shard tables, in shard order (CartsShard0Table, CartsShard1Table, ...)."""
    found = {}
    for name in names:
        match = re.search(r"CartsShard(\d+)Table", name)
        if match:
            found[int(match.group(1))] = name
    return [found[index] for index in sorted(found)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Move carts whose shard changes from N to M shard tables.")
    parser.add_argument("--from", dest="from_shards", type=int, required=True, help="shard count today (N)")
    parser.add_argument("--to", dest="to_shards", type=int, required=True, help="shard count wanted (M)")
    parser.add_argument("--tables", help="comma-separated shard tables in shard order (default: CART_TABLES)")
    parser.add_argument(
        "--aws-endpoint",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="AWS endpoint (the local cloud: http://127.0.0.1:4566); default: AWS itself",
    )
    parser.add_argument("--dry-run", action="store_true", help="count the moves, change nothing")
    args = parser.parse_args(argv)
    if args.from_shards < 1 or args.to_shards < 1:
        parser.error("shard counts are at least 1")
    if args.aws_endpoint:
        os.environ["AWS_ENDPOINT_URL"] = args.aws_endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    from shop.aws import client
    from shop.cart.resharding import reshard

    dynamodb = client("dynamodb")
    raw = args.tables or os.environ.get("CART_TABLES")
    if raw:
        tables = [name.strip() for name in raw.split(",") if name.strip()]
    else:
        tables = shard_tables(dynamodb.list_tables()["TableNames"])
    try:
        report = reshard(dynamodb, tables, args.from_shards, args.to_shards, dry_run=args.dry_run)
    except ValueError as err:
        print(f"reshard_carts: {err} (tables: {tables})", file=sys.stderr)
        return 2
    verb = "would move" if args.dry_run else "moved"
    print(
        f"scanned {report.scanned} carts on {args.from_shards} shards; {verb} {report.moved} to {args.to_shards} shards"
    )
    for (source, target), count in sorted(report.moves_by_shard.items()):
        print(f"  shard {source} -> shard {target}: {count}")
    if report.skipped:
        print(f"skipped {len(report.skipped)} carts that changed meanwhile (run again to move them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
