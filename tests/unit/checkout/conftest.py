"""Fixtures of the checkout tests: the order tables in moto (shared helpers of the order tests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "orders"))  # the shared order test helpers

from orders_support import aws, dynamodb, orders  # noqa: E402, F401 - fixtures
