"""The cart page, changing and removing lines, and the cart of a visitor who is not signed in:
what a shopper sees and what Redis holds, on both backends."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.services.cart import merge as cart_merge
from storefront.services.cart import shopper
from tests.conftest import PASSWORD, count_queries, csrf_token, sign_in
from tests.helpers import header_cart_count, text

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}  # what a browser says of a form on our pages


def add(client, sku_id, count, **headers):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": count},
                       headers=headers or SAME_SITE)


def post(client, path, signed_in=False, **data):
    if signed_in:
        data["csrf_token"] = csrf_token(client, "/cart")
    return client.post(path, data=data, headers=SAME_SITE)


def anon_carts(app) -> dict[str, dict[str, str]]:
    prefix = app.config["REDIS_KEY_PREFIX"]
    client = redis_store.client
    return {k: client.hgetall(k) for k in client.scan_iter(match=f"{prefix}cart_anon_*")}


def user_cart(app, user) -> dict[str, str]:
    return redis_store.client.hgetall(redis_keys.cart(user.id))


def lines_on(page) -> dict[str, str]:
    """Each line's name and count field, as the cart page shows them."""
    html = text(page)
    return dict(re.findall(r'<a href="/goods/\d+">([^<]+)</a>.*?name="count"[^>]*value="(\d+)"',
                           html, re.S))


def edit(sku_id: int, **fields) -> None:
    """What the admin does: change a SKU and record the edit, so its commit freshens."""
    sku = db.session.get(GoodsSKU, sku_id)
    for name, value in fields.items():
        setattr(sku, name, value)
    db.session.commit()


def test_an_anonymous_visitor_fills_a_cart_and_sees_it_everywhere(client, app, shop):
    assert "public" in client.get("/").headers["Cache-Control"]  # the shared page
    first = add(client, shop.apples, 3)
    assert first.status_code == 302
    cookie, = (c for c in first.headers.getlist("Set-Cookie") if c.startswith("sf_cart="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=2592000" in cookie  # 30 days
    assert add(client, shop.prawns, 2).status_code == 302
    assert "Added 2 × Tiger prawns to your cart." in text(client.get("/"))
    (key, lines), = anon_carts(app).items()
    assert lines == {str(shop.apples): "3", str(shop.prawns): "2"}
    assert 29 * 86400 < redis_store.client.ttl(key) <= 30 * 86400
    for path in ("/", f"/goods/{shop.apples}", "/cart"):
        page = client.get(path)
        assert header_cart_count(page) == 5, path
        assert page.headers["Cache-Control"] == "private, no-store", path
        assert 'href="/cart"' in text(page) and 'class="cart-badge"' in text(page)
    assert "Added 2 × Tiger prawns to your cart." not in text(client.get("/"))  # once
    # what nginx fills their pages from: the count, and no name or token
    assert client.get_cookie("sf_count").value == "5"
    assert client.get_cookie("sf_name") is None and client.get_cookie("sf_csrf") is None


def test_the_cart_page_lists_each_line_and_a_decimal_total_in_two_queries(client, app, shop):
    add(client, shop.apples, 3)
    add(client, shop.prawns, 1)
    with count_queries() as statements:
        page = client.get("/cart")
    # one for every line's SKU, one for every line's offers (services/offers), whatever the
    # number of lines
    assert page.status_code == 200 and len(statements) == 2, statements
    html = text(page)
    assert lines_on(page) == {"Fuji apples 500g": "3", "Tiger prawns": "1"}
    assert '/media/goods/Fuji%20apples%20500g.jpg' in html or "Fuji apples 500g.jpg" in html
    assert "29.70" in html and "45.00" in html and "9.90" in html  # line totals, unit price
    assert re.search(r'id="cart-total">.*?74\.70', html, re.S)  # 3 × 9.90 + 45.00
    assert html.count('action="/cart/remove"') == 2
    assert "csrf_token" not in html  # checked by origin: no token, no session needed


def test_an_empty_cart_page_runs_no_query(client, shop):
    with count_queries() as statements:
        page = client.get("/cart")
    assert page.status_code == 200 and statements == []
    assert "Your cart is empty" in text(page)


def test_changing_a_count_and_removing_lines(client, app, shop):
    add(client, shop.apples, 3)
    add(client, shop.prawns, 1)
    changed = post(client, "/cart/update", sku_id=shop.apples, count=5)
    assert changed.status_code == 302 and changed.headers["Location"] == "/cart"
    page = client.get("/cart")
    assert "Your cart now has 5 × Fuji apples 500g." in text(page)
    assert re.search(r'id="cart-total">.*?94\.50', text(page), re.S)
    assert header_cart_count(page) == 6

    for count, status, says in (("11", 409, "Only 10"), ("0", 400, "Enter a quantity"),
                                ("2.5", 400, "Enter a quantity"), ("", 400, "Enter")):
        refused = post(client, "/cart/update", sku_id=shop.apples, count=count)
        assert refused.status_code == status and says in text(refused), count
    assert post(client, "/cart/update", sku_id=shop.apples_big, count=1).status_code == 404
    assert post(client, "/cart/update", sku_id=shop.crate, count=1).status_code == 404
    assert list(anon_carts(app).values()) == [{str(shop.apples): "5", str(shop.prawns): "1"}]

    removed = post(client, "/cart/remove", sku_id=shop.prawns)
    assert removed.status_code == 302 and "sf_cart=;" not in removed.headers["Set-Cookie"]
    page = client.get("/cart")
    assert "Removed Tiger prawns from your cart." in text(page)
    assert re.search(r'id="cart-total">.*?49\.50', text(page), re.S)
    assert post(client, "/cart/remove", sku_id=shop.prawns).status_code == 404  # twice
    last = post(client, "/cart/remove", sku_id=shop.apples)
    assert 'sf_cart=;' in last.headers["Set-Cookie"]  # empty: back on the static pages
    assert anon_carts(app) == {}
    assert "Your cart is empty" in text(client.get("/cart"))  # with "Removed ..." shown
    assert "public" in client.get("/").headers["Cache-Control"]


def test_unavailable_lines_are_shown_never_counted_and_can_be_fixed(signed_in, app, user,
                                                                    shop):
    redis_store.client.hset(redis_keys.cart(user.id), mapping={
        shop.apples: 2, shop.prawns: 4, 987654: 1})  # 987654: a SKU deleted long ago
    assert header_cart_count(signed_in.get("/")) == 6
    edit(shop.prawns, stock=3)  # now above the stock
    edit(shop.apples, is_on_sale=False)  # taken off sale
    page = signed_in.get("/cart")
    html = text(page)
    assert html.count("Unavailable.") == 3
    assert "Not for sale just now" in html and "Only 3 left" in html and "No longer sold" in html
    assert re.search(r'id="cart-total">.*?0\.00', html, re.S)
    assert header_cart_count(page) == 0 and header_cart_count(signed_in.get("/")) == 0
    assert header_cart_count(signed_in.get(f"/goods/{shop.prawns}")) == 0

    fixed = post(signed_in, "/cart/update", signed_in=True, sku_id=shop.prawns, count=3)
    assert fixed.status_code == 302
    assert post(signed_in, "/cart/remove", signed_in=True, sku_id=987654).status_code == 302
    assert header_cart_count(signed_in.get("/")) == 3
    assert user_cart(app, user) == {str(shop.apples): "2", str(shop.prawns): "3"}


def test_signed_in_changes_need_our_own_pages_or_the_csrf_token(signed_in, app, user, shop):
    """The cart forms of the page files carry no token (one file for everybody): a signed-in
    shopper's post must come from our own pages, as an anonymous one's must; a script's
    post from elsewhere (no browser's word) needs the session's token."""
    signed_in.post("/cart/add", data={"sku_id": shop.apples, "count": 2,
                                      "csrf_token": csrf_token(signed_in, "/cart")})
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    for path, data in (("/cart/update", {"sku_id": shop.apples, "count": 1}),
                       ("/cart/remove", {"sku_id": shop.apples})):
        assert signed_in.post(path, data=data).status_code == 400  # neither
        assert signed_in.post(path, data=data, headers=evil).status_code == 400
        assert signed_in.post(path, data={**data, "csrf_token": "forged"},
                              headers=evil).status_code == 400
    assert user_cart(app, user) == {str(shop.apples): "2"}
    # from our own page, as the tile's and the product page's forms are posted
    assert signed_in.post("/cart/update", data={"sku_id": shop.apples, "count": 1},
                          headers=SAME_SITE).status_code == 302
    assert user_cart(app, user) == {str(shop.apples): "1"}


def test_cross_site_posts_change_no_anonymous_cart(client, app, shop):
    add(client, shop.apples, 1)
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert client.post("/cart/update", data={"sku_id": shop.apples, "count": 9},
                       headers=evil).status_code == 403
    assert client.post("/cart/remove", data={"sku_id": shop.apples},
                       headers=evil).status_code == 403
    # a browser without Sec-Fetch-Site: the Origin must be ours
    assert add(client, shop.apples, 1, Origin="http://localhost").status_code == 302
    assert add(client, shop.apples, 1, Origin="http://localhost.evil.example").status_code == 403
    assert list(anon_carts(app).values()) == [{str(shop.apples): "2"}]


@pytest.mark.parametrize("how", ["sign-in", "sign-up"])
def test_the_anonymous_cart_merges_at_sign_in_capped_at_the_stock(client, app, user, shop,
                                                                  how):
    redis_store.client.hset(redis_keys.cart(user.id), shop.apples, 8)
    add(client, shop.apples, 5)
    add(client, shop.prawns, 2)
    add(client, shop.apples_big, 1)
    edit(shop.apples_big, is_on_sale=False)  # gone off sale while in the cart: not merged
    if how == "sign-in":
        response = sign_in(client)
        owner = user
    else:
        response = client.post("/users/register", data={
            "username": "newcomer", "email": "newcomer@example.com", "password": PASSWORD,
            "confirm": PASSWORD, "csrf_token": csrf_token(client, "/users/register")})
        from storefront.models import User
        owner = db.session.query(User).filter_by(username="newcomer").one()
        redis_store.client.hset(redis_keys.cart(owner.id), shop.apples, 8)  # after: no-op
    assert response.status_code == 302, text(response)
    assert "sf_cart=;" in ", ".join(response.headers.getlist("Set-Cookie"))
    assert anon_carts(app) == {}
    merged = user_cart(app, owner)
    assert merged[str(shop.prawns)] == "2" and str(shop.apples_big) not in merged
    if how == "sign-in":
        assert merged[str(shop.apples)] == "10"  # 8 + 5, capped at the stock of 10
    assert header_cart_count(client.get("/cart")) == sum(map(int, merged.values()))


def test_concurrent_merges_of_one_cart_add_it_once(app, user, shop):
    token = shopper.new_token()
    anon = shopper.visitor_cart(token)
    for sku_id, count in ((shop.apples, 4), (shop.prawns, 3)):
        shopper.add_to_cart(anon, sku_id, count, 10)
    shopper.add_to_cart(shopper.user_cart(user.id), shop.apples, 3, 10)
    stock = {shop.apples: 10, shop.prawns: 10}
    results: list[int] = []
    start = threading.Barrier(8)

    def sign_in_tab() -> None:
        with app.app_context():
            start.wait(5)
            results.append(cart_merge.merge(token, user.id, stock))

    def add_meanwhile() -> None:
        with app.app_context():
            start.wait(5)
            shopper.add_to_cart(shopper.user_cart(user.id), shop.prawns, 1, 10)

    threads = [threading.Thread(target=sign_in_tab) for _ in range(6)]
    threads += [threading.Thread(target=add_meanwhile) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [0] * 5 + [7]  # one merge moved everything, the others nothing
    assert user_cart(app, user) == {str(shop.apples): "7", str(shop.prawns): "5"}
    assert redis_store.client.exists(anon.key) == 0


def test_a_deleted_sku_leaves_anonymous_carts_too(client, app, shop):
    add(client, shop.prawns, 2)
    add(client, shop.apples, 1)
    db.session.delete(db.session.get(GoodsSKU, shop.prawns))
    db.session.commit()
    assert list(anon_carts(app).values()) == [{str(shop.apples): "1"}]
    assert header_cart_count(client.get("/")) == 1


def test_a_forged_or_unknown_cart_cookie_is_nobody_s_cart(client, app, shop):
    add(client, shop.apples, 2)
    for forged in ("../cart_1", "x" * 32 + "*", "", "a" * 500, "é" * 32):
        client.set_cookie("sf_cart", forged)
        page = client.get("/cart")
        assert page.status_code == 200 and "Your cart is empty" in text(page)
    client.set_cookie("sf_cart", shopper.new_token())  # well formed, never issued
    assert "Your cart is empty" in text(client.get("/cart"))
    assert header_cart_count(client.get("/")) == 0


def test_prices_are_decimal_to_the_cent(client, app, shop):
    edit(shop.apples, price=Decimal("0.10"), stock=30)
    add(client, shop.apples, 3)  # 3 × 0.10 is 0.30, not 0.30000000000000004
    assert re.search(r'id="cart-total">.*?\b0\.30<', text(client.get("/cart")), re.S)


def test_a_cart_holds_at_most_max_lines_products(client, app, shop, monkeypatch):
    monkeypatch.setattr(shopper, "MAX_LINES", 2)  # the rule, not a hundred SKUs
    add(client, shop.apples, 1)
    add(client, shop.prawns, 1)
    full = add(client, shop.apples_big, 1)
    assert full.status_code == 409 and "Your cart is full" in text(full)
    assert add(client, shop.apples, 1).status_code == 302  # more of a line it has: fine
    assert list(anon_carts(app).values()) == [{str(shop.apples): "2", str(shop.prawns): "1"}]


def test_a_tile_add_button_is_a_plain_form_that_works_without_script(client, shop):
    html = text(client.get(f"/list/{shop.fruit}"))
    form = re.search(r'<form class="tile-add" method="post" action="/cart/add"[^>]*>(.*?)</form>',
                     html, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[1]))
    assert fields == {"sku_id": fields["sku_id"], "count": "1"}  # no token for a visitor
    response = client.post("/cart/add", data=fields, headers=SAME_SITE)
    assert response.status_code == 302
    assert header_cart_count(client.get(f"/goods/{fields['sku_id']}")) == 1
