"""Every shopper page, and the admin's list and edit pages, as a screen-reader user and a
phone user meet them: axe-core (axe-playwright-python) in Debian's chromium on the real stack
(conftest.py), and no page that scrolls sideways at phone widths."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU
from tests.browser.conftest import expect
from tests.browser.test_journeys import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError as exc:  # requirements-dev.txt pins it; say so loudly when it is missing
    AXE_MISSING: ImportError | None = exc
else:
    AXE_MISSING = None

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

# What blocks a shopper outright; "moderate" and "minor" findings are advice, not a failure.
BLOCKING = {"serious", "critical"}


def shopper_pages() -> list[str]:
    """The pages every visitor can open, with the ids of the seeded demo catalogue. The
    checkout and order pages join this list (one line each) when they land."""
    category = db.session.scalar(select(GoodsCategory.id).order_by(GoodsCategory.id))
    sku = db.session.scalar(select(GoodsSKU.id).where(GoodsSKU.is_on_sale)
                            .order_by(GoodsSKU.id))
    return ["/", f"/list/{category}", f"/list/{category}?sort=price&page=2", f"/goods/{sku}",
            "/search?q=strawberries", "/search?q=zzqxv", "/search?q=",
            "/cart", "/users/login", "/users/register", "/about", "/delivery", "/freshness"]


def problems(page: Page) -> list[str]:
    """axe's serious and critical findings on the page as it is now: one line per rule, with
    how many elements break it and the first of them."""
    if AXE_MISSING is not None:
        pytest.fail(f"axe-playwright-python is missing: {AXE_MISSING}")
    results = Axe().run(page)
    return [f"{page.url}: {v['id']} ({v['impact']}) x{len(v['nodes'])}, e.g. "
            f"{v['nodes'][0]['target']}: {v['nodes'][0].get('failureSummary', '')[-160:]!r}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def survey(page: Page, urls: list[str]) -> list[str]:
    found: list[str] = []
    for url in urls:
        reply = page.goto(url)
        assert reply is not None and reply.status == 200, url
        found += problems(page)
    return found


def add_first_product(page: Page) -> None:
    page.goto(shopper_pages()[3])
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).not_to_have_text("0")


def test_axe_finds_nothing_serious_on_any_shopper_page(browse: Callable[[], BrowserContext],
                                                       user) -> None:
    page = browse().new_page()
    found = survey(page, shopper_pages())

    add_first_product(page)
    found += survey(page, ["/cart"])  # a cart with a line: the count form and Remove

    page.goto("/users/login?next=/users/profile")
    sign_in(page, "alice")
    found += survey(page, ["/users/profile", "/", shopper_pages()[3]])  # the signed-in header
    assert not found, "axe found serious problems:\n" + "\n".join(found)


def test_axe_finds_nothing_serious_in_the_admin(browse: Callable[[], BrowserContext],
                                                staff) -> None:
    sku = db.session.scalar(select(GoodsSKU.id).order_by(GoodsSKU.id))
    page = browse().new_page()
    page.goto("/users/login?next=/admin/")
    sign_in(page, "sam")
    found = survey(page, ["/admin/", "/admin/goodssku/", f"/admin/goodssku/edit/?id={sku}",
                          "/admin/goodssku/new/", "/admin/goodscategory/"])
    assert not found, "axe found serious problems:\n" + "\n".join(found)
