"""The least-privilege report: what each role of a template is granted and never used.

Every local cloud started with `--iam-usage FILE` writes, when it stops, each role's grants (Allow
statement x action pattern x resource pattern, physical names as ${LogicalId}) and which ones a
request used. This merges the files of one template (the suite starts several local clouds) and
lists the grants no request used, with the SAM policy template each came from.

    python -m localcloud.iam.report --template template.yaml --usage .localcloud/iam-usage
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# grants the Lambda and Step Functions services use themselves, never the function's code: the
# local cloud neither ships logs to CloudWatch Logs nor traces to X-Ray, so these are never exercised
SERVICE_MANAGED = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": "Lambda writes the function's logs with it",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess": "Tracing: Active sends X-Ray segments with it",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole":
        "the managed policy SAM attaches for a stream event source (Lambda's poller and logs)",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole":
        "the managed policy SAM attaches for a queue event source (Lambda's poller and logs)",
}


@dataclass
class RoleUsage:
    logical_id: str
    grants: dict[tuple[str, int, str, str], bool] = field(default_factory=dict)  # -> used anywhere
    pairs: set[tuple[str, str]] = field(default_factory=set)

    def unused(self) -> list[tuple[str, int, str, str]]:
        return [grant for grant, used in self.grants.items() if not used]


def load(usage_dir: Path, template: Path) -> tuple[dict[str, RoleUsage], int]:
    """Every role's grants, used if any local cloud of `template` used them; and the file count."""
    roles: dict[str, RoleUsage] = {}
    count = 0
    wanted = str(template.resolve())
    for path in sorted(usage_dir.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("template") != wanted:
            continue
        count += 1
        for logical_id, role in record.get("roles", {}).items():
            usage = roles.setdefault(logical_id, RoleUsage(logical_id))
            for grant in role.get("grants", []):
                key = (grant["policy"], int(grant["statement"]), grant["action"], grant["resource"])
                usage.grants[key] = usage.grants.get(key, False) or bool(grant["used"])
            usage.pairs.update((a, r) for a, r in role.get("used", []))
    return roles, count


def policy_sources(template: Path) -> dict[str, str]:
    """Inline policy name (<Role>Policy<N>) -> the SAM `Policies:` entry it was translated from."""
    from samtranslator.yaml_helper import yaml_parse

    sources: dict[str, str] = {}
    document = yaml_parse(template.read_text())
    for logical_id, resource in (document.get("Resources") or {}).items():
        policies = (resource.get("Properties") or {}).get("Policies")
        if not isinstance(policies, list):
            continue
        for index, entry in enumerate(policies):
            sources[f"{logical_id}RolePolicy{index}"] = _describe(entry)
    return sources


def _describe(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and "Fn::If" in entry:
        condition, when_true, _ = entry["Fn::If"]
        return f"{_describe(when_true)} if {condition}"
    if isinstance(entry, dict) and len(entry) == 1:
        name, args = next(iter(entry.items()))
        if name == "Statement":
            return "an inline Statement"
        if isinstance(args, dict):
            return f"{name}({', '.join(f'{k}={_ref(v)}' for k, v in args.items())})"
        return name
    return "a policy"


def _ref(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        kind, target = next(iter(value.items()))
        if kind == "Ref":
            return str(target)
        if kind == "Fn::GetAtt":
            return ".".join(target) if isinstance(target, list) else str(target)
        if kind == "Fn::Sub":
            return str(target if isinstance(target, str) else target[0])
    return json.dumps(value) if not isinstance(value, str) else value


def kept_reason(policy: str) -> str | None:
    return SERVICE_MANAGED.get(policy)


def summary_line(roles: dict[str, RoleUsage], clouds: int) -> str:
    unused = [(r, g) for r in roles.values() for g in r.unused()]
    kept = sum(1 for _, g in unused if kept_reason(g[0]))
    to_review = len(unused) - kept
    return (f"IAM: {len(roles)} roles, {sum(len(r.grants) for r in roles.values())} grants; {len(unused)} never used "
            f"in this run ({kept} kept: used by Lambda/X-Ray themselves; {to_review} to review) over {clouds} local "
            f"clouds - `make iam-report` lists them")


def render(roles: dict[str, RoleUsage], clouds: int, sources: dict[str, str]) -> Iterable[str]:
    yield f"Least-privilege report: grants of the template's roles that no request used ({clouds} local clouds)"
    yield ""
    for logical_id in sorted(roles):
        role = roles[logical_id]
        unused = role.unused()
        to_review = [g for g in unused if not kept_reason(g[0])]
        kept = [g for g in unused if kept_reason(g[0])]
        used = sum(1 for v in role.grants.values() if v)
        if not unused:
            yield f"{logical_id}: every grant used ({used})"
            continue
        yield f"{logical_id}: {used} of {len(role.grants)} grants used"
        by_policy: dict[str, list[tuple[str, int, str, str]]] = {}
        for grant in to_review:
            by_policy.setdefault(grant[0], []).append(grant)
        for policy, grants in by_policy.items():
            origin = sources.get(policy, policy)
            resources = sorted({g[3] for g in grants})
            actions = sorted({g[2] for g in grants})
            yield f"  never used, from {origin}: {', '.join(actions)}"
            yield f"      on {', '.join(resources)}"
        for policy in sorted({g[0] for g in kept}):
            actions = sorted({g[2] for g in kept if g[0] == policy})
            yield f"  kept ({kept_reason(policy)}): {', '.join(actions)}"
    yield ""
    yield summary_line(roles, clouds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localcloud.iam.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", type=Path, default=Path("template.yaml"))
    parser.add_argument("--usage", type=Path, default=Path(".localcloud/iam-usage"))
    args = parser.parse_args(argv)
    roles, clouds = load(args.usage, args.template)
    if not clouds:
        print(f"no IAM usage recorded for {args.template} under {args.usage}: run `make test` first", file=sys.stderr)
        return 1
    for line in render(roles, clouds, policy_sources(args.template)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
