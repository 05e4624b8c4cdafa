"""Start the checkout state machine for an order (execution name = order id)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env


def start_checkout_saga(order_id: str, saga_input: dict[str, Any]) -> None:
    """StartExecution named by the order id; a second start for the same order is not an error."""
    try:
        client("stepfunctions").start_execution(
            stateMachineArn=require_env("CHECKOUT_STATE_MACHINE_ARN"),
            name=order_id,
            input=json.dumps(saga_input, separators=(",", ":")),
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
