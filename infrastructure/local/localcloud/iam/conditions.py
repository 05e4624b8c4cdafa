"""Condition operators of IAM policies, evaluated against a request context.

Semantics (AWS's "Condition operators" and "Multivalued context keys" pages):
- operators in one Condition block, and keys under one operator, are ANDed; the values listed for a
  key are ORed (for the negated operators, the value must match none of them);
- a key missing from the request makes a positive operator false and a negated one true;
  `...IfExists` makes a missing key true; `Null` tests presence itself;
- `ForAllValues:` is true when every request value matches (and when the key is missing or empty),
  `ForAnyValue:` when at least one does (false when missing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from localcloud.iam.matching import arn_matches, string_like

ContextValue = str | tuple[str, ...]


class UnknownConditionKey(Exception):
    """A condition names a key this evaluator does not supply: it cannot say what AWS would decide."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class UnsupportedCondition(Exception):
    """An operator this evaluator does not know (AWS would refuse such a policy when it is attached)."""


def _number(value: str) -> float:
    return float(value)


def _date(value: str) -> datetime:
    text = str(value)
    if text.lstrip("-").isdigit():  # epoch seconds are allowed wherever a date is
        return datetime.fromtimestamp(int(text), UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ip_in(network: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


# operator -> (does one request value match one policy value?, negated)
_MATCHERS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "stringequals": (lambda want, got: got == want, False),
    "stringnotequals": (lambda want, got: got == want, True),
    "stringequalsignorecase": (lambda want, got: got.lower() == want.lower(), False),
    "stringnotequalsignorecase": (lambda want, got: got.lower() == want.lower(), True),
    "stringlike": (lambda want, got: string_like(want, got), False),
    "stringnotlike": (lambda want, got: string_like(want, got), True),
    "numericequals": (lambda want, got: _number(got) == _number(want), False),
    "numericnotequals": (lambda want, got: _number(got) == _number(want), True),
    "numericlessthan": (lambda want, got: _number(got) < _number(want), False),
    "numericlessthanequals": (lambda want, got: _number(got) <= _number(want), False),
    "numericgreaterthan": (lambda want, got: _number(got) > _number(want), False),
    "numericgreaterthanequals": (lambda want, got: _number(got) >= _number(want), False),
    "dateequals": (lambda want, got: _date(got) == _date(want), False),
    "datenotequals": (lambda want, got: _date(got) == _date(want), True),
    "datelessthan": (lambda want, got: _date(got) < _date(want), False),
    "datelessthanequals": (lambda want, got: _date(got) <= _date(want), False),
    "dategreaterthan": (lambda want, got: _date(got) > _date(want), False),
    "dategreaterthanequals": (lambda want, got: _date(got) >= _date(want), False),
    "bool": (lambda want, got: got.lower() == str(want).lower(), False),
    "binaryequals": (lambda want, got: got == want, False),
    "ipaddress": (lambda want, got: _ip_in(want, got), False),
    "notipaddress": (lambda want, got: _ip_in(want, got), True),
    "arnequals": (lambda want, got: arn_matches(want, got), False),
    "arnlike": (lambda want, got: arn_matches(want, got), False),
    "arnnotequals": (lambda want, got: arn_matches(want, got), True),
    "arnnotlike": (lambda want, got: arn_matches(want, got), True),
}


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return [_text(value)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def condition_keys(block: Mapping[str, Any]) -> set[str]:
    """Every context key a Condition block reads (lowercase)."""
    return {key.lower() for keys in block.values() if isinstance(keys, Mapping) for key in keys}


def evaluate_block(block: Mapping[str, Any], context: Mapping[str, ContextValue], known: Callable[[str], bool],
                   substitute: Callable[[str], str | None] = lambda text: text) -> bool:
    """True when every operator of a statement's Condition block holds for `context` (lowercase keys).
    Raises UnknownConditionKey for a key `known` does not recognise."""
    for raw_operator, keys in block.items():
        operator = raw_operator.lower()
        qualifier = ""
        if ":" in operator:
            qualifier, operator = operator.split(":", 1)
            if qualifier not in ("forallvalues", "foranyvalue"):
                raise UnsupportedCondition(raw_operator)
        if_exists = operator.endswith("ifexists") and operator != "ifexists"
        if if_exists:
            operator = operator[: -len("ifexists")]
        if not isinstance(keys, Mapping):
            raise UnsupportedCondition(raw_operator)
        for key, wanted in keys.items():
            name = key.lower()
            if not known(name):
                raise UnknownConditionKey(key)
            if not _holds(operator, qualifier, if_exists, name, _as_list(wanted), context, substitute):
                return False
    return True


def _holds(operator: str, qualifier: str, if_exists: bool, key: str, wanted: Sequence[str],
           context: Mapping[str, ContextValue], substitute: Callable[[str], str | None]) -> bool:
    present = key in context
    raw = context.get(key)
    values = list(raw) if isinstance(raw, tuple) else ([raw] if raw is not None else [])
    if operator == "null":
        expect_missing = [w.lower() == "true" for w in wanted]
        return any(missing == (not present or not values) for missing in expect_missing)
    if operator not in _MATCHERS:
        raise UnsupportedCondition(operator)
    matcher, negated = _MATCHERS[operator]
    # policy variables in condition values (${aws:username}...): an unresolvable one matches nothing
    wanted = [w for w in (substitute(w) for w in wanted) if w is not None]

    def one(value: str) -> bool:
        try:
            hit = any(matcher(w, value) for w in wanted)
        except (ValueError, TypeError):
            hit = False  # a value of the wrong type never matches (AWS: the condition is false)
        return not hit if negated else hit

    if qualifier == "forallvalues":
        return all(one(v) for v in values)
    if qualifier == "foranyvalue":
        return any(one(v) for v in values)
    if not present or not values:
        return if_exists or negated
    return any(one(v) for v in values) if not negated else all(one(v) for v in values)
