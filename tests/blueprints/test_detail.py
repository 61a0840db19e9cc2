"""The detail page: the SKU, its family, its category's news and its reviews; 404 otherwise."""

import re

import pytest

from storefront.extensions import db
from storefront.models import GoodsSKU
from tests.helpers import text


def test_detail_shows_the_sku_and_its_surroundings(client, shop):
    response = client.get(f"/goods/{shop.apples}")
    assert response.status_code == 200
    page = text(response)
    for shown in ("Fuji apples 500g", "Fuji apples 500g, fresh today", "9.90", "500g",
                  "Crisp apples.", "Grown in the hills.", "goods/apples-1.jpg",
                  "goods/apples-2.jpg", "Sweet and crunchy!", "bob", "Fresh fruit"):
        assert shown in page, shown
    # the other spec of the same SPU is offered; the off-sale one is not
    assert f'href="/goods/{shop.apples_big}"' in page
    assert "Fuji apples crate" not in page


def test_spec_buttons_tell_the_sizes_apart_by_spec_and_price(client, shop):
    page = text(client.get(f"/goods/{shop.apples}"))
    specs = re.findall(r'class="spec-name">([^<]*)</span>\s*<span class="spec-price">'
                       r'<span class="price ">\s*<span class="price-currency">\$</span>'
                       r'([\d.]+)', page)
    assert specs == [("500g", "9.90"), ("2kg", "29.00")]  # cheapest first, current marked
    assert 'class="spec is-current" aria-current="true">' in page


def test_newest_skus_of_the_category_are_listed(client, shop):
    page = text(client.get(f"/goods/{shop.prawns}"))
    # prawns' category has no other on-sale SKU; apples' has the 2kg pack
    assert "Fuji apples" not in page
    page = text(client.get(f"/goods/{shop.apples_big}"))
    assert "Fuji apples 500g" in page


def test_reviews_newest_first_and_at_most_30(client, app, shop):
    from tests.factories import many_categories

    (first_sku,) = many_categories(1, reviews=35)
    page = text(client.get(f"/goods/{first_sku}"))
    shown = [int(n) for n in re.findall(r"Review (\d+)<", page)]
    assert shown == list(range(34, 4, -1))  # the 30 newest, newest first


def test_written_reviews_without_stars_are_not_called_not_rated(client, shop):
    """The apples' one review (an old seed row) gave no stars: the rating box says there is a
    review without stars, not "Not rated yet", and invents no average."""
    page = text(client.get(f"/goods/{shop.apples}"))
    fact = re.search(r'id="rating-fact">(.*?)</dd>', page, re.S)[1]
    assert "1 review</a>" in fact and "without stars" in fact
    assert "Not rated yet" not in page and "out of 5" not in page
    assert "Sweet and crunchy!" in page
    assert "Not rated yet" in text(client.get(f"/goods/{shop.prawns}"))  # no review at all


@pytest.mark.parametrize("sku_id", ["999999", "abc", "-1", "0", "99999999999999999999", "1.5"])
def test_unknown_or_malformed_ids_are_404_pages(client, shop, sku_id):
    response = client.get(f"/goods/{sku_id}")
    assert response.status_code == 404
    assert "Traceback" not in text(response)
    assert "find" in text(response).lower()  # the shop's own 404 page, not werkzeug's


def test_off_sale_sku_is_404(client, shop):
    assert client.get(f"/goods/{shop.crate}").status_code == 404


def test_taking_a_sku_off_sale_removes_its_page(client, shop):
    assert client.get(f"/goods/{shop.prawns}").status_code == 200
    prawns = db.session.get(GoodsSKU, shop.prawns)
    prawns.is_on_sale = False
    db.session.commit()
    assert client.get(f"/goods/{shop.prawns}").status_code == 404


def test_product_text_is_escaped(client, shop):
    sku = db.session.get(GoodsSKU, shop.apples)
    sku.name = "<script>alert(1)</script>"
    sku.goods.detail = "<img src=x onerror=alert(2)>"
    db.session.commit()
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}"):
        page = text(client.get(path))
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text(client.get(f"/goods/{shop.apples}"))
