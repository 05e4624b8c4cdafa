"""Small readers of environment settings (the template sets them; defaults suit local runs)."""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or `default` when it is unset or empty."""
    value = os.environ.get(name)
    return value if value else default


def require_env(name: str) -> str:
    """The variable's value; a clear error at first use when the template forgot to set it."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return value.strip().lower() in _TRUE if value else default


def service_name(default: str = "shop") -> str:
    """The service this function belongs to (POWERTOOLS_SERVICE_NAME, set per function in the template)."""
    return env_str("POWERTOOLS_SERVICE_NAME", default) or default
