"""Every shopper page, and the admin's list and edit pages, as a screen-reader user and a
phone user meet them: axe-core (axe-playwright-python) in Debian's chromium on the real stack
(conftest.py), and no page that scrolls sideways at phone widths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, User
from storefront.services.accounts import reset
from storefront.services.accounts import users as accounts
from tests.browser.conftest import WAIT_MS, Stack, expect
from tests.browser.test_journeys import sign_in
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

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
            "/cart", "/users/login", "/users/register", "/users/forgot-password", "/about",
            "/delivery", "/freshness"]


def reset_link(username: str) -> str:
    """The page a forgotten-password mail links to (a link that works)."""
    user = db.session.scalar(select(User).where(User.username == username))
    return f"/users/reset-password/{reset.make_token(user)}"


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
    found = survey(page, [*shopper_pages(), reset_link(user.username)])

    add_first_product(page)
    found += survey(page, ["/cart"])  # a cart with a line: the count form and Remove

    page.goto("/users/login?next=/users/profile")
    sign_in(page, "alice")
    found += survey(page, ["/users/profile", "/", shopper_pages()[3]])  # the signed-in header
    assert not found, "axe found serious problems:\n" + "\n".join(found)

    # A keyboard user sees where they are: each stop of the Tab key is ringed.
    page.goto(shopper_pages()[3])
    for _ in range(8):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        assert ring["ringed"], f"no visible focus on {ring['element']}"


FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {element: el.outerHTML.slice(0, 80),
          ringed: outline || (style.boxShadow !== 'none' && el.matches('input, select'))};
}"""


def test_axe_finds_nothing_serious_in_the_admin(browse: Callable[[], BrowserContext],
                                                staff) -> None:
    sku = db.session.scalar(select(GoodsSKU.id).order_by(GoodsSKU.id))
    page = browse().new_page()
    page.goto("/users/login?next=/admin/")
    sign_in(page, "sam")
    found = survey(page, ["/admin/", "/admin/goodssku/", f"/admin/goodssku/edit/?id={sku}",
                          "/admin/goodssku/new/", "/admin/goodscategory/"])
    assert not found, "axe found serious problems:\n" + "\n".join(found)


# ---------- Phones ----------

PHONES = [{"width": 360, "height": 780}, {"width": 390, "height": 844}]
# A page scrolls sideways when its document is wider than the screen.
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Controls smaller than 24 x 24 CSS px (WCAG 2.5.8); a link inside a line of text is exempt.
SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.getClientRects().length
          && getComputedStyle(el).visibility !== 'hidden'
          && !(el.tagName === 'A' && getComputedStyle(el).display === 'inline'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < 23.5 || box.height < 23.5)
  .map(([el, box]) =>
    `${el.outerHTML.slice(0, 90)} ${Math.round(box.width)}x${Math.round(box.height)}`)"""


@pytest.fixture
def phone(browser: Browser, stack: Stack, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a phone's browser (touch, device scale 3) of the screen ``request.param``."""
    context = browser.new_context(base_url=stack.url, viewport=request.param,
                                  device_scale_factor=3, is_mobile=True, has_touch=True)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    yield context.new_page()
    context.close()  # before the stack stops


def phone_problems(page: Page, urls: list[str]) -> list[str]:
    found: list[str] = []
    for url in urls:
        reply = page.goto(url)
        assert reply is not None and reply.status == 200, url
        if (wider := page.evaluate(SIDEWAYS)) > 0:
            found.append(f"{url}: scrolls {wider} px sideways")
        found += [f"{url}: small tap target {target}" for target in page.evaluate(SMALL_TARGETS)]
    return found


# Rows of the header: its parts, grouped by the line they sit on.
HEADER_ROWS = """() => {
  const parts = [...document.querySelectorAll(
      '.site-header :is(.logo, .search-box, .user-links > *, .cart-badge)')]
    .filter(el => el.getClientRects().length)
    .map(el => [el.className || el.tagName, el.getBoundingClientRect()])
    .sort((a, b) => a[1].top - b[1].top);
  const rows = [];
  let bottom = -Infinity;
  for (const [name, box] of parts) {
    if (box.top >= bottom - 2) { rows.push([]); bottom = box.bottom; }
    else bottom = Math.max(bottom, box.bottom);
    rows[rows.length - 1].push(`${name}@${Math.round(box.top)}-${Math.round(box.bottom)}`);
  }
  return rows;
}"""
LONG_NAME = "alexandra.montgomery-fitzwilliam_1987"


@pytest.fixture
def long_named(app) -> str:
    accounts.create_user(LONG_NAME, "alexandra@example.com", PASSWORD)
    return LONG_NAME


@pytest.mark.parametrize("phone", PHONES, ids=lambda s: f"{s['width']}px", indirect=True)
def test_no_page_scrolls_sideways_on_a_phone(phone: Page, long_named: str, shot) -> None:
    page = phone
    found = phone_problems(page, [*shopper_pages(), reset_link(long_named)])
    add_first_product(page)
    found += phone_problems(page, ["/cart"])
    width = page.viewport_size["width"]
    shot(page, f"cart-{width}")

    page.goto("/users/login?next=/users/profile")
    sign_in(page, long_named)
    found += phone_problems(page, ["/users/profile", "/cart", shopper_pages()[3]])
    assert not found, "on a phone:\n" + "\n".join(found)

    # Signed in with a long name: two rows, the name cut with an ellipsis, not wrapped.
    shot(page, f"product-signed-in-{width}")
    rows = page.evaluate(HEADER_ROWS)
    assert len(rows) <= 2, f"the header has {len(rows)} rows: {rows}"
    name = page.locator(".welcome")
    expect(name).to_have_text(f"Welcome {long_named}")  # all of it is there for a screen reader
    assert name.locator("strong").evaluate("el => el.scrollWidth > el.clientWidth"), "not cut"
    box = name.bounding_box()
    assert box is not None and box["height"] <= 26, "the name wraps"


@pytest.mark.parametrize("phone", PHONES[:1], ids=["360px"], indirect=True)
def test_the_price_and_add_to_cart_stay_on_a_phone_screen(phone: Page) -> None:
    phone.goto(shopper_pages()[3])
    add = phone.get_by_role("button", name="Add to cart")
    expect(add).to_be_in_viewport()  # above the fold at once
    phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    expect(add).to_be_in_viewport()  # and while reading the description and the reviews
    expect(phone.locator(".buy-price")).to_be_in_viewport()
    # the bar covers nothing for good: the page's last line scrolls up above it
    last = phone.locator(".footer-bottom span").last.bounding_box()
    bar = phone.locator(".buy").bounding_box()
    assert last is not None and bar is not None and last["y"] + last["height"] <= bar["y"]
    add.click()
    expect(phone.locator("#cart-count")).to_have_text("1")
