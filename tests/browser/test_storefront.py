"""A shopper in a real browser: find, add, sign up, pay at the processor, follow the order live."""

from __future__ import annotations

import re
import uuid
from typing import Any

from browser_support import APPROVE, DECLINE, PASSWORD, SAGA_TIMEOUT_MS, Shop, screenshot, signed_in
from playwright.sync_api import expect


def pay(page: Any, card_number: str) -> None:
    """Fill the checkout form (address and card) and pay."""
    page.get_by_label("Address", exact=True).fill("1 Test Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_label("Country code").fill("US")
    page.get_by_label("Card number").fill(card_number)
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def test_a_shopper_finds_a_product_signs_up_and_pays_and_sees_the_order_confirmed(page: Any, shop: Shop):
    product = shop.product("Brass Lantern", stock=5, price=2450)

    page.goto(shop.storefront)
    page.get_by_role("searchbox", name="Search products").fill(product["name"])
    page.keyboard.press("Enter")
    page.get_by_role("link", name=product["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product["name"])
    expect(page.locator(".product-price")).to_have_text("$24.50")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").or_(page.locator(".notice-ok"))).to_contain_text("Added 1")
    expect(page.locator(".cart-count")).to_have_text("1")

    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("button", name="Sign in to check out").click()
    page.get_by_role("link", name="Create an account").click()
    email = f"buyer-{uuid.uuid4().hex[:10]}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(page.locator(".order-summary")).to_contain_text(product["name"])  # the anonymous cart came along
    pay(page, APPROVE)

    expect(page).to_have_url(re.compile(r"#/orders/ord_"))
    expect(page.locator(".order-status [data-status]")).to_have_attribute("data-status", "CONFIRMED", timeout=SAGA_TIMEOUT_MS)
    expect(page.get_by_role("list", name="Order timeline")).to_contain_text("Order confirmed")
    expect(page.locator(".cart-count")).to_have_text("0")
    screenshot(page, "storefront-order")
    assert shop.stock(product["sku"]) == 4


def test_a_declined_card_fails_the_order_with_its_reason_and_the_stock_comes_back(page: Any, shop: Shop):
    product = shop.product("Copper Kettle", stock=3)
    account = shop.sign_up()
    signed_in(page, account)

    page.goto(f"{shop.storefront}/#/products/{product['productId']}")
    expect(page.locator(".stock")).to_have_text("Only 3 left in stock")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("button", name="Check out").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()  # nothing filled in: told what to fix, per field
    expect(page.get_by_label("Address", exact=True)).to_be_focused()
    expect(page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")
    pay(page, DECLINE)

    expect(page.locator(".order-status [data-status]")).to_have_attribute("data-status", "FAILED", timeout=SAGA_TIMEOUT_MS)
    expect(page.locator(".order-reason")).to_contain_text("declined")
    expect(page.get_by_role("list", name="Order timeline")).to_contain_text("Reserved items released")

    page.goto(f"{shop.storefront}/#/products/{product['productId']}")
    page.reload()  # a fresh read, not what the page remembered
    expect(page.locator(".stock")).to_have_text("Only 3 left in stock")


def test_an_anonymous_cart_survives_signing_in(page: Any, shop: Shop):
    mine, theirs = shop.product("Linen Apron", stock=10), shop.product("Oak Spoon", stock=10)
    account = shop.sign_up()
    shop.add_to_cart(account, theirs["sku"])  # the account's cart from an earlier visit

    page.goto(f"{shop.storefront}/#/products/{mine['productId']}")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-count")).to_have_text("2")

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mine["name"])  # back where the shopper was
    expect(page.locator(".account-email")).to_have_text(account.email)

    page.get_by_role("link", name=re.compile("^Cart")).click()
    lines = page.get_by_role("list", name="Items in your cart")
    expect(lines.locator(f'[data-sku="{mine["sku"]}"] .quantity-value')).to_have_text("2")
    expect(lines.locator(f'[data-sku="{theirs["sku"]}"] .quantity-value')).to_have_text("1")
    expect(page.locator(".cart-count")).to_have_text("3")
