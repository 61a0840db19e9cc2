"""A shopper types into the header's search box, in Chinese and with a typo, and opens a
result: nginx, gunicorn, a worker, MariaDB and Redis all real (conftest.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import expect

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)


def test_a_shopper_searches_from_the_header_and_opens_a_result(browse: Callable[[], BrowserContext],
                                                                shot) -> None:
    page = browse().new_page()
    page.goto("/")  # the static homepage, from nginx's file
    box = page.get_by_label("Search products")
    box.fill("straw")  # the box suggests names as the shopper types
    expect(page.locator("#search-suggestions option").first).to_have_attribute(
        "value", re.compile("Sweetheart strawberries"))
    box.fill("脐橙")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=%E8%84%90%E6%A9%99$"))
    results = page.locator(".search-results a.tile-link")
    expect(results.first).to_contain_text("赣南脐橙 Navel oranges")
    shot(page, "results-chinese")

    box = page.get_by_label("Search products")
    expect(box).to_have_value("脐橙")  # the results page keeps what was typed
    box.fill("strawbery")  # misspelt
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".did-you-mean")).to_contain_text("strawberries")
    first = page.locator(".search-results a.tile-link").first
    expect(first).to_contain_text("Sweetheart strawberries")
    name = first.locator(".tile-name").inner_text()
    shot(page, "results-typo")

    first.click()
    expect(page).to_have_url(re.compile(r"/goods/\d+$"))
    expect(page.locator("h1.product-name")).to_have_text(name)
    shot(page, "detail")
