"""Cart rules without I/O: limits per line and per cart, merging."""

from __future__ import annotations

import pytest
from shop.cart.domain import MAX_LINES, Cart, CartLimitExceeded, CartOwner, LineNotFound, merge_into


def cart_with(**lines: int) -> Cart:
    return Cart(CartOwner.user("u-1"), {sku.replace("_", "-"): qty for sku, qty in lines.items()})


def test_adding_a_sku_twice_sums_the_quantities() -> None:
    cart = cart_with()
    cart.add("A-1", 2)
    cart.add("A-1", 3)
    assert cart.lines == {"A-1": 5}


def test_a_line_holds_at_most_99_units() -> None:
    cart = cart_with(A_1=98)
    with pytest.raises(CartLimitExceeded):
        cart.add("A-1", 2)
    assert cart.lines == {"A-1": 98}


def test_a_cart_holds_at_most_50_lines() -> None:
    cart = Cart(CartOwner.user("u-1"), {f"S-{i}": 1 for i in range(MAX_LINES)})
    with pytest.raises(CartLimitExceeded):
        cart.add("NEW-1", 1)
    cart.add("S-0", 1)  # an existing line still grows
    assert cart.lines["S-0"] == 2


def test_set_quantity_and_remove_need_the_line() -> None:
    cart = cart_with(A_1=1)
    cart.set_quantity("A-1", 7)
    assert cart.item_count == 7
    with pytest.raises(LineNotFound):
        cart.set_quantity("B-1", 1)
    with pytest.raises(LineNotFound):
        cart.remove("B-1")
    with pytest.raises(CartLimitExceeded):
        cart.set_quantity("A-1", 0)


def test_merge_sums_caps_and_reports_what_did_not_fit() -> None:
    target = Cart(CartOwner.user("u-1"), {f"S-{i}": 1 for i in range(MAX_LINES - 2)} | {"A-1": 90})
    source = Cart(CartOwner.anonymous("x"), {"A-1": 20, "B-1": 1, "C-1": 2})
    dropped = merge_into(target, source)
    assert target.lines["A-1"] == 99
    assert "B-1" in target.lines and dropped == ["C-1"]


def test_anonymous_and_user_carts_with_the_same_id_are_different_carts() -> None:
    assert CartOwner.user("abc").key != CartOwner.anonymous("abc").key
