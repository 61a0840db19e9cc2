"""Flask-Admin, as staff use it: through its real forms, with their CSRF tokens, and with
every save visible on the shop's (cached and static) pages right after it."""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storefront.extensions import db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsSKU,
    IndexGoodsBanner,
    IndexPromotionBanner,
    User,
)
from storefront.services.accounts.passwords import check_password
from storefront.services.pages import cache as page_cache
from tests import factories
from tests.conftest import CSRF_RE, sign_in
from tests.helpers import text

ADMIN_PAGES = ["/admin/", "/admin/goodssku/", "/admin/goodssku/edit/?id=1",
               "/admin/goodssku/new/"]
LIST_PAGES = ["goodscategory", "goods", "goodssku", "goodsimage", "indexgoodsbanner",
              "indexcategorygoodsbanner", "indexpromotionbanner", "user", "orderinfo",
              "ordergoods"]


# --- what a browser does with a page -----------------------------------------------------


class AdminFormReader(HTMLParser):
    """The values a browser would send from the page's admin form (file inputs aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and "admin-form" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.fields:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def _input(self, a: dict) -> None:
        kind, name = a.get("type", "text"), a.get("name")
        if not name or kind in ("file", "submit", "button", "reset"):
            return
        if kind == "checkbox" and "checked" not in a:
            return
        self.fields.setdefault(name, a.get("value") or ("y" if kind == "checkbox" else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\r\n").removeprefix("\n")


def form_fields(html: str) -> dict[str, str]:
    reader = AdminFormReader()
    reader.feed(html)
    assert reader.fields, "the page has no admin form"
    return reader.fields


def submit(client, path: str, changes: dict | None = None, files: dict | None = None):
    """Open the admin form at ``path``, change what a person would, and save it.
    A change to None unticks a box / clears a field from the post."""
    page = client.get(path)
    assert page.status_code == 200, path
    data: dict = form_fields(text(page))
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    for name, (content, filename) in (files or {}).items():
        data[name] = (io.BytesIO(content), filename)
    return client.post(path, data=data, content_type="multipart/form-data")


def token_on(client, path: str) -> str:
    match = CSRF_RE.search(text(client.get(path)))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def png(color: str = "red", size: tuple[int, int] = (320, 320), noise: bool = False) -> bytes:
    image = (Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise
             else Image.new("RGB", size, color))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def reload(model: type, ident: int):
    db.session.rollback()  # a fresh transaction sees what the admin's request committed
    return db.session.get(model, ident)


def latest(statement):
    db.session.rollback()
    return db.session.scalar(statement)


def static_homepage(app) -> str | None:
    path = Path(app.config["STATIC_PAGES_DIR"]) / "index.html"
    return path.read_text() if path.exists() else None


def media_files(app) -> set[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def shop_page(client, path: str):
    """A catalogue page as shoppers get it: the shared (cached, static) page an anonymous
    visitor is sent; a signed-in one gets the page rendered for them."""
    return client.application.test_client().get(path)


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


@pytest.fixture
def shopper_client(client, user):
    assert sign_in(client, "alice").status_code == 302
    return client


# --- who gets in -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_the_shops_login(client, shop, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/users/login"
    assert parse_qs(location.query)["next"] == [path]


def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, shop):
    token = token_on(client, "/users/login")  # a real session token: CSRF is not what stops it
    response = client.post("/admin/goodssku/delete/", data={"id": shop.prawns,
                                                            "csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/users/login"
    assert reload(GoodsSKU, shop.prawns) is not None


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_signed_in_shoppers_are_refused(shopper_client, shop, path):
    response = shopper_client.get(path)
    assert response.status_code == 403
    assert "Storefront" in text(response)  # the shop's own error page


def test_shoppers_cannot_post_either(shopper_client, shop):
    token = token_on(shopper_client, "/users/profile")
    response = shopper_client.post("/admin/goodssku/delete/", data={"id": shop.prawns,
                                                                    "csrf_token": token})
    assert response.status_code == 403
    assert reload(GoodsSKU, shop.prawns) is not None


def test_staff_see_every_list_with_prices_and_thumbnails(staff_client, shop):
    for name in LIST_PAGES:
        assert staff_client.get(f"/admin/{name}/").status_code == 200, name
    page = text(staff_client.get("/admin/goodssku/"))
    assert "9.90" in page and "29.00" in page
    assert 'src="/media/goods/Fuji%20apples%20500g.jpg"' in page
    assert "Fresh fruit" in page and "Fuji apples" in page  # names, not ids
    assert "SKUs on sale" in text(staff_client.get("/admin/"))


def test_a_deactivated_staff_member_is_shut_out(staff_client, shop, staff):
    staff.is_active = False
    db.session.commit()
    response = staff_client.get("/admin/goodssku/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/users/login"


def test_admin_pages_run_under_the_shops_csp(staff_client, shop):
    """No inline on* handlers (a nonce cannot allow them) and every script nonced, so the
    buttons, bulk actions and gallery "Add" work under the shop's CSP."""
    for path in ("/admin/", "/admin/goodssku/", f"/admin/goodssku/edit/?id={shop.apples}"):
        response = staff_client.get(path)
        page = text(response)
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all(f'nonce="{nonce.group(1)}"' in s for s in scripts), path


# --- CSRF --------------------------------------------------------------------------------


def test_every_admin_form_carries_the_csrf_token(staff_client, shop):
    for path in ("/admin/goodssku/new/", f"/admin/goodssku/edit/?id={shop.apples}",
                 "/admin/user/new/", "/admin/indexpromotionbanner/new/"):
        assert form_fields(text(staff_client.get(path))).get("csrf_token"), path
    listing = text(staff_client.get("/admin/goodssku/"))
    action_form = re.search(r'<form id="action_form".*?</form>', listing, re.S).group(0)
    assert 'name="csrf_token"' in action_form
    delete_forms = re.findall(r'<form class="icon" method="POST" action="/admin/goodssku/delete/"'
                              r".*?</form>", listing, re.S)
    assert delete_forms and all('name="csrf_token"' in f for f in delete_forms)


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_save_without_a_valid_token_changes_nothing(staff_client, shop, token):
    path = f"/admin/goodssku/edit/?id={shop.apples}"
    response = submit(staff_client, path, {"price": "1.00", "csrf_token": token})
    assert response.status_code == 400
    assert reload(GoodsSKU, shop.apples).price == Decimal("9.90")
    response = staff_client.post("/admin/goodssku/action/", data={
        "action": "take_off_sale", "rowid": [shop.apples], **({"csrf_token": token} if token
                                                               else {})})
    assert response.status_code == 400
    assert reload(GoodsSKU, shop.apples).is_on_sale


# --- saves show at once ------------------------------------------------------------------


def test_staff_add_a_sku_and_shoppers_see_it(staff_client, app, shop):
    apple_family = db.session.scalar(db.select(Goods.id).filter_by(name="Fuji apples"))
    response = submit(staff_client, "/admin/goodssku/new/", {
        "name": "Fuji apples 1kg", "title": "Mid-size bag", "category": str(shop.fruit),
        "goods": str(apple_family), "price": "17.5", "unit": "1kg", "stock": "8",
        "is_on_sale": "y"}, files={"default_image": (png("green"), "apples.png")})
    assert response.status_code == 302
    sku = latest(db.select(GoodsSKU).filter_by(name="Fuji apples 1kg"))
    assert sku.price == Decimal("17.50") and sku.category_id == shop.fruit
    assert re.fullmatch(r"goods/[0-9a-f]{32}\.png", sku.default_image)
    page = text(shop_page(staff_client, f"/goods/{sku.id}"))
    assert "Fuji apples 1kg" in page and "17.50" in page and sku.default_image in page


def test_price_and_picture_edits_show_on_cached_and_static_pages(staff_client, app, shop):
    for path in ("/", f"/goods/{shop.apples}"):  # both pages are now cached
        assert "9.90" in text(shop_page(staff_client, path))
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "7.25"}, files={"default_image": (png(), "mine.JPG")})
    assert response.status_code == 302
    sku = reload(GoodsSKU, shop.apples)
    assert re.fullmatch(r"goods/[0-9a-f]{32}\.png", sku.default_image)  # its real format
    assert (Path(app.config["MEDIA_ROOT"]) / sku.default_image).is_file()
    for path in ("/", f"/goods/{shop.apples}"):
        page = text(shop_page(staff_client, path))
        assert "7.25" in page and "9.90" not in page, path
        assert sku.default_image in page, path
    static = static_homepage(app)
    assert static and "7.25" in static and "9.90" not in static


def test_gallery_pictures_are_added_on_the_skus_form(staff_client, app, shop):
    shop_page(staff_client, f"/goods/{shop.apples}")
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      files={"images-2-image": (png("blue"), "gallery.png")})
    assert response.status_code == 302
    images = [i.image for i in reload(GoodsSKU, shop.apples).images]
    assert images[:2] == ["goods/apples-1.jpg", "goods/apples-2.jpg"] and len(images) == 3
    assert images[2] in text(shop_page(staff_client, f"/goods/{shop.apples}"))


def test_editing_in_the_list_updates_the_price(staff_client, shop):
    shop_page(staff_client, f"/goods/{shop.apples}")
    token = token_on(staff_client, "/admin/goodssku/")
    response = staff_client.post("/admin/goodssku/ajax/update/", data={
        "list_form_pk": shop.apples, "price": "3.30", "csrf_token": token})
    assert response.status_code == 200
    assert "3.30" in text(shop_page(staff_client, f"/goods/{shop.apples}"))


def test_deleting_a_promotion_takes_it_off_the_homepage(staff_client, shop):
    assert "Seafood week" in text(shop_page(staff_client, "/"))
    promo = db.session.scalar(db.select(IndexPromotionBanner).filter_by(name="Seafood week"))
    token = token_on(staff_client, "/admin/indexpromotionbanner/")
    response = staff_client.post("/admin/indexpromotionbanner/delete/",
                                 data={"id": promo.id, "csrf_token": token})
    assert response.status_code == 302
    assert "Seafood week" not in text(shop_page(staff_client, "/"))


def test_deleting_a_sku_takes_its_page_down(staff_client, shop):
    family = db.session.scalar(db.select(Goods).filter_by(name="Shellfish"))
    lobster = factories.sku(db.session.get(GoodsCategory, shop.seafood), family, "Lobster")
    db.session.commit()
    assert shop_page(staff_client, f"/goods/{lobster.id}").status_code == 200
    token = token_on(staff_client, "/admin/goodssku/")
    response = staff_client.post("/admin/goodssku/delete/",
                                 data={"id": lobster.id, "csrf_token": token})
    assert response.status_code == 302
    assert shop_page(staff_client, f"/goods/{lobster.id}").status_code == 404


def test_bulk_take_off_sale_and_back(staff_client, app, shop):
    for path in ("/", f"/goods/{shop.apples}", f"/goods/{shop.prawns}"):
        shop_page(staff_client, path)
    token = token_on(staff_client, "/admin/goodssku/")
    response = staff_client.post("/admin/goodssku/action/", data={
        "action": "take_off_sale", "rowid": [shop.apples, shop.prawns], "csrf_token": token})
    assert response.status_code == 302
    for sku_id in (shop.apples, shop.prawns):
        assert shop_page(staff_client, f"/goods/{sku_id}").status_code == 404
    for page in (text(shop_page(staff_client, "/")), static_homepage(app)):
        assert f'href="/goods/{shop.apples}"' not in page
        assert "Tiger prawns" not in page
    staff_client.post("/admin/goodssku/action/", data={
        "action": "put_on_sale", "rowid": [shop.prawns], "csrf_token": token})
    assert shop_page(staff_client, f"/goods/{shop.prawns}").status_code == 200
    assert "Tiger prawns" in text(shop_page(staff_client, "/"))


def test_promotion_edit_clears_the_homepage_but_not_detail_pages(staff_client, app, shop):
    shop_page(staff_client, f"/goods/{shop.apples}")
    shop_page(staff_client, "/")
    assert page_cache.peek(f"goods:{shop.apples}") is not None
    promo = db.session.scalar(db.select(IndexPromotionBanner).filter_by(name="Seafood week"))
    response = submit(staff_client, f"/admin/indexpromotionbanner/edit/?id={promo.id}",
                      {"name": "Oyster weekend"})
    assert response.status_code == 302
    assert "Oyster weekend" in text(shop_page(staff_client, "/"))
    assert "Oyster weekend" in static_homepage(app)
    assert page_cache.peek(f"goods:{shop.apples}") is not None


def test_moving_a_sku_refreshes_the_category_it_left(staff_client, shop):
    shellfish = db.session.scalar(db.select(Goods).filter_by(name="Shellfish"))
    pears = factories.sku(db.session.get(GoodsCategory, shop.fruit), shellfish, "Pears")
    db.session.commit()
    assert "Fuji apples 2kg" in text(shop_page(staff_client, f"/goods/{pears.id}"))  # new in fruit
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples_big}",
                      {"category": str(shop.seafood)})
    assert response.status_code == 302
    assert "Fuji apples 2kg" not in text(shop_page(staff_client, f"/goods/{pears.id}"))


@pytest.mark.parametrize("url,accepted", [
    ("/list/1", True), ("https://example.com/sale?week=2", True), ("http://example.com", True),
    ("javascript:alert(1)", False), ("//evil.example/x", False), ("/\\evil.example", False),
    ("data:text/html,hi", False), ("https://", False), ("list/1", False),
])
def test_promotion_links_stay_in_the_shop_or_on_the_web(staff_client, shop, url, accepted):
    promo = db.session.scalar(db.select(IndexPromotionBanner).filter_by(name="Seafood week"))
    response = submit(staff_client, f"/admin/indexpromotionbanner/edit/?id={promo.id}",
                      {"target_url": url})
    assert (response.status_code == 302) is accepted
    assert reload(IndexPromotionBanner, promo.id).url == (url if accepted else "/list/2")
    if not accepted:
        assert "Use a path on this site" in text(response)


# --- what is refused changes nothing -----------------------------------------------------

NOT_IMAGES = {
    "text named .jpg": (b"just some text, honest", "photo.jpg"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg"),
    "html named .png": (b"<html><script>alert(1)</script></html>", "pic.png"),
    "truncated png": (png()[:40], "cut.png"),
}


@pytest.mark.parametrize("content,filename", NOT_IMAGES.values(), ids=NOT_IMAGES.keys())
def test_files_that_are_not_images_are_refused(staff_client, app, shop, content, filename):
    shop_page(staff_client, f"/goods/{shop.apples}")
    before = media_files(app)
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "1.00"}, files={"default_image": (content, filename)})
    assert response.status_code == 200
    assert "not a JPEG, PNG, WebP or GIF image" in text(response)
    assert_nothing_changed(app, shop, before)


def test_oversize_images_are_refused(staff_client, app, shop):
    app.config["ADMIN_MAX_IMAGE_BYTES"] = 10_000
    shop_page(staff_client, f"/goods/{shop.apples}")
    before = media_files(app)
    big = png(size=(200, 200), noise=True)
    assert len(big) > 10_000
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "1.00"}, files={"default_image": (big, "big.png")})
    assert response.status_code == 200
    assert "images may be at most" in text(response)
    assert_nothing_changed(app, shop, before)


def test_a_fake_gallery_picture_is_refused_too(staff_client, app, shop):
    shop_page(staff_client, f"/goods/{shop.apples}")
    before = media_files(app)
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "1.00"}, files={"images-2-image": (b"GIF89a?", "x.gif")})
    assert response.status_code == 200
    assert "not a JPEG, PNG, WebP or GIF image" in text(response)
    assert len(reload(GoodsSKU, shop.apples).images) == 2
    assert_nothing_changed(app, shop, before)


def test_a_failed_commit_clears_nothing_and_renders_nothing(staff_client, app, shop,
                                                           monkeypatch):
    shop_page(staff_client, f"/goods/{shop.apples}")

    def refuse(session):
        raise OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(Session, "commit", refuse)
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "1.00"})
    monkeypatch.undo()
    assert response.status_code == 200
    assert "Nothing was saved: the database is unavailable just now" in text(response)
    assert "[SQL:" not in text(response)
    assert_nothing_changed(app, shop, media_files(app))


def assert_nothing_changed(app, shop, media_before: set[str]) -> None:
    sku = reload(GoodsSKU, shop.apples)
    assert sku.price == Decimal("9.90") and sku.default_image == "goods/Fuji apples 500g.jpg"
    assert media_files(app) == media_before
    assert page_cache.peek(f"goods:{shop.apples}") is not None  # nothing cleared
    assert static_homepage(app) is None  # nothing rendered


# --- people ------------------------------------------------------------------------------


def test_staff_create_an_account_whose_password_is_hashed(staff_client, shop):
    response = submit(staff_client, "/admin/user/new/", {
        "username": "carol", "email": "Carol@Example.com", "new_password": "a long secret"})
    assert response.status_code == 302
    carol = latest(db.select(User).filter_by(username="carol"))
    assert carol.email_canonical == "carol@example.com"  # kept as typed for display
    assert carol.password_hash.startswith("$argon2id$")
    assert "a long secret" not in carol.password_hash


def test_a_new_account_needs_a_password(staff_client, shop):
    response = submit(staff_client, "/admin/user/new/", {
        "username": "dave", "email": "dave@example.com"})
    assert response.status_code == 200
    assert latest(db.select(User).filter_by(username="dave")) is None


def test_the_password_hash_is_never_shown_and_kept_unless_replaced(staff_client, user):
    old_hash = user.password_hash
    for path in (f"/admin/user/edit/?id={user.id}", f"/admin/user/details/?id={user.id}",
                 "/admin/user/"):
        page = text(staff_client.get(path))
        assert old_hash not in page and "password_hash" not in page, path
    assert submit(staff_client, f"/admin/user/edit/?id={user.id}",
                  {"username": "alice2"}).status_code == 302
    assert reload(User, user.id).password_hash == old_hash
    assert submit(staff_client, f"/admin/user/edit/?id={user.id}",
                  {"new_password": "another long one"}).status_code == 302
    new_hash = reload(User, user.id).password_hash
    assert new_hash != old_hash and check_password(new_hash, "another long one")[0]


# --- staff see what went wrong, and what the numbers mean (issue 20) -----------------------

ALERTS = re.compile(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', re.S)


def top_alerts(response) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>|&times;", " ", alert).split())
            for alert in ALERTS.findall(text(response))]


def test_a_small_picture_is_refused_with_the_reason_at_the_top(staff_client, app, shop):
    shop_page(staff_client, f"/goods/{shop.apples}")
    before = media_files(app)
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": "1.00"}, files={"default_image": (png(size=(50, 50)), "s.png")})
    assert response.status_code == 200
    alerts = top_alerts(response)
    assert "Picture: The picture is 50 × 50 px; product pictures need at least 320 × 320 px " \
           "to look sharp." in alerts, alerts
    assert_nothing_changed(app, shop, before)
    # a banner has a shape of its own: a wide, low slide is fine
    slide = IndexGoodsBanner.query.filter_by(sku_id=shop.prawns).one()
    response = submit(staff_client, f"/admin/indexgoodsbanner/edit/?id={slide.id}", {},
                      files={"image": (png(size=(760, 270)), "slide.png")})
    assert response.status_code == 302


def test_a_file_that_is_no_picture_says_so_at_the_top(staff_client, app, shop):
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}", {},
                      files={"default_image": (b"<svg onload=alert(1)>", "x.jpg")})
    assert "Picture: That file is not a JPEG, PNG, WebP or GIF image." in top_alerts(response)


def test_sales_are_counted_not_typed(staff_client, shop):
    form = text(staff_client.get(f"/admin/goodssku/edit/?id={shop.apples}"))
    assert 'name="sales"' not in form and 'name="stock"' in form
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"sales": "999999", "stock": "12"})
    assert response.status_code == 302
    sku = reload(GoodsSKU, shop.apples)
    assert (sku.stock, sku.sales) == (12, 50)  # the stock changed, the sales did not
    details = text(staff_client.get(f"/admin/goodssku/details/?id={shop.apples}"))
    assert "Sales 50" in " ".join(re.sub(r"<[^>]+>", " ", details).split())  # still shown


def test_prices_show_their_currency(staff_client, shop):
    listing = text(staff_client.get("/admin/goodssku/"))
    assert "Price (US$)" in listing
    details = text(staff_client.get(f"/admin/goodssku/details/?id={shop.apples}"))
    assert "$9.90" in details
