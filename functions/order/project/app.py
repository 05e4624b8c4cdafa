"""Event store stream -> read models: rebuild each touched order's view from its events (idempotent)."""

from __future__ import annotations

from typing import Any

from shop.observability import instrument
from shop.orders.service import OrderService

orders = OrderService()


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_ids = {
        record["dynamodb"]["Keys"]["orderId"]["S"]
        for record in event.get("Records", [])
        if record.get("eventName") in ("INSERT", "MODIFY")
    }
    failed: list[int] = []
    for order_id in sorted(order_ids):
        try:
            orders.project(order_id)
        except Exception:  # noqa: BLE001 - reported as a partial batch failure, retried from there
            failed.extend(
                int(record["dynamodb"]["SequenceNumber"])
                for record in event["Records"]
                if record["dynamodb"]["Keys"]["orderId"]["S"] == order_id
            )
    # A stream batch resumes from the earliest failed record (projection is idempotent: redoing is safe).
    return {"batchItemFailures": [{"itemIdentifier": str(min(failed))}] if failed else []}
