"""The least-privilege report: what each role of a template is granted and never used.

Every local cloud started with `--iam-usage FILE` writes, when it stops, each role's grants (Allow
statement x action pattern x resource pattern, physical names as ${LogicalId}) and which ones a
request used. This merges the files of one template (the suite starts several local clouds) and
lists the grants no request used, with the SAM policy template each came from.

    python -m localcloud.iam.report --template template.yaml --usage .localcloud/iam-usage

Kept without review: the managed policies Lambda and X-Ray use themselves, and the unused actions
of a SAM policy template whose other actions are used. Listed for review: every policy no request
used, unless `infrastructure/local/iam-kept.yaml` says why the template keeps it.
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


KEPT_FILE = Path(__file__).resolve().parents[2] / "iam-kept.yaml"


def kept_reason(policy: str) -> str | None:
    return SERVICE_MANAGED.get(policy)


def recorded_reasons(path: Path = KEPT_FILE) -> dict[tuple[str, str], str]:
    """(role logical id, Policies entry as the report names it) -> why the template keeps it unused."""
    import yaml

    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    return {(role, entry): " ".join(str(reason).split()) for role, entries in data.items()
            for entry, reason in (entries or {}).items()}


@dataclass
class PolicyUsage:
    """One policy of a role: per action and per resource pattern, whether any request used it."""

    name: str
    actions: dict[str, bool] = field(default_factory=dict)
    resources: dict[str, bool] = field(default_factory=dict)

    @property
    def unused_actions(self) -> list[str]:
        return sorted(a for a, used in self.actions.items() if not used)

    @property
    def unused_resources(self) -> list[str]:
        return sorted(r for r, used in self.resources.items() if not used)

    @property
    def never_used(self) -> bool:
        return not any(self.actions.values())


def policies_of(role: RoleUsage) -> list[PolicyUsage]:
    policies: dict[str, PolicyUsage] = {}
    for (policy, _statement, action, resource), used in role.grants.items():
        usage = policies.setdefault(policy, PolicyUsage(policy))
        usage.actions[action] = usage.actions.get(action, False) or used
        usage.resources[resource] = usage.resources.get(resource, False) or used
    return list(policies.values())


def reason_for(reasons: dict[tuple[str, str], str], role: str, origin: str) -> str | None:
    return reasons.get((role, origin)) or reasons.get(("*", origin))


def unused_policies(roles: dict[str, RoleUsage], sources: dict[str, str],
                    reasons: dict[tuple[str, str], str]) -> tuple[list[str], list[str]]:
    """Policies no request used, as "Role: entry": (kept with a recorded reason, to review)."""
    kept, review = [], []
    for logical_id, role in sorted(roles.items()):
        for policy in policies_of(role):
            if kept_reason(policy.name) or not policy.never_used:
                continue
            origin = sources.get(policy.name, policy.name)
            (kept if reason_for(reasons, logical_id, origin) else review).append(f"{logical_id}: {origin}")
    return kept, review


def summary_line(roles: dict[str, RoleUsage], clouds: int, sources: dict[str, str],
                 reasons: dict[tuple[str, str], str]) -> str:
    kept, review = unused_policies(roles, sources, reasons)
    extras = sum(len(p.unused_actions) for r in roles.values() for p in policies_of(r)
                 if not kept_reason(p.name) and not p.never_used)
    return (f"IAM: {len(roles)} roles over {clouds} local clouds of template.yaml: {len(kept) + len(review)} policies "
            f"no test used ({len(kept)} kept with a reason, {len(review)} to review), {extras} unused actions of "
            f"SAM policy templates in use - `make iam-report` lists them")


def render(roles: dict[str, RoleUsage], clouds: int, sources: dict[str, str],
           reasons: dict[tuple[str, str], str]) -> Iterable[str]:
    yield f"Least-privilege report: what the template's roles are granted and no request used ({clouds} local clouds)"
    for logical_id in sorted(roles):
        policies = policies_of(roles[logical_id])
        reviewed = [p for p in policies if not kept_reason(p.name) and (p.unused_actions or p.unused_resources)]
        service = sorted({p.name for p in policies if kept_reason(p.name) and p.unused_actions})
        yield ""
        yield f"{logical_id}" + ("" if reviewed else ": every grant of its own policies used")
        for policy in reviewed:
            origin = sources.get(policy.name, policy.name)
            if policy.never_used:
                reason = reason_for(reasons, logical_id, origin)
                if reason:
                    yield f"  unused, kept: {origin} ({reason})"
                else:
                    yield f"  NEVER USED, to review: {origin}: {', '.join(sorted(policy.actions))}"
                continue
            used = sorted(a for a, u in policy.actions.items() if u)
            yield f"  {origin}: uses {', '.join(used)}"
            if policy.unused_actions:
                yield f"      unused (comes with it): {', '.join(policy.unused_actions)}"
            if policy.unused_resources:
                yield f"      never on: {', '.join(policy.unused_resources)}"
        for name in service:
            yield f"  kept ({kept_reason(name)}): {name.rsplit('/', 1)[-1]}"
    yield ""
    yield summary_line(roles, clouds, sources, reasons)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localcloud.iam.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", type=Path, default=Path("template.yaml"))
    parser.add_argument("--usage", type=Path, default=Path(".localcloud/iam-usage"))
    args = parser.parse_args(argv)
    roles, clouds = load(args.usage, args.template)
    if not clouds:
        print(f"no IAM usage recorded for {args.template} under {args.usage}: run `make test` first", file=sys.stderr)
        return 1
    for line in render(roles, clouds, policy_sources(args.template), recorded_reasons()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
