"""The admin against bad input (issue 10, classes 5 and 8): numbers in range, plain messages
instead of SQL, the promotion's link field, bad page numbers, and a way to sign out."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from storefront.models import GoodsCategory, GoodsSKU, IndexGoodsBanner, IndexPromotionBanner
from tests.admin.test_admin import reload, submit, token_on
from tests.conftest import sign_in
from tests.helpers import text

RAW_SQL = re.compile(r"\[SQL:|INSERT INTO|UPDATE \w|DELETE FROM|constraint|pymysql|sqlite3",
                     re.IGNORECASE)


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


def assert_refused_plainly(response) -> None:
    assert response.status_code == 200  # the form again, with its message
    assert not RAW_SQL.search(text(response)), "staff were shown the database's own words"


@pytest.mark.parametrize("price", ["inf", "-Infinity", "nan", "1e999", "0", "-1", "0.001",
                                   "100000000", "123456789012"])
def test_prices_outside_numeric_10_2_are_refused(backend, staff_client, shop, price):
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}",
                      {"price": price})
    assert_refused_plainly(response)
    assert "Enter a price from 0.01 to 99999999.99" in text(response) or \
        "Enter a number" in text(response)
    assert reload(GoodsSKU, shop.apples).price == Decimal("9.90")


# (sales are not in the form at all: orders count them; tests/admin/test_admin.py)
@pytest.mark.parametrize("field,value", [("stock", "-1"), ("stock", "2147483648")])
def test_stock_and_sales_stay_in_the_columns_range(backend, staff_client, shop, field, value):
    response = submit(staff_client, f"/admin/goodssku/edit/?id={shop.apples}", {field: value})
    assert_refused_plainly(response)
    assert "Enter a whole number from" in text(response)
    sku = reload(GoodsSKU, shop.apples)
    assert (sku.stock, sku.sales) == (10, 50)


@pytest.mark.parametrize("value", ["40000", "-3"])
def test_carousel_positions_stay_sane(backend, staff_client, shop, value):
    slide = IndexGoodsBanner.query.filter_by(sku_id=shop.prawns).one()
    response = submit(staff_client, f"/admin/indexgoodsbanner/edit/?id={slide.id}",
                      {"index": value})
    assert_refused_plainly(response)
    assert reload(IndexGoodsBanner, slide.id).index == 2


def test_a_refused_delete_is_a_plain_message(backend, staff_client, shop):
    """A category with SKUs cannot go (their category_id would point nowhere)."""
    token = token_on(staff_client, "/admin/goodscategory/")
    response = staff_client.post("/admin/goodscategory/delete/",
                                 data={"id": shop.seafood, "csrf_token": token},
                                 follow_redirects=True)
    assert response.status_code == 200
    assert "Nothing was saved: this would duplicate another record, or other records " \
           "still depend on this one." in text(response)
    assert not RAW_SQL.search(text(response))
    assert reload(GoodsCategory, shop.seafood) is not None


def test_after_saving_a_promotion_staff_are_back_on_the_list(backend, staff_client, shop):
    promo = IndexPromotionBanner.query.filter_by(name="Seafood week").one()
    response = submit(staff_client, f"/admin/indexpromotionbanner/edit/?id={promo.id}",
                      {"target_url": "/list/1"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/indexpromotionbanner/"
    assert reload(IndexPromotionBanner, promo.id).url == "/list/1"


@pytest.mark.parametrize("number", ["-1", "-1000", "99999999999999999999", "abc", "²", "1e3",
                                  "2147483647"])
def test_bad_page_numbers_show_the_first_page(backend, staff_client, shop, number):
    response = staff_client.get(f"/admin/goodssku/?page={number}")
    assert response.status_code == 200
    assert "Fuji apples 500g" in text(response)


def test_staff_can_log_out_of_the_admin(staff_client, shop):
    page = text(staff_client.get("/admin/"))
    form = re.search(r'<form[^>]*method="post"[^>]*action="/users/logout"[^>]*>(.*?)</form>',
                     page, re.S)
    assert form and "Log out" in form.group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)
    assert staff_client.post("/users/logout", data={"csrf_token": token}).status_code == 302
    response = staff_client.get("/admin/")
    assert urlsplit(response.headers["Location"]).path == "/users/login"


@pytest.mark.parametrize("target", ["\r\n", "/admin/\r\nSet-Cookie: x=1", "//evil.example/"])
def test_a_return_address_off_the_site_is_a_400(backend, staff_client, shop, target):
    response = staff_client.get("/admin/goodscategory/edit/", query_string={"url": target})
    assert response.status_code == 400
