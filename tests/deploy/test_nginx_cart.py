"""An anonymous visitor's cart through deploy/nginx.conf and a real gunicorn: the page files
while the cart is empty, the same files with the cart count filled in (SSI) while it has
lines, and back to the files when it empties or merges at sign-in."""

from __future__ import annotations

from html import unescape

import pytest

from storefront import redis_keys
from storefront.extensions import redis_store
from tests.deploy.test_nginx import (  # noqa: F401  (site: the fixture)
    MARKER,
    Browser,
    cart_count,
    publish_marked,
    sign_in_through,
    site,
)
from tests.helpers import shown

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)


def cart_post(browser: Browser, path: str, origin: str | None = None, **form: object):
    """A form post from one of the shop's pages (its Origin), or from ``origin``."""
    return browser.request("POST", path, form={k: str(v) for k, v in form.items()},
                           headers={"Origin": origin or browser.base})


def test_an_anonymous_cart_takes_the_personal_path_only_while_it_has_lines(site, shop, user):  # noqa: F811
    home, detail = publish_marked("home"), publish_marked(f"goods:{shop.apples}")
    visitor, other = site.browser(), site.browser()
    first = visitor.get("/")
    assert first.body == home and "public" in first.headers["Cache-Control"]

    attack = cart_post(visitor, "/cart/add", "https://evil.example", sku_id=shop.apples,
                       count=1)
    assert attack.status == 403 and visitor.cookie("sf_cart") is None
    added = cart_post(visitor, "/cart/add", sku_id=shop.apples, count=2)
    assert added.status == 302, added.text
    assert cart_post(visitor, "/cart/add", sku_id=shop.prawns, count=1).status == 302
    assert visitor.cookie("sf_cart") is not None

    page = visitor.get(f"/goods/{shop.apples}")
    assert MARKER in page.body and page.body != detail  # the file, filled in by nginx
    assert "Added 1 × Tiger prawns to your cart." in unescape(page.text)
    assert cart_count(page.text) == 3 and "<!--#" not in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    # still anonymous: the signed-in parts stay inert
    assert "Sign in</a>" in shown(page.text) and "csrf_token" not in shown(page.text)
    again = visitor.get("/")
    assert MARKER in again.body and cart_count(again.text) == 3 and "Added" not in again.text
    assert other.get("/").body == home  # nobody else's page changed

    cart = visitor.get("/cart")
    assert cart.status == 200 and "Tiger prawns" in cart.text and cart_count(cart.text) == 3
    assert cart_post(visitor, "/cart/remove", sku_id=shop.prawns).status == 302
    assert cart_post(visitor, "/cart/remove", sku_id=shop.apples).status == 302
    assert visitor.cookie("sf_cart") is None  # empty: back on the files
    visitor.get("/cart")  # shows "Removed ..."
    assert visitor.get("/").body == home


def test_signing_in_merges_the_cart_and_keeps_the_count(site, shop, user):  # noqa: F811
    publish_marked("home")
    redis_store.client.hset(redis_keys.cart(user.id), str(shop.apples), 1)
    visitor = site.browser()
    assert cart_post(visitor, "/cart/add", sku_id=shop.apples, count=2).status == 302
    assert cart_post(visitor, "/cart/add", sku_id=shop.prawns, count=2).status == 302
    sign_in_through(visitor)
    assert visitor.cookie("sf_cart") is None
    page = visitor.get("/")
    assert MARKER in page.body and "Welcome" in page.text and cart_count(page.text) == 5
    assert redis_store.client.hgetall(redis_keys.cart(user.id)) == {
        str(shop.apples): "3", str(shop.prawns): "2"}
