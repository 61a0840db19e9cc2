"""Hostile input: ids, page numbers, counts and JSON bodies get a clear 4xx, never a 500,
and change nothing (issue 10, class 3)."""

from __future__ import annotations

import json

import pytest

from storefront.extensions import redis_store
from storefront.services import validate
from tests.conftest import csrf_token
from tests.helpers import text

# '²' and '١٢' pass str.isdigit(); int() rejects the first (a 500 once) and reads the
# second as 12 (a page that answered to a number no form would ever send)
UNICODE_DIGITS = ["²", "١٢", "１", "߁"]


def cart(app, user) -> dict:
    return redis_store.client.hgetall(app.config["REDIS_KEY_PREFIX"] + f"cart_{user.id}")


@pytest.mark.parametrize("raw", [*UNICODE_DIGITS, " 7", "+7", "1_0", "0", "-1", "2147483648",
                                 "9" * 5000, "", "1.0"])
def test_only_ascii_ids_in_range_are_ids(raw):
    assert validate.positive_int(raw) is None


def test_plain_ids_are_ids():
    assert validate.positive_int("12") == 12
    assert validate.positive_int(str(2**31 - 1)) == 2**31 - 1


@pytest.mark.parametrize("raw", [True, False, 2.0, 1.5, float("inf"), 0, 10000, 10**30, "١٢",
                                 None, [1], "3 "])
def test_counts_refuse_booleans_floats_and_big_numbers(raw):
    assert validate.count(raw) is None


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_in_ids_and_pages_are_a_404(client, shop, digits):
    for path in (f"/goods/{digits}", f"/list/{digits}", f"/list/{shop.fruit}?page={digits}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Storefront" in text(response)  # the shop's own 404 page


def post_json(client, body: str, token: str):
    return client.post("/cart/add", data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})


@pytest.mark.parametrize("body", [
    "[1, 2]", '"apples"', "3", "null", "true", "{", "NaN",
    '{"sku_id": %(sku)s, "count": 1e400}',  # inf: int() raised OverflowError
    '{"sku_id": %(sku)s, "count": 99999999999999999999999}',
    '{"sku_id": %(sku)s, "count": 2.7}',  # was silently 2
    '{"sku_id": %(sku)s, "count": true}',  # was silently 1
    '{"sku_id": %(sku)s, "count": [1, 2]}',
    '{"sku_id": %(sku)s, "count": {"n": 1}}',
    '{"sku_id": %(sku)s, "count": "١٢"}',  # was silently 12
    '{"sku_id": [%(sku)s], "count": 1}',
])
def test_bad_json_bodies_to_add_to_cart_are_a_400(backend, signed_in, app, user, shop, body):
    token = csrf_token(signed_in, "/")
    response = post_json(signed_in, body % {"sku": shop.apples}, token)
    assert response.status_code == 400
    assert "couldn't add that to your cart" in text(response)
    assert cart(app, user) == {}


def test_a_json_object_adds_like_the_form(signed_in, app, user, shop):
    token = csrf_token(signed_in, "/")
    response = post_json(signed_in, json.dumps({"sku_id": shop.apples, "count": 2}), token)
    assert response.status_code == 302
    assert cart(app, user) == {str(shop.apples): "2"}


def test_unicode_digit_counts_in_a_form_are_refused(signed_in, app, user, shop):
    response = signed_in.post("/cart/add", data={"sku_id": shop.apples, "count": "١٢",
                                                 "csrf_token": csrf_token(signed_in, "/")})
    assert response.status_code == 400
    assert "Enter a quantity" in text(response)
    assert cart(app, user) == {}


@pytest.mark.parametrize("path", ["/users/register", "/users/login"])
@pytest.mark.parametrize("body", ["0", "false", '["alice"]', '{"username": true}',
                                  '{"username": ["a", "b"], "password": 5}'])
def test_json_that_is_not_a_form_is_a_400_everywhere(backend, client, user, path, body):
    """Flask-WTF builds every form from a JSON body; WTForms expects text (was a 500)."""
    token = csrf_token(client)
    response = client.post(path, data=body, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400
