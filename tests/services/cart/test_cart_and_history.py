"""Cart and history in Redis, with the product's key formats and rules."""

import pytest

from storefront.extensions import redis_store
from storefront.services.cart import shopper
from tests.conftest import csrf_token
from tests.helpers import header_cart_count, text


def add(client, sku_id, count, token=None):
    data = {"sku_id": sku_id, "count": count}
    data["csrf_token"] = token if token is not None else csrf_token(client, "/")
    return client.post("/cart/add", data=data)


def cart(app, user):
    return redis_store.client.hgetall(app.config["REDIS_KEY_PREFIX"] + f"cart_{user.id}")


def test_cart_count_is_the_sum_of_the_hash(signed_in, app, user, shop):
    key = app.config["REDIS_KEY_PREFIX"] + f"cart_{user.id}"
    redis_store.client.hset(key, mapping={shop.apples: 3, shop.prawns: 4})
    assert header_cart_count(signed_in.get("/")) == 7
    assert header_cart_count(signed_in.get(f"/goods/{shop.apples}")) == 7


def test_add_to_cart_adds_and_says_so(signed_in, app, user, shop):
    response = add(signed_in, shop.apples, 3)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/goods/{shop.apples}"
    page = signed_in.get(response.headers["Location"])
    assert "Added 3 × Fuji apples 500g to your cart" in text(page)
    assert header_cart_count(page) == 3
    add(signed_in, shop.apples, 2)
    assert cart(app, user) == {str(shop.apples): "5"}


@pytest.mark.parametrize("count", ["0", "-2", "abc", "", "1.5", "99999999999"])
def test_bad_counts_are_refused_and_change_nothing(signed_in, app, user, shop, count):
    response = add(signed_in, shop.apples, count)
    assert response.status_code == 400
    assert "Enter a quantity" in text(response)
    assert cart(app, user) == {}


@pytest.mark.parametrize("sku_id", ["999999", "abc", "-1", "0", "99999999999999"])
def test_unknown_skus_are_refused(signed_in, app, user, shop, sku_id):
    response = add(signed_in, sku_id, 1)
    assert response.status_code in (400, 404)
    assert cart(app, user) == {}


def test_off_sale_sku_cannot_be_added(signed_in, app, user, shop):
    response = add(signed_in, shop.crate, 1)
    assert response.status_code == 404
    assert "not for sale" in text(response)
    assert cart(app, user) == {}


def test_cannot_add_more_than_the_stock(signed_in, app, user, shop):
    assert add(signed_in, shop.apples, 8).status_code == 302
    response = add(signed_in, shop.apples, 3)  # stock is 10
    assert response.status_code == 409
    assert "Only 10" in text(response) and "8 are already in your cart" in text(response)
    assert cart(app, user) == {str(shop.apples): "8"}


def test_add_without_csrf_changes_nothing(signed_in, app, user, shop):
    assert add(signed_in, shop.apples, 1, token="").status_code == 400
    assert cart(app, user) == {}


def test_anonymous_add_from_another_site_changes_nothing(client, app, shop):
    """A cross-site form post (what a CSRF attack is) carries no cart cookie (SameSite=Lax)
    and names the other site: refused, and no cart is planted in the visitor's browser."""
    for headers in ({"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
                    {"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "same-site"},
                    {}, {"Origin": "null"}):
        response = client.post("/cart/add", data={"sku_id": shop.apples, "count": 1},
                               headers=headers)
        assert response.status_code == 403, headers
        assert "sf_cart" not in response.headers.get("Set-Cookie", "")
    prefix = app.config["REDIS_KEY_PREFIX"]
    assert not list(redis_store.client.scan_iter(match=f"{prefix}cart_*"))


def history(app, user):
    key = app.config["REDIS_KEY_PREFIX"] + f"history_{user.id}"
    return [int(v) for v in redis_store.client.lrange(key, 0, -1)]


def test_history_moves_to_front_without_duplicates(signed_in, app, user, shop):
    for sku_id in (shop.apples, shop.prawns, shop.apples):
        signed_in.get(f"/goods/{sku_id}")
    assert history(app, user) == [shop.apples, shop.prawns]


def test_history_keeps_the_five_newest(signed_in, app, user):
    from tests.factories import many_categories

    ids = many_categories(7, skus_per_category=1)
    for sku_id in ids:
        signed_in.get(f"/goods/{sku_id}")
    assert history(app, user) == list(reversed(ids))[:5]


def test_history_is_one_transaction(app, user):
    """LREM, LPUSH and LTRIM go out as one MULTI/EXEC block."""
    sent = []
    client = redis_store.client
    original = client.pipeline

    def spying_pipeline(*args, **kwargs):
        pipe = original(*args, **kwargs)
        sent.append(pipe)
        return pipe

    client.pipeline = spying_pipeline
    try:
        shopper.record_view(user.id, 42)
    finally:
        del client.pipeline
    (pipe,) = sent
    assert pipe.transaction is True
    assert history(app, user) == [42]


def test_anonymous_views_record_nothing(client, app, shop):
    client.get(f"/goods/{shop.apples}")
    prefix = app.config["REDIS_KEY_PREFIX"]
    assert not list(redis_store.client.scan_iter(match=f"{prefix}history_*"))
