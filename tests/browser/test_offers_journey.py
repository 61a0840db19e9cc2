"""Offers in a real browser on the real stack: a shopper finds a 3-for-2 on the frozen
aisle, opens the pizza, puts three in the cart and sees the saving. Screenshots of the
tile, the product page and the cart go to docs/screenshots/ (offers-*.png) as well."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU
from tests import servers
from tests.browser.conftest import expect

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

DOCS = servers.ROOT / "docs" / "screenshots"


def test_three_pizzas_for_the_price_of_two_through_the_cart(stack, browse, shot):
    frozen = db.session.scalar(select(GoodsCategory).where(GoodsCategory.name == "Frozen food"))
    pizza = db.session.scalar(select(GoodsSKU).where(GoodsSKU.name == "Margherita pizza, single"))
    page = browse().new_page()

    page.goto("/")
    fruit_tile = page.locator("article.tile").filter(has_text="Fuji apples 500g").first
    expect(fruit_tile.locator(".offer-badge")).to_contain_text("30% off")
    expect(fruit_tile.locator(".was")).to_contain_text("$9.90")
    fruit_tile.screenshot(path=str(DOCS / "offers-tile-percent.png"))

    page.goto(f"/list/{frozen.id}")
    tile = page.locator("article.tile").filter(has_text="Margherita pizza, single")
    expect(tile.locator(".offer-badge")).to_contain_text("3 for 2")
    expect(tile.locator(".offer-badge")).to_contain_text(re.compile(r"Ends \w+"))
    tile.screenshot(path=str(DOCS / "offers-tile-3for2.png"))
    shutil.copy(shot(page, "frozen-aisle"), DOCS / "offers-list.png")

    tile.click()
    expect(page).to_have_url(re.compile(rf"/goods/{pizza.id}$"))
    expect(page.locator(".product-info .offer-badge")).to_contain_text("3 for 2")
    shutil.copy(shot(page, "product"), DOCS / "offers-product.png")

    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("3")
    page.goto("/cart")
    line = page.locator(f'tr.cart-line[data-sku="{pizza.id}"]')
    expect(line.locator(".cart-saving")).to_have_text("3 for 2: you save $29.00")
    expect(page.locator("#cart-total")).to_contain_text("58.00")  # 3 × 29.00 − 29.00
    expect(page.locator(".cart-total-saving")).to_have_text("Offers save you $29.00")
    shutil.copy(shot(page, "cart"), DOCS / "offers-cart.png")
