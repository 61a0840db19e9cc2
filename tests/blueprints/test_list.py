"""The category list: on-sale SKUs, four sort orders, pages."""

import re

import pytest

from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU
from tests.factories import sku
from tests.helpers import order_of, text


@pytest.fixture
def veg(app):
    """23 on-sale vegetables priced 1.00..23.00, most sold first by id, and one off sale."""
    from storefront.models import Goods

    category = GoodsCategory(name="Vegetables", logo="veg")
    spu = Goods(name="Veg", detail="")
    for n in range(1, 24):
        sku(category, spu, f"Veg {n:02}", f"{n}.00", sales=(n * 7) % 23)
    sku(category, spu, "Veg hidden", "0.50", is_on_sale=False)
    db.session.commit()
    return category.id


def names_on(client, url):
    """The vegetables on the page at ``url``, in the order shown."""
    page = text(client.get(url))
    return re.findall(r"class=\"tile-name\">(Veg \d\d)<", page), page


def test_default_sort_is_newest_first_and_paginated(client, veg):
    shown, page = names_on(client, f"/list/{veg}")
    assert shown == [f"Veg {n:02}" for n in range(23, 11, -1)]  # 12 per page
    assert "Veg hidden" not in page
    shown, _ = names_on(client, f"/list/{veg}?page=2")
    assert shown == [f"Veg {n:02}" for n in range(11, 0, -1)]


def test_price_sort_is_cheapest_first(client, veg):
    shown, page = names_on(client, f"/list/{veg}?sort=price")
    assert shown[:3] == ["Veg 01", "Veg 02", "Veg 03"]
    order_of(page, "Veg 01<", "Veg 02<", "Veg 03<")
    assert "Veg hidden" not in page  # cheaper, but off sale


def test_price_high_to_low_is_dearest_first_over_every_page(client, veg):
    first, page = names_on(client, f"/list/{veg}?sort=price-desc")
    assert first == [f"Veg {n:02}" for n in range(23, 11, -1)]
    assert 'aria-current="true">Price: high to low<' in page
    assert f"/list/{veg}?sort=price-desc&amp;page=2" in page  # the pages keep the sort
    second, _ = names_on(client, f"/list/{veg}?sort=price-desc&page=2")
    assert second == [f"Veg {n:02}" for n in range(11, 0, -1)]


def test_sales_sort_is_best_selling_first(client, veg):
    _, page = names_on(client, f"/list/{veg}?sort=sales")
    sales = {n: (n * 7) % 23 for n in range(1, 24)}
    best = sorted(sales, key=lambda n: (-sales[n], -n))[:3]
    first, second, third = order_of(page, *(f"Veg {n:02}<" for n in best))
    assert first < second < third


@pytest.mark.parametrize(("old", "new"), [("hot", "sales"), ("-price", "price-desc")])
def test_a_sorts_old_name_answers_301_to_the_canonical_address(client, veg, old, new):
    """The names list and search used before they shared one vocabulary still lead there."""
    assert client.get(f"/list/{veg}?sort={old}").headers["Location"] == f"/list/{veg}?sort={new}"
    moved = client.get(f"/list/{veg}?page=2&sort={old}")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/list/{veg}?sort={new}&page=2"


def test_pagination_links_keep_the_sort(client, veg):
    page = text(client.get(f"/list/{veg}?sort=price"))
    assert f"/list/{veg}?sort=price&amp;page=2" in page


@pytest.mark.parametrize(("spelling", "canonical"), [
    ("?page=1", ""), ("?sort=default", ""), ("?sort=default&page=1", ""), ("?page=02", "?page=2"),
    ("?page=1&sort=default", ""), ("?sort=evil", ""), ("?utm_source=mail", ""),
    ("?page=2&sort=price", "?sort=price&page=2"), ("?sort=price&page=1", "?sort=price"),
    ("?sort=sales&utm_source=mail", "?sort=sales"), ("?sort=default&page=2", "?page=2"),
    ("?sort=%70rice", "?sort=price"), ("?page=2&page=3", "?page=2"),
])
def test_every_other_spelling_of_a_list_page_answers_301_to_its_one_address(
        client, veg, spelling, canonical):
    """One address per page: the one nginx knows a file for, and the one its cache and tags
    are named by. Anything else (the defaults written out, another order, a trailing ``?``,
    a parameter the page does not read, an unknown sort) is sent there. (A trailing ``?``,
    which the test client drops: tests/deploy/test_nginx.py.)"""
    moved = client.get(f"/list/{veg}{spelling}")
    assert moved.status_code == 301, spelling
    assert moved.headers["Location"] == f"/list/{veg}{canonical}"
    assert client.get(moved.headers["Location"]).status_code == 200


@pytest.mark.parametrize("spelling", ["/?utm_source=mail", "/index?x=1", "/goods/{g}?ref=home",
                                      "/goods/0{g}"])
def test_the_homepage_and_a_product_page_have_one_address_too(client, shop, spelling):
    address = spelling.format(g=shop.apples)
    moved = client.get(address)
    assert moved.status_code == 301, address
    assert moved.headers["Location"] == ("/" if "goods" not in address
                                         else f"/goods/{shop.apples}")
    assert client.get("/index").status_code == 200  # the alias nginx serves from one file


@pytest.mark.parametrize("query", ["page=3", "page=0", "page=abc", "page=-1", "page=99999999999"])
def test_bad_or_past_the_end_pages_are_404(client, veg, query):
    assert client.get(f"/list/{veg}?{query}").status_code == 404


@pytest.mark.parametrize("category_id", ["999", "abc", "0", "-3"])
def test_unknown_category_is_404(client, veg, category_id):
    assert client.get(f"/list/{category_id}").status_code == 404


def test_empty_category_says_so(client, veg):
    for item in db.session.query(GoodsSKU).filter_by(category_id=veg):
        item.is_on_sale = False
    db.session.commit()
    response = client.get(f"/list/{veg}")
    assert response.status_code == 200
    assert "Nothing on sale" in text(response)
