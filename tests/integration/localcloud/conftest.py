"""The wiring stack (wiring.yaml + functions/probe) running in a local cloud for this package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def wiring(start_local_cloud: Callable[..., Any]) -> Any:
    return start_local_cloud(HERE / "wiring.yaml", {"Greeting": "bonjour"}, stack_name="wiring")
