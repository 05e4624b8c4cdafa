"""JSON out: compact, never NaN, DynamoDB's Decimal as an int or a float, models and dates as JSON."""

from __future__ import annotations

import decimal
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from shop.observability import CORRELATION_HEADER, get_correlation_id


def jsonable(value: Any) -> Any:
    """json.dumps' `default`: the types our handlers return besides plain JSON."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _without_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _without_non_finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_non_finite(item) for item in value]
    return value


def dumps(value: Any) -> str:
    """Compact JSON; NaN and infinities become null (they are not JSON), Decimals int or float."""
    try:
        return json.dumps(value, separators=(",", ":"), default=jsonable, allow_nan=False)
    except ValueError:
        # Rare path: only taken when a float is NaN or infinite somewhere in the value.
        return json.dumps(_without_non_finite(value), separators=(",", ":"), default=jsonable, allow_nan=False)


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response with our serialisation rules (the resolver serialises `body`)."""
    return Response(
        status_code=int(status),
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(headers or {}),
    )


def with_correlation_id(response: Response) -> Response:
    """Echo the invocation's correlation id (X-Correlation-Id) so a client can quote it to support."""
    correlation_id = get_correlation_id()
    if correlation_id:
        response.headers[CORRELATION_HEADER] = correlation_id
    return response
