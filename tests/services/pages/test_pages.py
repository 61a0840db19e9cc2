"""The page layer: each catalogue page is rendered once for everybody, cached with the tags
of what it shows, and dropped by exactly the edits that touch those tags, after the commit
and only then. Each visitor's own parts are filled in at the edge, never cached."""

from __future__ import annotations

import dataclasses
import io
import pickle
import threading
from decimal import Decimal

import pytest
from flask import Flask

from storefront.extensions import cache, db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexPromotionBanner,
    OrderGoods,
    OrderInfo,
    User,
)
from storefront.services.pages import cache as page_cache
from storefront.services.pages import freshness, tags
from storefront.services.pages import render as pages
from tests.conftest import count_queries, csrf_token, sign_in
from tests.helpers import header_cart_count, text


def warm(client, shop) -> None:
    for path in ("/", f"/goods/{shop.apples}", f"/goods/{shop.prawns}",
                 f"/goods/{shop.apples_big}", f"/list/{shop.fruit}", f"/list/{shop.seafood}"):
        assert client.get(path).status_code == 200, path


def test_warm_pages_run_no_sql_for_anonymous_visitors(client, shop):
    warm(client, shop)
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        assert statements == [], path


def test_a_cold_list_page_costs_six_queries_then_none(app, client, shop):
    # by price: the categories, the category's prices and their offers (the order offers
    # make), the page's rows, new arrivals, the offers of the SKUs shown (test_query_counts)
    with count_queries() as cold:
        client.get(f"/list/{shop.fruit}?sort=price")
    with count_queries() as warm_:
        client.get(f"/list/{shop.fruit}?sort=price")
    assert (len(cold), len(warm_)) == (6, 0)


def test_anonymous_pages_are_public_conditional_tagged_and_set_no_cookie(client, shop):
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        first = client.get(path)
        assert first.status_code == 200
        assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
        assert "Set-Cookie" not in first.headers, path
        assert "Cookie" in first.headers["Vary"]
        assert "all" in first.headers["Surrogate-Key"].split()
        assert first.headers["ETag"] and first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    detail = client.get(f"/goods/{shop.apples}").headers["Surrogate-Key"].split()
    assert {f"page:goods:{shop.apples}", f"sku:{shop.apples}", f"sku-page:{shop.apples}",
            f"new-skus:{shop.fruit}", "nav"} <= set(detail)
    assert f"category-skus:{shop.fruit}" not in detail  # its category's lists are not on it


def test_cached_entries_hold_nothing_of_a_visitor(client, app, shop, user):
    sign_in(client)
    client.post("/cart/add", data={"sku_id": shop.apples, "count": 2,
                                   "csrf_token": csrf_token(client, "/users/profile")})
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):  # as nginx asks
        assert client.get(path, headers={"X-Edge": "ssi"}).status_code == 200
    for key in ("home", f"goods:{shop.apples}", f"list:{shop.fruit}:default:1"):
        entry = page_cache.peek(key)
        assert entry is not None, key
        assert "alice" not in entry.html and "Added 2" not in entry.html, key
        # the sign-out form's token is an SSI directive, inert in a <template> as sent
        assert "name=\"csrf_token\" value='<!--# echo var=\"sf_csrf\"" in entry.html, key


def test_two_visitors_on_one_cached_page_each_see_only_their_own_parts(app, client, shop, user):
    from storefront.services.accounts import users as accounts

    accounts.create_user("zoe", "zoe@example.com", "another long password")
    alice, zoe = client, app.test_client()  # two browsers (the fixture set the class)
    sign_in(alice)
    sign_in(zoe, "zoe", "another long password")
    alice.post("/cart/add", data={"sku_id": shop.apples, "count": 3,
                                  "csrf_token": csrf_token(alice, "/users/profile")})
    path = f"/goods/{shop.apples}"
    pages_seen = {name: text(c.get(path)) for name, c in (("alice", alice), ("zoe", zoe))}
    again = {name: text(c.get(path)) for name, c in (("alice", alice), ("zoe", zoe))}
    tokens = {}
    for name, other in (("alice", "zoe"), ("zoe", "alice")):
        page = again[name]
        assert f"<strong>{name}</strong>" in page and f"<strong>{other}</strong>" not in page
        tokens[name] = set(__import__("re").findall(r'name="csrf_token" value="([^"]+)"', page))
        assert len(tokens[name]) == 1  # the logout form and the buy form: the same token
    assert tokens["alice"] != tokens["zoe"]
    assert "Added 3" in pages_seen["alice"] and "Added 3" not in pages_seen["zoe"]
    assert header_cart_count(alice.get(path)) == 3 and header_cart_count(zoe.get(path)) == 0
    # each token is good for its own visitor's forms only
    ok = alice.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                       "csrf_token": tokens["alice"].pop()})
    stolen = zoe.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                         "csrf_token": tokens["alice"] or "x"})
    assert ok.status_code == 302 and stolen.status_code == 400


def test_signed_in_pages_are_private_and_not_stored(signed_in, shop):
    response = signed_in.get(f"/goods/{shop.apples}")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers and "Surrogate-Key" not in response.headers
    assert "<!--#" not in text(response) and "Add to cart" in text(response)


def test_pages_work_without_javascript_forms_for_every_action(signed_in, shop):
    page = text(signed_in.get(f"/goods/{shop.apples}"))
    assert '<form class="buy-form" method="post" action="/cart/add">' in page
    assert 'action="/users/logout"' in page


# --- the display cookies: what nginx fills a signed-in visitor's page from -----------------


def cookie(client, name):
    found = client.get_cookie(name)
    return None if found is None else found.value


def test_the_display_cookies_follow_the_session(signed_in, app, shop):
    """Name, count, CSRF token and the message: set when they change, gone with the
    session (web/visitor.py); the four the page's script reads are not HttpOnly, the view
    log's signed id and the routing hint are."""
    signed_in.post("/cart/add", data={"sku_id": shop.apples, "count": 2,
                                      "csrf_token": csrf_token(signed_in, "/users/profile")})
    assert cookie(signed_in, "sf_name") == "alice" and cookie(signed_in, "sf_count") == "2"
    assert cookie(signed_in, "sf_flash") == (
        "success.Added%202%20%C3%97%20Fuji%20apples%20500g%20to%20your%20cart.")
    assert not any(signed_in.get_cookie(n).http_only for n in
                   ("sf_name", "sf_count", "sf_csrf", "sf_flash"))
    assert all(signed_in.get_cookie(n).http_only for n in ("sf_seen", "sf_signed_in"))
    # the cookie's token is the session's own: a form posted with it works
    ok = signed_in.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                           "csrf_token": cookie(signed_in, "sf_csrf")})
    assert ok.status_code == 302 and cookie(signed_in, "sf_count") == "3"
    page = text(signed_in.get("/cart"))  # the app shows the message itself, once
    assert "Added 1 × Fuji apples 500g to your cart." in page
    assert cookie(signed_in, "sf_flash") is None
    signed_in.post("/users/logout", data={"csrf_token": cookie(signed_in, "sf_csrf")})
    assert [n for n in ("sf_name", "sf_count", "sf_csrf", "sf_seen", "sf_signed_in")
            if signed_in.get_cookie(n)] == []


def test_a_csrf_cookie_works_for_its_own_session_only(client, app, user, shop):
    sign_in(client)
    alice_token = cookie(client, "sf_csrf")
    other = app.test_client()
    accounts_create(other)
    stolen = other.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                           "csrf_token": alice_token})
    assert stolen.status_code == 400


def accounts_create(client) -> None:
    from storefront.services.accounts import users as accounts

    accounts.create_user("zoe", "zoe@example.com", "a long enough password")
    sign_in(client, "zoe", "a long enough password")


def test_names_travel_percent_encoded_and_read_back_exactly(client, app, shop):
    from urllib.parse import unquote

    from storefront.services.accounts import users as accounts

    name = '<script>"李\'😀'
    accounts.create_user(name, "li@example.com", "a long enough password")
    sign_in(client, name, "a long enough password")
    value = cookie(client, "sf_name")
    assert value.isascii() and ";" not in value and "<" not in value
    assert unquote(value) == name
    page = text(client.get(f"/goods/{shop.apples}"))  # the app's own render escapes it too
    assert "<strong>&lt;script&gt;&#34;李&#39;😀</strong>" in page


def test_an_ended_session_loses_its_display_cookies_and_its_power(client, app, user, shop):
    from storefront.services.accounts import users as accounts

    sign_in(client)
    token = cookie(client, "sf_csrf")
    accounts.end_sessions([user.id])  # "sign out everywhere", from another device
    refused = client.post("/cart/add", data={"sku_id": shop.apples, "count": 1,
                                             "csrf_token": token})
    assert refused.status_code in (302, 400, 403)
    assert [n for n in ("sf_name", "sf_csrf", "sf_seen", "sf_signed_in")
            if client.get_cookie(n)] == []
    from storefront.services.cart import shopper

    assert shopper.cart_count(user.id) == 0


def test_an_anonymous_visitor_gets_no_display_cookie(client, shop):
    for path in ("/", f"/goods/{shop.apples}", "/cart", "/users/login"):
        assert "sf_" not in client.get(path).headers.get("Set-Cookie", ""), path


# --- invalidation by tag ------------------------------------------------------------------


def edit(obj, delete: bool = False) -> None:
    """What the admin does: change (or add) the row, then commit (the flush is collected)."""
    db.session.add(obj)
    if delete:
        db.session.delete(obj)
    db.session.commit()


def watched(shop) -> dict[str, str]:
    return {"home": "home", "apples": f"goods:{shop.apples}", "prawns": f"goods:{shop.prawns}",
            "apples_big": f"goods:{shop.apples_big}",
            "fruit": f"list:{shop.fruit}:default:1", "seafood": f"list:{shop.seafood}:default:1"}


def plant(client, shop) -> None:
    """Warm the pages, then mark each entry: a mark still there afterwards means "not
    dropped". (A dropped page may be back already, rebuilt fresh by the worker.)"""
    warm(client, shop)
    for key in watched(shop).values():
        entry = page_cache.peek(key)
        marked = dataclasses.replace(entry, html=entry.html + "<!--planted-->")
        cache.set(f"page:{key}", marked.plain())


def dropped(shop) -> set[str]:
    return {name for name, key in watched(shop).items()
            if "<!--planted-->" not in getattr(page_cache.peek(key), "html", "")}


def test_promotion_edit_drops_the_homepage_only(client, shop):
    plant(client, shop)
    banner = db.session.scalars(db.select(IndexPromotionBanner)).first()
    banner.name = "Weekend deals"
    edit(banner)
    assert dropped(shop) == {"home"}


def test_category_edit_drops_every_page(client, shop):
    plant(client, shop)
    category = db.session.get(GoodsCategory, shop.fruit)
    category.name = "Fruit & berries"
    edit(category)
    assert dropped(shop) == set(watched(shop))  # the nav is on every page
    assert "Fruit &amp; berries" in text(client.get(f"/goods/{shop.prawns}"))


def test_sku_edit_drops_the_pages_that_show_it(client, shop):
    plant(client, shop)
    sku = db.session.get(GoodsSKU, shop.apples_big)
    sku.price = Decimal("27.50")
    edit(sku)
    # the homepage links it, apples lists it as another spec and both are in fruit's list
    # and new arrivals; prawns and the seafood list do not show it
    assert dropped(shop) == {"home", "apples", "apples_big", "fruit"}
    assert "27.50" in text(client.get(f"/goods/{shop.apples}"))
    assert "27.50" in text(client.get(f"/list/{shop.fruit}"))


def test_sku_moved_to_another_category_drops_both_categories_pages(client, shop):
    plant(client, shop)
    sku = db.session.get(GoodsSKU, shop.apples_big)
    sku.category_id = shop.seafood
    edit(sku)
    assert dropped(shop) == set(watched(shop))
    assert "Fuji apples 2kg" in text(client.get(f"/list/{shop.seafood}"))
    assert "Fuji apples 2kg" not in text(client.get(f"/list/{shop.fruit}"))


def test_an_off_sale_sku_coming_back_returns_to_the_homepage(client, shop):
    assert "Fuji apples crate" not in text(client.get("/"))
    crate = db.session.get(GoodsSKU, shop.crate)
    crate.is_on_sale = True
    edit(crate)
    assert "Fuji apples crate" in text(client.get("/"))


def test_spu_edit_drops_its_skus_pages_only(client, shop):
    plant(client, shop)
    goods = db.session.get(GoodsSKU, shop.apples).goods
    goods.detail = "Now even crisper."
    edit(goods)
    assert dropped(shop) == {"apples", "apples_big"}
    assert "Now even crisper." in text(client.get(f"/goods/{shop.apples}"))


def test_gallery_and_review_edits_drop_their_skus_pages(client, shop):
    plant(client, shop)
    edit(GoodsImage(sku_id=shop.prawns, image="goods/prawns-2.jpg"))
    assert dropped(shop) == {"prawns"}  # the gallery is on its own page alone
    plant(client, shop)
    review = db.session.scalars(db.select(OrderGoods).filter_by(sku_id=shop.apples)).first()
    edit(review, delete=True)
    assert dropped(shop) == {"apples"}
    assert "Sweet and crunchy!" not in text(client.get(f"/goods/{shop.apples}"))


def test_renaming_a_reviewer_drops_the_pages_with_their_reviews(client, shop):
    plant(client, shop)
    bob = db.session.scalars(db.select(User).filter_by(username="bob")).one()
    bob.username = "robert"
    edit(bob)
    assert dropped(shop) == {"apples"}
    assert "robert" in text(client.get(f"/goods/{shop.apples}"))


def test_a_reviewer_signing_out_everywhere_or_their_order_moving_on_drops_nothing(client,
                                                                                    shop):
    """The collector sees every flushed row, but only what a page shows of a user or an
    order counts: a session ending or a status change leaves the review pages alone."""
    plant(client, shop)
    bob = db.session.scalars(db.select(User).filter_by(username="bob")).one()
    bob.session_version = (bob.session_version or 0) + 1
    review = db.session.scalars(db.select(OrderGoods).filter_by(sku_id=shop.apples)).first()
    review.order.status = OrderInfo.DELIVERED
    edit(bob)
    assert dropped(shop) == set()


def test_deleting_a_sku_drops_its_page(client, shop):
    doomed = GoodsSKU(category_id=shop.seafood, goods=Goods(name="Temporary", detail=""),
                      name="Doomed crab", price=Decimal("5"), unit="1")
    db.session.add(doomed)
    edit(doomed)
    assert "Doomed crab" in text(client.get(f"/goods/{doomed.id}"))
    assert "Doomed crab" in text(client.get(f"/list/{shop.seafood}"))
    doomed_id = doomed.id
    edit(doomed, delete=True)
    assert client.get(f"/goods/{doomed_id}").status_code == 404
    assert "Doomed crab" not in text(client.get(f"/list/{shop.seafood}"))


def test_nothing_is_dropped_before_the_commit_or_on_rollback(client, shop):
    plant(client, shop)
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.price = Decimal("1.00")
    assert dropped(shop) == set()  # recorded, not acted on
    db.session.rollback()
    assert dropped(shop) == set()
    db.session.commit()  # a later, empty commit acts on nothing left over
    assert dropped(shop) == set()
    assert "9.90" in text(client.get(f"/goods/{shop.apples}"))


def test_a_page_read_before_a_commit_is_not_kept_after_it(app, shop):
    """The race every read-through cache has: a build reads the old rows, the edit commits
    and invalidates, then the build stores what it read. The layer must notice."""
    key = f"goods:{shop.apples}"

    def build_overtaken_by_an_edit():
        entry = pages._build_detail(key, shop.apples)  # reads price 9.90
        freshness.make_fresh({tags.sku(shop.apples)})  # an edit commits meanwhile
        return entry

    served = page_cache.build_and_store(key, build_overtaken_by_an_edit)
    assert "9.90" in served.html  # this one request may get what it read ...
    assert page_cache.peek(key) is None  # ... but nobody after it


def test_an_edit_of_an_unrelated_tag_does_not_drop_a_build_in_flight(app, client, shop):
    client.get("/")  # the shop has served a page: Redis holds the record of what shows what
    key = f"goods:{shop.apples}"

    def build_while_something_else_changes():
        entry = pages._build_detail(key, shop.apples)
        freshness.make_fresh({tags.sku(shop.prawns)})
        return entry

    page_cache.build_and_store(key, build_while_something_else_changes)
    assert page_cache.peek(key) is not None


# --- stampede -----------------------------------------------------------------------------


@pytest.mark.quiet  # threads racing a build: timing depends on a quiet machine
def test_a_cold_page_is_built_once_under_concurrent_load(app: Flask, shop, monkeypatch):
    builds = []
    real_build = pages._build_home

    def slow_build():
        builds.append(1)
        threading.Event().wait(0.2)  # a slow database makes the race wide open
        return real_build()

    monkeypatch.setattr(pages, "_build_home", slow_build)
    results, errors = [], []

    def visitor():
        try:
            with app.app_context():
                results.append(pages.home())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert len(builds) == 1
    assert len(results) == 8 and len({r.etag for r in results}) == 1


class PlainUnpickler(pickle.Unpickler):
    """Refuses every class: a cached page is builtins only (SPEC: plain data)."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} in the cache")


@pytest.mark.parametrize("backend", ["services"], indirect=True)
def test_redis_keeps_each_page_once_as_plain_data_with_a_set_per_tag(client, app, shop):
    import redis as redis_py

    client.get(f"/goods/{shop.apples}")
    raw = redis_py.Redis.from_url(app.config["REDIS_URL"])
    prefix = app.config["CACHE_KEY_PREFIX"]
    assert raw.exists(f"{prefix}page:goods:{shop.apples}")
    assert 0 < raw.ttl(f"{prefix}page:goods:{shop.apples}") <= page_cache.ENTRY_SECONDS
    stored = raw.get(f"{prefix}page:goods:{shop.apples}")
    assert stored.startswith(b"!")  # Flask-Caching's pickle marker
    value = PlainUnpickler(io.BytesIO(stored[1:])).load()
    # fresh_until: when its prices next change (an offer starts or ends), or None
    assert set(value) == {"key", "html", "tags", "built_at", "fresh_until"}
    members = raw.smembers(f"{prefix}pages:tag:sku:{shop.apples}")
    assert members == {f"goods:{shop.apples}".encode()}


def test_a_page_is_sent_without_its_templates_indentation(client, shop):
    page = text(client.get(f"/goods/{shop.apples}"))
    assert "\n " not in page and "\n\t" not in page
    assert "Fuji apples 500g" in page
    # but in the elements whose text shows as written
    kept = "<pre>\n  a\n    b</pre>\n  <p>\n    c</p><TEXTAREA>\n  d</TEXTAREA>\n  e"
    assert pages._unindented(kept) == ("<pre>\n  a\n    b</pre>\n<p>\nc</p>"
                                       "<TEXTAREA>\n  d</TEXTAREA>\ne")
