"""Buying does not shake the page layer: an order makes a product page stale only when its
stock band moves; reviews reach the product page and the tiles; best sellers move on a
schedule (README, "What an order makes stale")."""

from __future__ import annotations

import re

from storefront.extensions import db
from storefront.models import GoodsSKU, OrderInfo
from storefront.services.orders import best_sellers, status
from storefront.services.pages import cache as page_cache
from tests.checkout_support import place_order
from tests.conftest import csrf_token
from tests.helpers import text
from tests.services.orders.test_orders import order_id
from tests.services.pages.test_pages import dropped, plant


def tiles(response) -> list[str]:
    return re.findall(r'class="tile-name">([^<]+)<', text(response))


def test_an_order_re_renders_a_product_page_only_when_its_band_moves(client, user, shop):
    """Prawns: 10 in stock. Buying 2 leaves "In stock": no page dropped. Buying 3 more
    leaves 5: "Only 5 left", its page re-renders (the band is on no card). Selling out:
    "Out of stock" and no add-to-cart button."""
    assert "In stock" in text(client.get(f"/goods/{shop.prawns}"))
    plant(client, shop)
    place_order(user.id, (shop.prawns, 2))
    assert dropped(shop) == set()
    place_order(user.id, (shop.prawns, 3))
    assert dropped(shop) == {"prawns"}
    page = text(client.get(f"/goods/{shop.prawns}"))
    assert "Only 5 left" in page and 'max="5"' in page
    place_order(user.id, (shop.prawns, 5))
    page = text(client.get(f"/goods/{shop.prawns}"))
    assert "Out of stock" in page and "Add to cart" not in page


def test_a_cancel_that_restocks_re_renders_the_page(client, user, shop):
    number = place_order(user.id, (shop.prawns, 10))
    assert "Out of stock" in text(client.get(f"/goods/{shop.prawns}"))
    status.cancel(order_id(number), by_staff=True)
    assert "In stock" in text(client.get(f"/goods/{shop.prawns}"))


def test_a_review_shows_on_the_product_page_and_its_tiles(app, signed_in, user, shop):
    anonymous = app.test_client()  # the shared pages (signed_in is a visitor of its own)
    number = place_order(user.id, (shop.prawns, 1))
    for step in (OrderInfo.PACKING, OrderInfo.OUT_FOR_DELIVERY, OrderInfo.DELIVERED):
        status.advance(order_id(number), step)
    plant(anonymous, shop)
    line_id = text(signed_in.get(f"/orders/{number}")).split('name="line_id" value="')[1]
    response = signed_in.post(f"/orders/{number}/review", data={
        "csrf_token": csrf_token(signed_in, "/orders"), "line_id": line_id.split('"')[0],
        "rating": "5", "comment": "Sweetest prawns I ever had"})
    assert response.status_code == 302
    assert dropped(shop) == {"prawns", "home", "seafood"}
    page = text(anonymous.get(f"/goods/{shop.prawns}"))
    assert "Sweetest prawns I ever had" in page and "5.0</strong> out of 5" in page
    assert 'aria-label="5.0 out of 5 stars"' in text(anonymous.get(f"/list/{shop.seafood}"))


def test_best_sellers_move_on_the_schedule_not_on_each_sale(app, client, user, shop):
    """Apples_big (5 sold) overtakes apples (50 sold) only when beat refreshes the order."""
    hot = f"/list/{shop.fruit}?sort=sales"
    assert tiles(client.get(hot)) == ["Fuji apples 500g", "Fuji apples 2kg"]
    place_order(user.id, (shop.apples_big, 1))
    db.session.rollback()
    db.session.get(GoodsSKU, shop.apples_big).stock = 100
    db.session.commit()  # a plain commit (no admin edit): the list is not told
    place_order(user.id, (shop.apples_big, 60))
    assert tiles(client.get(hot)) == ["Fuji apples 500g", "Fuji apples 2kg"]
    assert page_cache.peek(f"list:{shop.fruit}:sales:1") is not None
    best_sellers.refresh(300)
    assert tiles(client.get(hot)) == ["Fuji apples 2kg", "Fuji apples 500g"]
