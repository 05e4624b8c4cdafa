"""Logging, tracing, metrics and the correlation id: one setup per function, one decorator per handler.

    from shop.observability import instrument, observability

    logger, tracer, metrics = observability()

    @instrument
    def handler(event, context): ...

`instrument` injects the Lambda context into every log line, sets the correlation id (from the
X-Correlation-Id header or the API request id, an EventBridge `detail.correlationId`, a state machine
input `correlationId`, or the first SQS / DynamoDB stream record), captures the handler for X-Ray,
and flushes EMF metrics. Publishers and the saga read it back with `get_correlation_id()`.

Errors are logged once: the HTTP error mapping (`shop.http`) logs what it maps; for other triggers
`instrument` logs what escapes the handler (a `ShopError` as a warning, anything else with its stack).

Cold start: `Tracer()` imports aws_xray_sdk (~0.4 s measured here). Where X-Ray cannot record anyway
(outside Lambda, `sam local`, POWERTOOLS_TRACE_DISABLED) the tracer gets a no-op provider instead,
so local runs and tests never pay for that import.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from shop.config import env_bool, env_str, service_name
from shop.errors import ShopError

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics, Tracer

CORRELATION_HEADER = "X-Correlation-Id"
METRICS_NAMESPACE_DEFAULT = "Shop"

_correlation_id: ContextVar[str | None] = ContextVar("shop_correlation_id", default=None)
_lambda_context: ContextVar[Any] = ContextVar("shop_lambda_context", default=None)
_logger: Logger | None = None
_tracer: Tracer | None = None
_metrics: Metrics | None = None

Handler = TypeVar("Handler", bound=Callable[..., Any])


# ------------------------------------------------------------------ setup


def get_logger() -> Logger:
    """The function's Powertools Logger (JSON; service from POWERTOOLS_SERVICE_NAME)."""
    global _logger
    if _logger is None:
        from aws_lambda_powertools import Logger

        _logger = Logger(service=service_name())
    return _logger


def get_tracer() -> Tracer:
    """The function's Powertools Tracer; a no-op provider where X-Ray cannot record (see module doc)."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        if tracing_enabled():
            _tracer = Tracer(service=service_name())
            # Tracer logs what escapes the handler itself; the error is logged once, by us.
            logging.getLogger("aws_lambda_powertools.tracing.tracer").setLevel(logging.CRITICAL)
        else:
            _tracer = Tracer(
                service=service_name(), provider=_NoopTracingProvider(), disabled=False, auto_patch=False
            )
    return _tracer


def get_metrics() -> Metrics:
    """The function's Powertools Metrics (CloudWatch EMF, namespace POWERTOOLS_METRICS_NAMESPACE)."""
    global _metrics
    if _metrics is None:
        from aws_lambda_powertools import Metrics

        namespace = env_str("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE_DEFAULT)
        _metrics = Metrics(namespace=namespace, service=service_name())
    return _metrics


def observability() -> tuple[Logger, Tracer, Metrics]:
    """`logger, tracer, metrics = observability()`: the three, created once per execution environment."""
    return get_logger(), get_tracer(), get_metrics()


def tracing_enabled() -> bool:
    """Whether X-Ray can record here (the same rule Powertools applies to disable itself)."""
    if env_bool("POWERTOOLS_TRACE_DISABLED"):
        return False
    if os.environ.get("AWS_SAM_LOCAL") or os.environ.get("AWS_CHALICE_CLI_MODE"):
        return False
    return bool(os.environ.get("LAMBDA_TASK_ROOT"))


# ------------------------------------------------------------------ correlation id


def get_correlation_id() -> str | None:
    """The correlation id of the invocation being handled (None outside `instrument`)."""
    return _correlation_id.get()


def set_correlation_id(correlation_id: str | None) -> None:
    """Set the correlation id for this invocation (e.g. per SQS record) and put it on every log line."""
    _correlation_id.set(correlation_id)
    if _logger is not None:
        _logger.set_correlation_id(correlation_id)


def current_lambda_context() -> Any:
    """The Lambda context of the invocation being handled (None outside `instrument`)."""
    return _lambda_context.get()


def correlation_id_from_event(event: Any) -> str | None:
    """The correlation id an incoming Lambda event carries, wherever its trigger puts it."""
    if not isinstance(event, Mapping):
        return None
    request_context = event.get("requestContext")
    if isinstance(request_context, Mapping) and ("httpMethod" in event or "routeKey" in event):
        for name, value in (event.get("headers") or {}).items():
            if name.lower() == CORRELATION_HEADER.lower() and value:
                return str(value)
        return request_context.get("requestId")
    if "detail-type" in event:
        detail = event.get("detail")
        return _text(detail.get("correlationId")) if isinstance(detail, Mapping) else None
    if _text(event.get("correlationId")):
        return event["correlationId"]
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        return _correlation_id_from_record(records[0])
    return None


def _correlation_id_from_record(record: Mapping[str, Any]) -> str | None:
    source = record.get("eventSource")
    if source == "aws:sqs":
        attribute = (record.get("messageAttributes") or {}).get("correlationId") or {}
        if _text(attribute.get("stringValue")):
            return attribute["stringValue"]
        with contextlib.suppress(TypeError, ValueError):
            return correlation_id_from_event(json.loads(record.get("body") or ""))
        return None
    if source == "aws:dynamodb":
        stream = record.get("dynamodb") or {}
        for image in ("NewImage", "OldImage"):
            value = ((stream.get(image) or {}).get("correlationId") or {}).get("S")
            if value:
                return value
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# ------------------------------------------------------------------ the handler decorator


def instrument(handler: Handler) -> Handler:
    """Wrap a Lambda handler: context in logs, correlation id, X-Ray capture, EMF flush, one error log."""
    logger, tracer, metrics = observability()

    @functools.wraps(handler)
    def entry(event: Any, context: Any) -> Any:
        correlation_id = correlation_id_from_event(event) or str(uuid.uuid4())
        set_correlation_id(correlation_id)
        _lambda_context.set(context)
        tracer.put_annotation("correlation_id", correlation_id)
        try:
            return handler(event, context)
        except ShopError as err:
            # Expected failures (a saga step's OutOfStock) are warnings, with their code to search by.
            logger.warning(
                "handler failed",
                extra={"error_code": err.code, "error_type": type(err).__name__, "error": err.message},
            )
            raise
        except Exception:
            logger.exception("handler failed unexpectedly")
            raise
        finally:
            _correlation_id.set(None)
            _lambda_context.set(None)

    # Order: logger outermost (its state is set first and cleared per invocation), metrics innermost.
    traced = tracer.capture_lambda_handler(metrics.log_metrics(capture_cold_start_metric=True)(entry))
    wrapped = logger.inject_lambda_context(clear_state=True)(traced)

    @functools.wraps(handler)
    def invoke(event: Any, context: Any) -> Any:
        with warnings.catch_warnings():
            # A handler that adds no metric of its own is normal (the cold-start metric still goes out).
            warnings.filterwarnings("ignore", message="No application metrics to publish")
            return wrapped(event, context)

    return invoke  # type: ignore[return-value]


# ------------------------------------------------------------------ no-op tracing provider


class _NoopSegment:
    """Stands in for an X-Ray (sub)segment where nothing can be recorded."""

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def close(self, end_time: int | None = None) -> None:
        pass


class _NoopTracingProvider:
    """A Powertools tracing provider that records nothing and imports nothing (see module doc)."""

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[_NoopSegment]:
        yield _NoopSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        yield _NoopSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Any) -> None:
        pass

    def patch_all(self) -> None:
        pass
