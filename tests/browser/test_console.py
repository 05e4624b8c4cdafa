"""The operations console in a real browser: from an order to its saga execution and events."""

from __future__ import annotations

from typing import Any

from browser_support import DECLINE, Shop, screenshot, signed_in
from playwright.sync_api import expect


def test_the_console_shows_a_failed_orders_saga_on_the_graph_and_the_payment_breaker(page: Any, shop: Shop):
    product = shop.product("Glass Carafe", stock=4)
    account = shop.sign_up()
    shop.add_to_cart(account, product["sku"])
    order_id = shop.checkout(account, DECLINE)
    assert shop.wait_for_order(account, order_id, timeout=90)["status"] == "FAILED"

    signed_in(page, account)
    page.goto(f"{shop.storefront}/#/orders/{order_id}")
    page.get_by_role("link", name="This order in the operations console").click()

    saga = page.locator(f'.execution[data-execution="{order_id}"]')
    expect(saga).to_have_attribute("data-status", "FAILED")
    graph = saga.get_by_role("img", name=f"execution {order_id}")
    for state, status in [("ReserveInventory", "succeeded"), ("AuthorizePayment", "caught"), ("VoidPayment", "succeeded"),
                          ("ReleaseInventory", "succeeded"), ("FailOrder", "succeeded"), ("Failed", "failed"),
                          ("CapturePayment", "idle"), ("Done", "idle")]:
        expect(graph.locator(f'[data-state="{state}"]')).to_have_attribute("data-status", status)
    expect(graph.locator('[data-from="AuthorizePayment"][data-to="VoidPayment"]')).to_have_attribute("data-taken", "true")
    expect(page.get_by_role("list", name="Events, newest first")).to_contain_text("OrderFailed")
    screenshot(page, "console-saga")

    page.get_by_role("link", name="Overview").click()
    breaker = page.locator("[data-breaker$='-payment-provider']")
    expect(breaker).to_have_attribute("data-state", "closed")  # a declined card says nothing of the processor's health
    expect(page.get_by_role("region", name="Functions")).to_contain_text("PaymentAuthorize")
