"""Journeys through the real stack in a real browser: a shopper, a staff member, and
signing in and out. nginx, gunicorn, a Celery worker, MariaDB and Redis are all real
(see conftest.py); every step leaves a screenshot in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsSKU
from storefront.services import catalog, offers
from storefront.services.cart import shopper
from tests.browser.conftest import WAIT_MS, expect
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

# The index of the slide shop.js marks active (it moves the is-active class).
ACTIVE_SLIDE = ("() => [...document.querySelectorAll('.carousel .slide')]"
                ".findIndex(slide => slide.classList.contains('is-active'))")
NEW_PRICE = "12.34"


def homepage_tile(min_stock: int = 0) -> dict:
    """An SKU that the homepage shows as an image tile, with its price and picture, and no
    offer on it (the demo runs some): the price a test sets or reads is the price shown."""
    rows = catalog.build_index_context()["rows"]
    tiles = [sku for row in rows for sku in row["images"]]
    quotes = offers.quotes(tiles).by_sku
    for sku in tiles:
        plain = not quotes[sku["id"]].offers
        if plain and db.session.get(GoodsSKU, sku["id"]).stock >= min_stock:
            return sku
    raise AssertionError("the demo homepage shows no image tile")


def tile(sku: dict) -> str:
    return f'.cat-row a.tile-link[href="/goods/{sku["id"]}"]'


def sign_in(page: Page, username: str) -> None:
    """Fill the shop's sign-in form that ``page`` shows, and send it."""
    expect(page).to_have_url(re.compile(r"/users/login(\?|$)"))
    page.get_by_label("Username or email", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def new_picture(path: Path) -> Path:
    """A real PNG that looks like no demo picture: a bright sun on violet stripes."""
    image = Image.new("RGB", (600, 600), "#5b2a86")
    draw = ImageDraw.Draw(image)
    for x in range(-600, 600, 60):
        draw.line([(x, 600), (x + 600, 0)], fill="#7d3cb5", width=24)
    draw.ellipse([150, 150, 450, 450], fill="#ffd23f", outline="#ffffff", width=12)
    image.save(path, "PNG")
    return path


def test_shopper_opens_a_product_signs_in_and_adds_three_to_the_cart(stack, browse, shot, user):
    sku = homepage_tile(min_stock=3)
    page = browse().new_page()

    home = page.goto("/")
    assert home is not None and home.status == 200
    assert home.body() == stack.static_index(), "anonymous / is not the static file on disk"
    expect(page.locator(".header-user")).to_contain_text("Sign in")
    expect(page.locator(".carousel")).to_have_class(re.compile(r"\bis-ready\b"))
    shot(page, "static-home")

    first = page.evaluate(ACTIVE_SLIDE)
    page.wait_for_function(f"first => ({ACTIVE_SLIDE})() !== first", arg=first, timeout=6_000)
    moved = page.evaluate(ACTIVE_SLIDE)
    expect(page.locator(".carousel-dot.is-active")).to_have_attribute("data-slide", str(moved))
    shot(page, "carousel-moved")

    page.locator(tile(sku)).click()
    expect(page).to_have_url(f"{stack.url}/goods/{sku['id']}")
    expect(page.locator("h1.product-name")).to_have_text(sku["name"])
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()  # no account needed
    shot(page, "detail-anonymous")

    page.goto(f"/users/login?next=/goods/{sku['id']}")
    sign_in(page, "alice")
    expect(page).to_have_url(f"{stack.url}/goods/{sku['id']}")  # back, by the `next` link
    expect(page.locator(".welcome")).to_have_text("Welcome alice")
    expect(page.locator("#cart-count")).to_have_text("0")
    shot(page, "detail-signed-in")

    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("3")
    expect(page.locator(".flashes .alert-success")).to_have_text(
        f"Added 3 × {sku['name']} to your cart.")
    assert shopper.cart_count(user.id) == 3  # in Redis, not only on the page
    shot(page, "cart")

    page.get_by_role("link", name="My profile").click()
    expect(page).to_have_url(f"{stack.url}/users/profile")
    history = page.locator('section[aria-labelledby="history-title"] .tile-link')
    expect(history.first).to_have_attribute("href", f"/goods/{sku['id']}")
    expect(history.first).to_contain_text(sku["name"])
    shot(page, "profile-history")


def test_staff_edit_in_the_admin_reaches_the_static_homepage(stack, browse, shot, staff,
                                                             tmp_path):
    sku = homepage_tile()
    assert NEW_PRICE not in stack.static_index().decode()
    picture = new_picture(tmp_path / "sunny.png")
    page = browse().new_page()

    page.goto("/admin/")
    sign_in(page, "sam")
    expect(page).to_have_url(f"{stack.url}/admin/")
    shot(page, "admin-dashboard")

    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("link", name="SKUs", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/goodssku/"))
    page.locator('input[name="search"]').fill(sku["name"])
    page.locator('input[name="search"]').press("Enter")
    row = page.locator("table.model-list tbody tr").filter(has_text=sku["name"])
    expect(row).to_have_count(1)
    shot(page, "admin-sku-list")

    row.locator('a[href*="/admin/goodssku/edit/"]').click()
    expect(page).to_have_url(re.compile(rf"/admin/goodssku/edit/\?id={sku['id']}\b"))
    page.locator("#price").fill(NEW_PRICE)
    page.locator('input[type="file"][name="default_image"]').set_input_files(picture)
    shot(page, "admin-edit")
    page.locator('input[type="submit"][value="Save"]').click()
    expect(page.locator(".alert-success")).to_contain_text("Record was successfully saved.")
    saved = time.monotonic()
    shot(page, "admin-saved")

    db.session.rollback()  # end the test's own transaction: see gunicorn's commit
    path = db.session.scalar(select(GoodsSKU.default_image).where(GoodsSKU.id == sku["id"]))
    assert path != sku["image"] and path.endswith(".png")
    assert (stack.media / path).read_bytes() == picture.read_bytes()

    # Someone else, never signed in: nginx hands them the file the worker writes.
    visitor = browse().new_page()
    price = visitor.locator(f"{tile(sku)} .price")
    while True:
        reply = visitor.goto("/")
        assert reply is not None and reply.status == 200
        if NEW_PRICE in price.inner_text():
            break
        assert time.monotonic() - saved < 10, (
            f"the static homepage still shows {price.inner_text()!r} 10 s after the save:\n"
            f"{stack.worker.log()}")
        time.sleep(0.25)
    print(f"\nadmin save to fresh homepage: {time.monotonic() - saved:.2f} s")
    # fresh from the first moment (from the app while the page has no file); then the
    # worker writes the file again, and nginx sends that
    while NEW_PRICE.encode() not in stack.static_index():
        assert time.monotonic() - saved < 10, f"no fresh index.html:\n{stack.worker.log()}"
        time.sleep(0.25)
    reply = visitor.goto("/")
    on_disk = stack.static_index()
    assert reply.body() == on_disk, "the fresh homepage did not come from the file on disk"
    assert NEW_PRICE in on_disk.decode() and f"/media/{path}" in on_disk.decode()
    assert "page written key=home" in stack.worker.log(100_000)  # the worker wrote it
    expect(visitor.locator(f"{tile(sku)} img")).to_have_attribute("src", f"/media/{path}")
    shot(visitor, "static-home-fresh")

    visitor.locator(tile(sku)).click()
    expect(visitor).to_have_url(f"{stack.url}/goods/{sku['id']}")
    expect(visitor.locator(".price-big")).to_contain_text(NEW_PRICE)
    main = visitor.locator("[data-gallery-main]")
    expect(main).to_have_attribute("src", f"/media/{path}")
    # nginx served it: a step of the new picture's ladder of sizes, picked from the srcset
    visitor.wait_for_function(
        "([img, stem]) => img.complete && img.naturalWidth > 0 && img.currentSrc.includes(stem)",
        arg=[main.element_handle(), f"/media/{path.rsplit('.', 1)[0]}."], timeout=WAIT_MS)
    shot(visitor, "detail-new-picture")


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_signing_in_and_out_on_the_one_static_page(stack, browse, shot, user, script):
    """The homepage is one file for everybody: a browser with script gets it as it is,
    signed in or not, and fills in its own parts (static/js/visitor.js); one without gets
    it filled in by nginx's SSI. Either way the shopper sees their name and count."""
    page = browse(java_script_enabled=script).new_page()
    static = page.goto("/")
    assert static is not None and static.body() == stack.static_index()
    shot(page, "anonymous")

    page.locator(".header-user").get_by_role("link", name="Sign in").click()
    sign_in(page, "alice")
    expect(page).to_have_url(f"{stack.url}/")
    expect(page.locator(".welcome")).to_have_text("Welcome alice")
    again = page.reload()
    assert again is not None and again.status == 200
    # with script: the file itself, its parts filled in by the browser; without: by nginx
    assert (again.body() == stack.static_index()) == script
    expect(page.locator(".welcome")).to_have_text("Welcome alice")
    expect(page.locator(".header-user").get_by_role("link", name="Sign in")).to_have_count(0)
    shot(page, "signed-in")

    with page.expect_navigation(url=f"{stack.url}/users/login") as landed:
        page.get_by_role("button", name="Logout").click()
    assert landed.value is not None and landed.value.status == 200
    expect(page.locator(".alert-success")).to_have_text("You are signed out. See you soon!")
    after = page.goto("/")
    assert after is not None and after.status == 200
    assert after.body() == stack.static_index(), "after logout / is not the static file"
    for check in range(2):  # what the browser shows now, and again on a fresh visit
        header = page.locator(".header-user")
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
        expect(header.get_by_role("link", name="Create account")).to_be_visible()
        expect(page.locator(".welcome")).to_have_count(0)
        expect(page.locator("#cart-count")).to_have_text("0")
        if check == 0:
            shot(page, "signed-out")
            again = page.goto("/")
            assert again is not None and again.body() == stack.static_index()
    cookies = {c["name"] for c in page.context.cookies()}
    assert "sf_signed_in" not in cookies
