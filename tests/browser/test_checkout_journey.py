"""The whole sale in a real browser on the real stack (nginx, gunicorn, worker, MariaDB,
Redis, and a real SMTP server): an anonymous visitor fills a cart, signs up at checkout,
adds an address, picks a slot and places the order, and gets the mail; staff move it to
delivered in the admin; the shopper reviews; an anonymous visitor sees the review."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services.orders import slots
from tests.browser.conftest import expect
from tests.browser.test_journeys import homepage_tile, sign_in
from tests.conftest import PASSWORD
from tests.mail_support import body

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)


def test_a_visitor_buys_staff_deliver_the_buyer_reviews(stack, browse, shot, staff, smtp):
    slots.generate(7)
    sku = homepage_tile(min_stock=10)
    count = max(2, math.ceil(Decimal("20") / sku["price"]))
    row = db.session.get(GoodsSKU, sku["id"])  # the demo customers' stars on it so far
    stars, ratings = row.rating_total + 5, row.rating_count + 1  # ... and the buyer's five
    page = browse().new_page()
    page.goto(f"/goods/{sku['id']}")
    page.get_by_label("Quantity").fill(str(count))
    page.get_by_role("button", name="Add to cart").click()
    page.locator("a.cart-badge").click()
    expect(page.locator("#free-delivery-hint")).to_contain_text("away from free delivery")
    shot(page, "cart")

    page.get_by_role("link", name="Checkout", exact=True).click()
    expect(page).to_have_url(re.compile(r"/users/login\?next=/checkout$"))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username", exact=True).fill("hungry")
    page.get_by_label("Email", exact=True).fill("hungry@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{stack.url}/checkout")

    page.get_by_label("Recipient", exact=True).fill("Hana Hungry")
    page.get_by_label("Phone", exact=True).fill("+44 20 7946 0123")
    page.get_by_label("Address", exact=True).fill("12 Market Street\nGreenfield")
    page.get_by_label("Postcode", exact=True).fill("GF1 4MS")
    page.get_by_role("button", name="Save address").click()
    expect(page).to_have_url(f"{stack.url}/checkout")
    expect(page.locator(".choice", has_text="Hana Hungry").locator("input")).to_be_checked()
    page.locator(".slot").first.click()
    shot(page, "checkout")

    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page).to_have_url(re.compile(r"/orders/SF-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.locator(".flashes .alert-success")).to_contain_text(f"Your order {number}")
    expect(page.locator("#cart-count")).to_have_text("0")
    shot(page, "order-placed")
    [mail] = smtp.handler.wait_for(1, timeout=30)
    assert mail["To"] == "hungry@example.com" and number in mail["Subject"]
    assert f"{count} x {sku['name']}" in body(mail)

    admin = browse().new_page()
    admin.goto("/admin/orderinfo/")
    sign_in(admin, "sam")
    admin.on("dialog", lambda dialog: dialog.accept())
    for action in ("Move to packing", "Move to out for delivery", "Mark delivered"):
        admin.locator("tr", has_text=number).locator("input.action-checkbox").check()
        admin.get_by_role("button", name="With selected").click()
        admin.get_by_role("link", name=action).click()
        expect(admin.locator(".alert-success")).to_contain_text("1 order(s)")
    expect(admin.locator("tr", has_text=number)).to_contain_text("Delivered")
    shot(admin, "admin-delivered")
    smtp.handler.wait_for(4, timeout=30)

    page.reload()
    expect(page.locator(".status").first).to_have_text("Delivered")
    page.locator(".star-picker label").first.click()  # the row is reversed: 5 stars first
    page.get_by_label(f"Your review of {sku['name']}").fill("So fresh, and the driver was lovely.")
    page.get_by_role("button", name="Post review").click()
    expect(page.locator(".order-review")).to_contain_text("So fresh")
    shot(page, "reviewed")

    visitor = browse().new_page()
    visitor.goto(f"/goods/{sku['id']}#reviews")
    expect(visitor.locator(".review", has_text="So fresh")).to_be_visible()
    expect(visitor.locator(".rating-summary")).to_contain_text(
        f"{round(stars / ratings, 1)} out of 5 from {ratings} ratings")
    shot(visitor, "review-on-product")

