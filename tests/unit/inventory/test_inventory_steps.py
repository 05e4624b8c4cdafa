"""The saga steps' edges: state machine input validated, business errors named for Catch."""

from __future__ import annotations

import pytest
from shop.inventory import steps
from shop.inventory.errors import InvalidReservation, OutOfStock
from shop.inventory.service import InventoryService


def test_reserve_step_takes_the_state_machine_input_and_ignores_extra_state(
    inventory: InventoryService,
) -> None:
    inventory.set_stock("SKU-1", 5)
    result = steps.reserve(
        inventory, {"orderId": "o-1", "items": [{"sku": "SKU-1", "quantity": 2}], "userId": "u", "total": 10}
    )
    assert result["status"] == "RESERVED" and result["items"] == [{"sku": "SKU-1", "quantity": 2}]


@pytest.mark.parametrize(
    "event",
    [
        {"orderId": "o-1", "items": []},
        {"orderId": "o-1", "items": [{"sku": "SKU-1", "quantity": 0}]},
        {"orderId": "o-1", "items": [{"sku": "SKU-1", "quantity": "1"}]},
        {"items": [{"sku": "SKU-1", "quantity": 1}]},
        {"orderId": "bad id with spaces", "items": [{"sku": "SKU-1", "quantity": 1}]},
    ],
)
def test_invalid_step_input_is_an_invalid_reservation(inventory: InventoryService, event: dict) -> None:
    with pytest.raises(InvalidReservation):
        steps.reserve(inventory, event)


def test_out_of_stock_keeps_its_class_name_for_the_saga(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 1)
    with pytest.raises(OutOfStock) as raised:
        steps.reserve(inventory, {"orderId": "o-1", "items": [{"sku": "SKU-1", "quantity": 2}]})
    assert type(raised.value).__name__ == "OutOfStock"


def test_release_and_commit_steps_are_idempotent(inventory: InventoryService) -> None:
    inventory.set_stock("SKU-1", 5)
    steps.reserve(inventory, {"orderId": "o-1", "items": [{"sku": "SKU-1", "quantity": 2}]})
    assert steps.commit(inventory, {"orderId": "o-1"})["status"] == "COMMITTED"
    assert steps.release(inventory, {"orderId": "o-1"})["status"] == "COMMITTED"
    assert steps.release(inventory, {"orderId": "o-2"})["status"] == "NONE"
