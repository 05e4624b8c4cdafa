"""The deployed stack as the local cloud sees it: the template translated from SAM to plain
CloudFormation, every intrinsic resolved, and each resource's physical id and attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Resource:
    logical_id: str
    type: str
    properties: dict[str, Any]  # intrinsics resolved (Ref, GetAtt, Sub, Join, If, ...)
    physical_id: str  # what Ref returns
    attributes: dict[str, Any] = field(default_factory=dict)  # what GetAtt returns, e.g. {"Arn": ...}
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stack:
    name: str
    region: str
    account_id: str
    resources: dict[str, Resource]
    parameters: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, resource_type: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == resource_type]

    def by_arn(self, arn: str) -> Resource | None:
        for resource in self.resources.values():
            if resource.attributes.get("Arn") == arn:
                return resource
        return None
