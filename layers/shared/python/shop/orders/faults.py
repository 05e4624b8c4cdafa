"""Fault injection for saga steps (chaos testing), off unless the template switches it on.

When FAULT_INJECTION_PARAMETER names an SSM parameter, a step listed in its JSON value
(e.g. ["ConfirmOrder"]) fails with InjectedFault, a business error the saga compensates.
The same idea as failure-lambda: operators flip a parameter, no deployment needed.
"""

from __future__ import annotations

import json

from shop.aws import client
from shop.config import env_str
from shop.errors import ShopError


class InjectedFault(ShopError):
    code = "INJECTED_FAULT"


def maybe_fail(step: str) -> None:
    name = env_str("FAULT_INJECTION_PARAMETER")
    if not name:
        return
    try:
        value = client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    except Exception:  # noqa: BLE001 - no parameter (or no access) means no fault
        return
    try:
        steps = json.loads(value)
    except ValueError:
        return
    if isinstance(steps, list) and step in steps:
        raise InjectedFault(f"fault injected into {step}")
