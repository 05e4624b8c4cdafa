"""CloudFormation intrinsic functions and conditions, evaluated against what is known of the stack.

Written by hand because no offline library resolves intrinsics against a local stack: cfn-lint
only checks them and the SAM translator leaves them in place for CloudFormation to fill.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NO_VALUE = object()  # AWS::NoValue: the enclosing key or list item disappears
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class TemplateError(ValueError):
    """The template uses something the local cloud cannot resolve (with where and why)."""


@dataclass
class Context:
    """What intrinsics resolve against. `ref` and `get_att` answer for resources (logical ids)."""

    region: str
    account_id: str
    stack_name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    ref: Callable[[str], Any] = lambda name: None
    get_att: Callable[[str, str], Any] = lambda name, attr: None
    stack_id: str = ""

    def pseudo(self, name: str) -> Any:
        values = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id
            or f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name not in values:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return values[name]


def references(node: Any) -> set[str]:
    """Logical ids (resources or parameters) that a property tree refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        if len(node) == 1:
            ((key, value),) = node.items()
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                found.add(target)
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1])
                for name in SUB_VARIABLE.findall(text):
                    if not name.startswith("!") and name.split(".", 1)[0] not in variables:
                        found.add(name.split(".", 1)[0])
                found |= references(variables)
                return found
        for value in node.values():
            found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def evaluate_condition(node: Any, ctx: Context) -> bool:
    value = resolve(node, ctx)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TemplateError(f"condition does not evaluate to a boolean: {node!r}")


def evaluate_conditions(conditions: dict[str, Any], ctx: Context) -> dict[str, bool]:
    """Every named condition, each evaluated once (conditions may refer to each other)."""
    pending = dict(conditions)

    def named(name: str) -> bool:
        if name not in ctx.conditions:
            if name not in pending:
                raise TemplateError(f"unknown condition {name}")
            ctx.conditions[name] = evaluate_condition(pending.pop(name), ctx)
        return ctx.conditions[name]

    for name in list(conditions):
        named(name)
    return ctx.conditions


def _condition_value(name: str, ctx: Context) -> bool:
    if name not in ctx.conditions:
        raise TemplateError(f"unknown condition {name}")
    return ctx.conditions[name]


def _substitute(text: str, variables: dict[str, Any], ctx: Context) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            value = variables[name]
        elif name.startswith("AWS::"):
            value = ctx.pseudo(name)
        elif "." in name:
            logical_id, attribute = name.split(".", 1)
            value = ctx.get_att(logical_id, attribute)
        elif name in ctx.parameters:
            value = ctx.parameters[name]
        else:
            value = ctx.ref(name)
        if value is None or value is NO_VALUE:
            raise TemplateError(f"Fn::Sub: cannot resolve ${{{name}}}")
        return ",".join(map(str, value)) if isinstance(value, list) else str(value)

    return SUB_VARIABLE.sub(one, text)


def _ref(name: str, ctx: Context) -> Any:
    if name.startswith("AWS::"):
        return ctx.pseudo(name)
    if name in ctx.parameters:
        return ctx.parameters[name]
    value = ctx.ref(name)
    if value is None:
        raise TemplateError(f"Ref: unknown logical id {name}")
    return value


def _function(key: str, value: Any, ctx: Context) -> Any:  # noqa: C901 - one branch per intrinsic
    if key == "Ref":
        return _ref(value, ctx)
    if key == "Condition":
        return _condition_value(value, ctx)
    if key == "Fn::If":
        name, when_true, when_false = value
        return resolve(when_true if _condition_value(name, ctx) else when_false, ctx)
    if key == "Fn::Equals":
        left, right = (resolve(v, ctx) for v in value)
        return str(left) == str(right)
    if key == "Fn::And":
        return all(evaluate_condition(v, ctx) for v in value)
    if key == "Fn::Or":
        return any(evaluate_condition(v, ctx) for v in value)
    if key == "Fn::Not":
        return not evaluate_condition(value[0], ctx)
    if key == "Fn::GetAtt":
        logical_id, attribute = value if isinstance(value, list) else str(value).split(".", 1)
        attribute = resolve(attribute, ctx)
        result = ctx.get_att(logical_id, attribute)
        if result is None:
            raise TemplateError(f"Fn::GetAtt: {logical_id}.{attribute} is not known")
        return result
    if key == "Fn::Sub":
        if isinstance(value, str):
            return _substitute(value, {}, ctx)
        text, variables = value
        return _substitute(resolve(text, ctx), resolve(variables, ctx), ctx)
    if key == "Fn::Join":
        delimiter, items = value
        items = resolve(items, ctx)
        return resolve(delimiter, ctx).join(str(i) for i in items if i is not NO_VALUE)
    if key == "Fn::Select":
        index, items = resolve(value[0], ctx), resolve(value[1], ctx)
        return items[int(index)]
    if key == "Fn::Split":
        delimiter, text = resolve(value[0], ctx), resolve(value[1], ctx)
        return text.split(delimiter)
    if key == "Fn::FindInMap":
        name, top, second = (resolve(v, ctx) for v in value[:3])
        try:
            return ctx.mappings[name][top][second]
        except KeyError:
            if len(value) > 3 and isinstance(value[3], dict) and "DefaultValue" in value[3]:
                return resolve(value[3]["DefaultValue"], ctx)
            raise TemplateError(f"Fn::FindInMap: no {name}.{top}.{second}") from None
    if key == "Fn::GetAZs":
        return [f"{ctx.region}{zone}" for zone in "abc"]
    if key == "Fn::Base64":
        return base64.b64encode(str(resolve(value, ctx)).encode()).decode()
    if key == "Fn::ToJsonString":
        return json.dumps(resolve(value, ctx), separators=(",", ":"))
    if key == "Fn::Length":
        return len(resolve(value, ctx))
    if key == "Fn::ImportValue":
        raise TemplateError("Fn::ImportValue: cross-stack imports are not emulated locally")
    raise TemplateError(f"unsupported intrinsic {key}")


def resolve(node: Any, ctx: Context) -> Any:
    """The node with every intrinsic function evaluated; AWS::NoValue entries removed."""
    if isinstance(node, dict):
        if len(node) == 1:
            ((key, value),) = node.items()
            # {"Condition": "Name"} only inside Fn::And/Or/Not; an IAM Condition block is a dict
            if key == "Ref" or key.startswith("Fn::") or (key == "Condition" and isinstance(value, str)):
                return _function(key, value, ctx)
        resolved: dict[str, Any] = {}
        for key, value in node.items():
            item = resolve(value, ctx)
            if item is not NO_VALUE:
                resolved[key] = item
        return resolved
    if isinstance(node, list):
        return [item for item in (resolve(v, ctx) for v in node) if item is not NO_VALUE]
    return node
