"""Retries for transient errors only: exponential backoff with full jitter (tenacity), and the
botocore Config every AWS client of the platform should use (standard/adaptive retries, short timeouts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import tenacity

if TYPE_CHECKING:
    from botocore.config import Config

F = TypeVar("F", bound=Callable[..., Any])

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)


def retry_transient(
    *,
    retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
    max_attempts: int = 3,
    base: float = 0.05,
    cap: float = 2.0,
    sleep: Callable[[float], None] | None = None,
) -> Callable[[F], F]:
    """Decorator: retry on `retry_on` (nothing else) up to `max_attempts` calls in all, waiting a random
    time in [0, min(cap, base * 2**n)] before retry n (full jitter); the last error is re-raised as is."""
    options: dict[str, Any] = {}
    if sleep is not None:
        options["sleep"] = sleep
    return tenacity.retry(  # type: ignore[return-value]
        retry=tenacity.retry_if_exception_type(retry_on),
        stop=tenacity.stop_after_attempt(max_attempts),
        wait=tenacity.wait_random_exponential(multiplier=base, max=cap),
        reraise=True,
        **options,
    )


def boto_config(
    *,
    mode: Literal["standard", "adaptive"] = "standard",
    max_attempts: int = 3,
    connect_timeout: float = 1.0,
    read_timeout: float = 3.0,
    **extra: Any,
) -> Config:
    """A botocore Config for AWS clients: SDK retries (standard or adaptive) and short timeouts, so a
    sick dependency cannot hold a Lambda for its whole timeout."""
    from botocore.config import Config  # noqa: PLC0415 - botocore is heavy; only callers pay for it

    return Config(
        retries={"mode": mode, "max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        **extra,
    )
