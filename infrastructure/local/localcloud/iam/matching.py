"""Wildcard matching as IAM does it: actions (case-insensitive globs), resource ARNs (segment-wise,
case-sensitive; a `*` ending a segment may run past colons) and StringLike values (whole string)."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, flags: int) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), flags | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """`dynamodb:Get*` matches `dynamodb:GetItem`; case does not matter (IAM actions are case-insensitive)."""
    return _glob(pattern, re.IGNORECASE).fullmatch(action) is not None


def string_like(pattern: str, value: str) -> bool:
    """StringLike: `*` and `?` over the whole value, case-sensitive."""
    return _glob(pattern, 0).fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)
def _arn_pattern(pattern: str) -> re.Pattern[str]:
    # ARN segments are separated by the first five colons; the sixth segment (the resource) may hold more
    segments = pattern.split(":", 5)
    compiled = []
    for segment in segments:
        out = []
        for index, char in enumerate(segment):
            if char == "*":
                out.append(".*" if index == len(segment) - 1 else "[^:]*")
            elif char == "?":
                out.append("[^:]")
            else:
                out.append(re.escape(char))
        compiled.append("".join(out))
    return re.compile(":".join(compiled), re.DOTALL)


def arn_matches(pattern: str, arn: str) -> bool:
    """The Resource element and ArnLike: wildcards within each ARN segment, case-sensitive."""
    if pattern == "*":
        return True
    return _arn_pattern(pattern).fullmatch(arn) is not None
