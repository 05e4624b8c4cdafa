"""Matches a request path to an API resource as API Gateway does: literal segments before `{param}`,
`{param}` before a greedy `{proxy+}`, an explicit method before ANY. A segment tree, because a
regex list costs a scan of every route per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

ANY_METHOD = "ANY"


@dataclass
class _Node(Generic[T]):
    literals: dict[str, _Node[T]] = field(default_factory=dict)
    param: tuple[str, _Node[T]] | None = None
    greedy: tuple[str, _Node[T]] | None = None
    methods: dict[str, T] = field(default_factory=dict)


def split_path(path: str) -> list[str]:
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()  # a trailing slash names the same resource
    return segments


class Router(Generic[T]):
    def __init__(self) -> None:
        self._root: _Node[T] = _Node()

    def add(self, path: str, method: str, target: T) -> bool:
        """Register a target; False when that path and method are already taken."""
        node = self._root
        for segment in split_path(path):
            if segment.startswith("{") and segment.endswith("+}"):
                name = segment[1:-2]
                if node.greedy is None:
                    node.greedy = (name, _Node())
                node = node.greedy[1]
            elif segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Node())
        if method in node.methods:
            return False
        node.methods[method] = target
        return True

    def match(self, segments: list[str], method: str) -> tuple[T, dict[str, str]] | None:
        params: dict[str, str] = {}
        target = self._walk(self._root, segments, 0, method, params)
        return (target, params) if target is not None else None

    def _walk(self, node: _Node[T], segments: list[str], index: int, method: str, params: dict[str, str]) -> T | None:
        if index == len(segments):
            return node.methods.get(method) or node.methods.get(ANY_METHOD)
        segment = segments[index]
        child = node.literals.get(segment)
        if child is not None:
            found = self._walk(child, segments, index + 1, method, params)
            if found is not None:
                return found
        if node.param is not None and segment:
            name, child = node.param
            found = self._walk(child, segments, index + 1, method, params)
            if found is not None:
                params[name] = segment
                return found
        if node.greedy is not None:
            name, child = node.greedy
            found = child.methods.get(method) or child.methods.get(ANY_METHOD)
            if found is not None:
                params[name] = "/".join(segments[index:])
                return found
        return None
