"""The cart in a real browser on the real stack (nginx, gunicorn, worker, MariaDB, Redis):
a visitor fills a cart before having an account, signs up, and finds it; staff take a
product off sale and a shopper's cart shows it as unavailable."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import catalog
from storefront.services.cart import shopper
from tests.browser.conftest import expect
from tests.browser.test_journeys import homepage_tile, sign_in
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)


def two_products() -> tuple[dict, dict]:
    first = homepage_tile(min_stock=5)
    for sku in (s for row in catalog.build_index_context()["rows"] for s in row["images"]):
        if sku["id"] != first["id"] and db.session.get(GoodsSKU, sku["id"]).stock >= 5:
            return first, sku
    raise AssertionError("the demo homepage shows fewer than two products in stock")


def add(page: Page, sku: dict, count: int, cart_after: int) -> None:
    page.goto(f"/goods/{sku['id']}")
    page.get_by_label("Quantity").fill(str(count))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".flashes .alert-success")).to_have_text(
        f"Added {count} × {sku['name']} to your cart.")
    expect(page.locator("#cart-count")).to_have_text(str(cart_after))


def total(page: Page) -> str:
    return page.locator("#cart-total").inner_text().replace("$", "").strip()


def line(page: Page, sku: dict):
    return page.locator(f'tr.cart-line[data-sku="{sku["id"]}"]')


def test_a_visitor_fills_a_cart_signs_up_and_changes_it(stack, browse, shot):
    first, second = two_products()
    page = browse().new_page()
    home = page.goto("/")
    assert home is not None and home.body() == stack.static_index()

    add(page, first, 2, cart_after=2)
    add(page, second, 1, cart_after=3)
    page.goto("/")  # a visitor with a cart: the page with their count, not the file
    expect(page.locator("#cart-count")).to_have_text("3")
    expect(page.locator(".header-user").get_by_role("link", name="Sign in")).to_be_visible()
    page.locator("a.cart-badge").click()
    expect(page).to_have_url(f"{stack.url}/cart")
    expect(page.locator("tr.cart-line")).to_have_count(2)
    shot(page, "anonymous-cart")

    page.locator(".header-user").get_by_role("link", name="Create account").click()
    page.get_by_label("Username", exact=True).fill("newshopper")
    page.get_by_label("Email", exact=True).fill("newshopper@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".welcome")).to_have_text("Welcome newshopper")
    expect(page.locator("#cart-count")).to_have_text("3")  # the cart came along
    assert "sf_cart" not in {c["name"] for c in page.context.cookies()}

    page.locator("a.cart-badge").click()
    expect(line(page, first).locator("input[name=count]")).to_have_value("2")
    expect(line(page, second).locator("input[name=count]")).to_have_value("1")
    before = total(page)
    shot(page, "merged-cart")

    line(page, first).locator("input[name=count]").fill("3")
    line(page, first).get_by_role("button", name="Update").click()
    expect(page.locator(".flashes .alert-success")).to_have_text(
        f"Your cart now has 3 × {first['name']}.")
    expect(page.locator("#cart-count")).to_have_text("4")
    changed = total(page)
    assert changed != before
    shot(page, "count-changed")

    line(page, second).get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator(".flashes .alert-success")).to_have_text(
        f"Removed {second['name']} from your cart.")
    expect(page.locator("tr.cart-line")).to_have_count(1)
    expect(page.locator("#cart-count")).to_have_text("3")
    assert total(page) != changed
    shot(page, "line-removed")


def test_staff_take_a_product_off_sale_and_the_cart_shows_it_unavailable(stack, browse, shot,
                                                                         user, staff):
    first, second = two_products()
    cart = shopper.user_cart(user.id)
    shopper.add_to_cart(cart, first["id"], 2, 99)
    shopper.add_to_cart(cart, second["id"], 1, 99)

    admin = browse().new_page()
    admin.goto(f"/admin/goodssku/edit/?id={first['id']}")
    sign_in(admin, "sam")
    expect(admin).to_have_url(re.compile(rf"/admin/goodssku/edit/\?id={first['id']}\b"))
    admin.locator("#is_on_sale").uncheck()
    admin.locator('input[type="submit"][value="Save"]').click()
    expect(admin.locator(".alert-success")).to_contain_text("Record was successfully saved.")

    page = browse().new_page()
    page.goto("/users/login?next=/cart")
    sign_in(page, "alice")
    expect(page).to_have_url(f"{stack.url}/cart")
    unavailable = line(page, first)
    expect(unavailable).to_have_class(re.compile(r"\bis-unavailable\b"))
    expect(unavailable).to_contain_text("Not for sale just now")
    expect(page.locator("#cart-count")).to_have_text("1")  # only what can be bought
    shot(page, "off-sale-in-cart")

    unavailable.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("tr.cart-line")).to_have_count(1)
    expect(page.locator("#cart-count")).to_have_text("1")


def test_a_tile_adds_to_the_cart_without_leaving_the_page(stack, browse, shot, user):
    page = browse().new_page()
    page.goto("/")  # nginx's static homepage
    page.evaluate("() => { window.stillHere = true; }")  # gone if the page reloads
    tile = page.locator(".cat-row article.tile").first
    name = tile.locator(".tile-name").inner_text()
    tile.get_by_role("button", name=f"Add {name} to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    note = page.locator(".quick-added")
    expect(note).to_contain_text(f"Added 1 × {name} to your cart.")
    assert page.evaluate("() => window.stillHere === true"), "the page reloaded"
    shot(page, "quick-added")
    note.get_by_role("link", name="View cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator(".cart-line")).to_have_count(1)

    # signed in, on a category list: the form's token is filled in at the edge
    page.goto("/users/login?next=/list/1")
    sign_in(page, "alice")
    page.evaluate("() => { window.stillHere = true; }")
    second = page.locator(".grid article.tile").nth(1)
    second.get_by_role("button", name=re.compile(r"^Add .* to cart$")).click()
    expect(page.locator("#cart-count")).to_have_text("2")  # the visitor's line came along
    expect(page.locator(".quick-added")).to_contain_text("View cart")
    assert page.evaluate("() => window.stillHere === true"), "the page reloaded"


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_a_signed_in_shopper_adds_from_a_page_file_and_sees_the_message_once(
        stack, browse, shot, user, script):
    """The product page is the file for everybody; its form carries no token (the cart
    checks that the post came from our own pages), and the message after the add is shown
    once: by the page's script from its cookie, or by nginx's SSI without script."""
    sku = homepage_tile(min_stock=5)
    page = browse(java_script_enabled=script).new_page()
    page.goto(f"/users/login?next=/goods/{sku['id']}")
    sign_in(page, "alice")
    expect(page.locator(".welcome")).to_have_text("Welcome alice")
    add(page, sku, 2, 2)
    shot(page, "added")
    again = page.reload()
    assert again is not None and again.status == 200
    expect(page.locator(".welcome")).to_have_text("Welcome alice")
    expect(page.locator("#cart-count")).to_have_text("2")
    expect(page.locator(".flashes")).to_have_count(0)  # shown once
    with page.expect_navigation(url=f"{stack.url}/users/login"):
        page.get_by_role("button", name="Logout").click()  # the header's form and its token
    expect(page.locator(".alert-success")).to_have_text("You are signed out. See you soon!")
