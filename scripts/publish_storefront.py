"""Upload the built storefront (frontend/dist) to the stack's bucket and invalidate what changed.

    python -m scripts.publish_storefront --stack shop-dev [--dist frontend/dist]     (make deploy runs it)

- Cache-Control per file: `index.html` and `config.json` no-cache (revalidated on every visit), `assets/*`
  a year and immutable (their names carry a hash of their content); anything else an hour.
- `config.json` is written as `{"apiUrl": ""}`: the API is on the storefront's own origin (CloudFront).
- A file is uploaded only when its MD5 differs from the object's ETag; objects that no build has any more
  are deleted (the bucket keeps old versions 30 days). CloudFront is invalidated for the changed paths only
  (`/` too when index.html changed); a deploy that changed nothing invalidates nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
DEFAULT = "public, max-age=3600"
SITE_CONFIG = "config.json"


def cache_control(key: str) -> str:
    if key in ("index.html", SITE_CONFIG):
        return NO_CACHE
    if key.startswith("assets/"):
        return IMMUTABLE
    return DEFAULT


def content_type(key: str) -> str:
    guessed, _ = mimetypes.guess_type(key)
    if guessed in ("text/html", "text/css", "text/javascript", "application/javascript", "application/json"):
        return f"{guessed}; charset=utf-8"
    return guessed or "application/octet-stream"


@dataclass
class Published:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invalidation_id: str | None = None

    @property
    def changed_paths(self) -> list[str]:
        paths = sorted({f"/{key}" for key in self.uploaded + self.deleted})
        return (["/"] if "/index.html" in paths else []) + paths


def site_files(dist: Path) -> dict[str, bytes]:
    """What the bucket should hold: the build, plus config.json for the same-origin API."""
    if not (dist / "index.html").is_file():
        raise FileNotFoundError(f"{dist}/index.html: build the storefront first (make frontend)")
    files = {path.relative_to(dist).as_posix(): path.read_bytes() for path in sorted(dist.rglob("*")) if path.is_file()}
    files[SITE_CONFIG] = json.dumps({"apiUrl": ""}).encode()
    return files


def _etags(s3: Any, bucket: str) -> dict[str, str]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def publish(files: dict[str, bytes], bucket: str, distribution_id: str | None, *, s3: Any,
            cloudfront: Any = None) -> Published:
    result = Published()
    existing = _etags(s3, bucket)
    # assets first, index.html last: a visitor never gets a page whose assets are not there yet
    for key in sorted(files, key=lambda k: (k == "index.html", k)):
        body = files[key]
        if existing.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            result.unchanged.append(key)
            continue
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(key), CacheControl=cache_control(key))
        result.uploaded.append(key)
    for key in sorted(set(existing) - set(files)):
        s3.delete_object(Bucket=bucket, Key=key)
        result.deleted.append(key)
    if distribution_id and cloudfront is not None and result.changed_paths:
        answer = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
            "Paths": {"Quantity": len(result.changed_paths), "Items": result.changed_paths},
            "CallerReference": f"publish-{time.time_ns()}"})
        result.invalidation_id = answer["Invalidation"]["Id"]
    return result


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def main(argv: list[str] | None = None) -> int:
    import boto3  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", default=None)
    parser.add_argument("--dist", type=Path, default=Path("frontend/dist"))
    args = parser.parse_args(argv)
    session = boto3.session.Session(region_name=args.region)
    outputs = stack_outputs(session.client("cloudformation"), args.stack)
    result = publish(site_files(args.dist), outputs["StorefrontBucketName"], outputs.get("CdnDistributionId"),
                     s3=session.client("s3"), cloudfront=session.client("cloudfront"))
    print(f"storefront: {len(result.uploaded)} uploaded, {len(result.deleted)} deleted, "
          f"{len(result.unchanged)} unchanged; invalidated {result.changed_paths or 'nothing'}"
          f"{' (' + result.invalidation_id + ')' if result.invalidation_id else ''}")
    print(f"storefront: {outputs.get('StorefrontUrl', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
