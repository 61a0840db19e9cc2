"""Cart cookies the shop never issued name no cart (issue 21, class 8): the token in
``sf_cart`` is signed with SECRET_KEY, and an unknown or forged one starts a new cart."""

from __future__ import annotations

from itsdangerous import Signer

from storefront.extensions import redis_store
from storefront.services.cart import shopper, tokens
from tests.helpers import header_cart_count, text

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def add(client, sku_id: int, count: int = 1):
    return client.post("/cart/add", data={"sku_id": sku_id, "count": count}, headers=SAME_SITE)


def planted_cart(app, shop) -> str:
    """A cart in Redis under a well-formed token nobody was given (what an attacker who
    plants a cookie on a victim would want them to use)."""
    token = shopper.new_token()
    redis_store.client.hset(shopper.visitor_cart(token).key, shop.prawns, 5)
    return token


def test_an_unsigned_or_forged_token_is_nobody_s_cart(backend, client, app, shop):
    token = planted_cart(app, shop)
    other_key = Signer("another-shop's-key", salt=tokens.SALT).sign(token).decode()
    signed = tokens.cookie_value(token)
    # the signature's first character (its last one has bits base64 ignores)
    at = len(token) + 1
    altered = signed[:at] + ("A" if signed[at] != "A" else "B") + signed[at + 1:]
    for forged in (token, other_key, altered, signed + "x", token + "." + "A" * 27):
        client.set_cookie("sf_cart", forged)
        page = client.get("/cart")
        assert page.status_code == 200 and "Your cart is empty" in text(page), forged
        assert header_cart_count(client.get("/")) == 0


def test_an_add_with_a_forged_token_starts_a_new_cart(backend, client, app, shop):
    token = planted_cart(app, shop)
    client.set_cookie("sf_cart", token)
    added = add(client, shop.apples, 2)
    assert added.status_code == 302
    issued = client.get_cookie("sf_cart").value
    mine = tokens.token_of(issued)
    assert mine is not None and mine != token
    assert redis_store.client.hgetall(shopper.visitor_cart(token).key) == {str(shop.prawns): "5"}
    assert redis_store.client.hgetall(shopper.visitor_cart(mine).key) == {str(shop.apples): "2"}
    assert header_cart_count(client.get("/cart")) == 2


def test_the_cookie_the_shop_issued_keeps_the_cart(backend, client, app, shop):
    assert add(client, shop.apples, 1).status_code == 302
    cookie = client.get_cookie("sf_cart").value
    assert "." in cookie and tokens.token_of(cookie) is not None  # token.signature
    assert add(client, shop.apples, 2).status_code == 302
    assert header_cart_count(client.get("/cart")) == 3
