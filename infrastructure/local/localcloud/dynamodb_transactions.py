"""TransactWriteItems without moto's whole-table snapshots.

moto 5.2.5 deep-copies every table a transaction touches before applying it, so a transaction
costs O(table size) (tens of ms on a seeded catalog) while the endpoint serializes DynamoDB
requests (awsendpoint.SerializedDynamoDB). Since nothing else runs meanwhile, checking every
condition first and applying the writes only when all hold gives DynamoDB's all-or-nothing result
with no snapshot. Anything unusual (a validation error, duplicate keys) goes to moto's own path.
Private API of moto: pinned in requirements-dev.txt and covered by tests/integration/localcloud.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_original = DynamoDBBackend.transact_write_items


class _Unusual(Exception):
    """Input this fast path does not judge: moto's own implementation answers it."""


def _condition_reasons(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    """Per item: (None, None, None) when its condition holds, else moto's cancellation reason."""
    reasons: list[tuple[Any, Any, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in transact_items:
        if len(item) != 1:
            raise _Unusual
        op_type, op = next(iter(item.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise _Unusual
        table_name = op["TableName"]
        if op_type == "Put":
            table = backend.get_table(table_name)
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        identity = (str(table_name), str(dict(sorted(key.items()))))
        if identity in seen:
            raise _Unusual  # moto raises the right "multiple operations on one item" error
        seen.add(identity)
        expression = op.get("ConditionExpression")
        if expression is None:
            reasons.append((None, None, None))
            continue
        current = backend.get_item(table_name, key)
        condition = get_filter_expression(expression, op.get("ExpressionAttributeNames"),
                                          op.get("ExpressionAttributeValues"))
        if condition.expr(current):
            reasons.append((None, None, None))
        else:
            old = None
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                old = current.to_json()["Attributes"]
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
    return reasons


class _NoSnapshot:
    """`copy` for moto's module, except that a whole Table is not copied (items still are: the
    stream's old image of an update depends on it)."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


@contextmanager
def _without_table_snapshots() -> Iterator[None]:
    dynamodb_models.copy = _NoSnapshot()  # type: ignore[assignment]
    try:
        yield
    finally:
        dynamodb_models.copy = copy  # type: ignore[assignment]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        return _original(self, transact_items)
    try:
        reasons = _condition_reasons(self, transact_items)
    except Exception:  # noqa: BLE001 - any surprise: moto's own path decides and raises the right error
        return _original(self, transact_items)
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    with _without_table_snapshots():  # every condition holds and nothing runs meanwhile
        return _original(self, transact_items)


def install() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def uninstall() -> None:
    DynamoDBBackend.transact_write_items = _original  # type: ignore[method-assign]
