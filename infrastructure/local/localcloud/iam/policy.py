"""IAM policy evaluation for requests within one account, following AWS's documented logic:

1. every applicable statement is found: the principal's identity policies, and the statements of the
   resource's policy whose Principal names the caller;
2. an explicit Deny in any of them wins;
3. else an Allow in an identity policy, or in the resource policy for that principal, allows
   (naming the account in a resource policy delegates to identity policies: it allows nothing alone);
4. else the request is implicitly denied.

A statement applies when its Action/NotAction, Resource/NotResource (and Principal/NotPrincipal, in
a resource policy) match and its Condition holds. Actions are case-insensitive globs, resources are
case-sensitive ARN globs, `${...}` policy variables are substituted (Version 2012-10-17 only).
Not modelled: SCPs, RCPs, permissions boundaries, session policies, cross-account requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from localcloud.iam.conditions import (
    ContextValue,
    UnknownConditionKey,
    UnsupportedCondition,
    condition_keys,
    evaluate_block,
)
from localcloud.iam.matching import action_matches, arn_matches

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


def _listed(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


@dataclass(frozen=True)
class Principals:
    """A Principal / NotPrincipal element: "*" or {"AWS": [...], "Service": [...], ...}."""

    anyone: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # Federated / CanonicalUser: never matched here

    @classmethod
    def parse(cls, element: Any) -> Principals | None:
        if element is None:
            return None
        if element == "*":
            return cls(anyone=True)
        if not isinstance(element, Mapping):
            return cls(aws=_listed(element))
        aws = _listed(element.get("AWS"))
        return cls(anyone="*" in aws, aws=tuple(a for a in aws if a != "*"), service=_listed(element.get("Service")),
                   other=_listed(element.get("Federated")) + _listed(element.get("CanonicalUser")))


@dataclass(frozen=True)
class Caller:
    """Who sent the request: a role session (arn = the assumed-role ARN) or an AWS service."""

    arn: str
    account: str
    role_arn: str | None = None
    service: str | None = None  # "events.amazonaws.com" for a service principal

    def named_by(self, principals: Principals) -> str | None:
        """How a Principal element names this caller: "exact", "account" or None."""
        if principals.anyone:
            return "exact"
        if self.service is not None:
            return "exact" if self.service in principals.service else None
        for name in principals.aws:
            if name in (self.arn, self.role_arn):
                return "exact"
            if name in (self.account, f"arn:aws:iam::{self.account}:root"):
                return "account"
        return None


@dataclass(frozen=True)
class Statement:
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: Principals | None = None
    not_principals: Principals | None = None
    condition: Mapping[str, Any] = field(default_factory=dict)
    sid: str = ""
    origin: str = ""  # the policy it came from (its name), for messages and the usage report
    index: int = 0  # its position in that policy

    @classmethod
    def parse(cls, element: Mapping[str, Any], origin: str = "", index: int = 0) -> Statement:
        effect = str(element.get("Effect", ""))
        if effect not in ("Allow", "Deny"):
            raise ValueError(f"{origin}: statement {index} has Effect {effect!r}")
        if ("Action" in element) == ("NotAction" in element):
            raise ValueError(f"{origin}: statement {index} needs exactly one of Action and NotAction")
        return cls(
            effect=effect, actions=_listed(element.get("Action")), not_actions=_listed(element.get("NotAction")),
            resources=_listed(element.get("Resource")), not_resources=_listed(element.get("NotResource")),
            principals=Principals.parse(element.get("Principal")),
            not_principals=Principals.parse(element.get("NotPrincipal")),
            condition=dict(element.get("Condition") or {}), sid=str(element.get("Sid", "")),
            origin=origin, index=index,
        )

    def matches_action(self, action: str) -> bool:
        if self.not_actions:
            return not any(action_matches(p, action) for p in self.not_actions)
        return any(action_matches(p, action) for p in self.actions)

    def matching_resources(self, resource: str, substitute: Callable[[str], str | None],
                           implicit: bool) -> tuple[str, ...] | None:
        """The Resource patterns that match (None: the statement does not apply to `resource`)."""
        if self.not_resources:
            hit = any(_resource_hit(p, resource, substitute) for p in self.not_resources)
            return None if hit else ("NotResource",)
        if not self.resources:
            return ("(the resource itself)",) if implicit else None
        hits = tuple(p for p in self.resources if _resource_hit(p, resource, substitute))
        return hits or None


def _resource_hit(pattern: str, resource: str, substitute: Callable[[str], str | None]) -> bool:
    resolved = substitute(pattern)
    return resolved is not None and arn_matches(resolved, resource)


@dataclass(frozen=True)
class Policy:
    name: str
    statements: tuple[Statement, ...]
    version: str = "2012-10-17"

    @classmethod
    def parse(cls, name: str, document: Mapping[str, Any]) -> Policy:
        raw = document.get("Statement", [])
        items = raw if isinstance(raw, list) else [raw]
        return cls(name=name, statements=tuple(Statement.parse(s, name, i) for i, s in enumerate(items)),
                   version=str(document.get("Version", "2008-10-17")))

    def condition_keys(self) -> set[str]:
        return {key for s in self.statements for key in condition_keys(s.condition)}


@dataclass(frozen=True)
class Grant:
    """One Allow statement's action pattern and resource pattern that let a request through."""

    policy: str
    statement: int
    action: str
    resource: str


@dataclass
class Decision:
    allowed: bool
    reason: str  # "allowed" | "explicit deny in identity" | "explicit deny in resource" | "implicit"
    grants: tuple[Grant, ...] = ()
    unknown_keys: tuple[str, ...] = ()
    statement: Statement | None = None  # the deciding Deny, when there is one

    def because(self, action: str) -> str:
        """The tail AWS puts after "is not authorized to perform ... on resource ..."."""
        if self.reason == "explicit deny in identity":
            return "with an explicit deny in an identity-based policy"
        if self.reason == "explicit deny in resource":
            return "with an explicit deny in a resource-based policy"
        return f"because no identity-based policy allows the {action} action"


Known = Callable[[str], bool]


def evaluate(caller: Caller, action: str, resource: str, context: Mapping[str, ContextValue], *,
             identity: Sequence[Policy] = (), resource_policy: Policy | None = None,
             known: Known = lambda key: True) -> Decision:
    """AWS's decision for one (action, resource) of a request made by `caller` (same account)."""
    substitute = _substituter(context)
    unknown: list[str] = []

    def applies(statement: Statement, implicit_resource: bool, sub: Callable[[str], str | None]) -> tuple[str, ...] | None:
        if not statement.matches_action(action):
            return None
        hits = statement.matching_resources(resource, sub, implicit_resource)
        if hits is None:
            return None
        try:
            holds = evaluate_block(statement.condition, context, known, sub)
        except UnknownConditionKey as error:
            unknown.append(error.key)
            holds = statement.effect == "Deny"  # what AWS would decide is unknown: deny either way
        except UnsupportedCondition:
            holds = statement.effect == "Deny"
        return hits if holds else None

    identity_allows: list[Grant] = []
    for policy in identity:
        sub = substitute if policy.version == "2012-10-17" else _literal  # no variables before 2012-10-17
        for statement in policy.statements:
            hits = applies(statement, False, sub)
            if hits is None:
                continue
            if statement.effect == "Deny":
                return Decision(False, "explicit deny in identity", unknown_keys=tuple(unknown), statement=statement)
            identity_allows += [Grant(policy.name, statement.index, p, r)
                                for p in _matching_actions(statement, action) for r in hits]
    resource_allows = False
    if resource_policy is not None:
        sub = substitute if resource_policy.version == "2012-10-17" else _literal
        for statement in resource_policy.statements:
            named = _names_caller(statement, caller)
            if named is None:
                continue
            hits = applies(statement, True, sub)
            if hits is None:
                continue
            if statement.effect == "Deny":
                return Decision(False, "explicit deny in resource", unknown_keys=tuple(unknown), statement=statement)
            resource_allows = resource_allows or named == "exact"
    if identity_allows or resource_allows:
        return Decision(True, "allowed", grants=tuple(identity_allows), unknown_keys=tuple(unknown))
    return Decision(False, "implicit", unknown_keys=tuple(unknown))


def _names_caller(statement: Statement, caller: Caller) -> str | None:
    if statement.not_principals is not None:
        return None if caller.named_by(statement.not_principals) else "exact"
    if statement.principals is None:
        return None
    return caller.named_by(statement.principals)


def _matching_actions(statement: Statement, action: str) -> Iterable[str]:
    if statement.not_actions:
        return ("NotAction",)
    return [p for p in statement.actions if action_matches(p, action)]


def _literal(text: str) -> str:
    return text


def _substituter(context: Mapping[str, ContextValue]) -> Callable[[str], str | None]:
    """`${aws:username}`-style variables from the request context; None when one cannot be resolved
    (AWS then treats the element as not matching)."""

    def substitute(text: str) -> str | None:
        if "${" not in text:
            return text
        missing = False

        def one(match: re.Match[str]) -> str:
            nonlocal missing
            body = match.group(1)
            if body in _SPECIAL:
                return _SPECIAL[body]
            key, _, default = body.partition(",")
            value = context.get(key.strip().lower())
            if isinstance(value, str):
                return value
            default = default.strip()
            if default.startswith("'") and default.endswith("'") and len(default) >= 2:
                return default[1:-1]
            missing = True
            return ""

        result = _VARIABLE.sub(one, text)
        return None if missing else result

    return substitute
