"""Resilience for outbound calls: a circuit breaker shared through Redis, bulkheads, transient retries."""

from shop.resilience.breaker import BreakerConfig, BreakerState, CircuitBreaker, CircuitOpenError
from shop.resilience.bulkhead import Bulkhead, BulkheadFullError
from shop.resilience.retry import TRANSIENT_ERRORS, boto_config, retry_transient

__all__ = [
    "TRANSIENT_ERRORS",
    "BreakerConfig",
    "BreakerState",
    "Bulkhead",
    "BulkheadFullError",
    "CircuitBreaker",
    "CircuitOpenError",
    "boto_config",
    "retry_transient",
]
