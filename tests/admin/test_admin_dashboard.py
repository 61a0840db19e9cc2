"""The admin's first page, as staff see it first thing in the morning: today's orders by
status, the SKUs running low, the offers running now; each links to the admin's list
filtered to exactly those rows."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.offers import manage
from storefront.services.orders import status
from tests.checkout_support import place_order, set_sku
from tests.conftest import count_queries, sign_in
from tests.helpers import text
from tests.services.orders.test_orders import order_id


@pytest.fixture
def staff_client(client, staff):
    assert sign_in(client, "sam").status_code == 302
    return client


def moment(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@pytest.fixture
def morning(user, shop):
    """Three orders today (one already packing), one yesterday; two SKUs on sale at or
    below the low-stock band (one out), one off sale; an offer running, one over, one ahead."""
    today = [place_order(user.id, (shop.prawns, 1)) for _ in range(3)]
    status.advance(order_id(today[2]), OrderInfo.PACKING)
    yesterday = place_order(user.id, (shop.prawns, 1))
    db.session.get(OrderInfo, order_id(yesterday)).created_at -= timedelta(days=1)
    db.session.commit()
    set_sku(shop.apples, stock=3)
    set_sku(shop.apples_big, stock=0)
    set_sku(shop.crate, stock=1)  # off sale: not the shop's worry
    manage.create("Fruit week", percent=10, sku_ids=(shop.apples,), starts=moment(hours=-1),
                  ends=moment(days=2))
    manage.create("Last week", percent=5, sku_ids=(shop.apples,), starts=moment(days=-8),
                  ends=moment(days=-1))
    manage.create("Next week", percent=5, sku_ids=(shop.apples,), starts=moment(days=6),
                  ends=moment(days=9))
    return {"placed": today[:2], "packing": today[2], "yesterday": yesterday}


def links(page: str) -> dict[str, str]:
    return {html.unescape(label): html.unescape(href) for href, label
            in re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)}


def test_the_dashboard_shows_the_day_at_a_glance_in_eight_queries(staff_client, shop,
                                                                  morning):
    with count_queries() as statements:
        page = text(staff_client.get("/admin/"))
    # four counters, today's orders by status, low stock (how many, the lowest), offers
    assert len(statements) == 8, statements
    today = re.search(r"Today's orders</h2>(.*?)</ul>", page, re.S).group(1)
    counts = dict(re.findall(r'>([A-Za-z ]+)</a><span class="badge badge-light">(\d+)<', today))
    assert counts == {"Placed": "2", "Packing": "1", "Out for delivery": "0",
                      "Delivered": "1", "Cancelled": "0"}  # the small shop's reviewed order
    assert re.search(r"Fuji apples 2kg</a><span [^>]*>0 left", page)
    assert re.search(r"Fuji apples 500g</a><span [^>]*>3 left", page)
    assert "Fuji apples crate" not in page and "Tiger prawns" not in page
    assert "Fruit week" in page and "Last week" not in page and "Next week" not in page
    found = links(page)

    # Each links to the admin's list filtered to exactly those rows.
    placed = text(staff_client.get(found["Placed"]))
    assert all(number in placed for number in morning["placed"])
    assert morning["packing"] not in placed and morning["yesterday"] not in placed
    low = text(staff_client.get(found["All 2 SKUs low on stock"]))
    assert "Fuji apples 2kg" in low and "Fuji apples 500g" in low
    assert "Tiger prawns" not in low and "Fuji apples crate" not in low
    offers = text(staff_client.get(found["The 1 running offers in the list"]))
    assert "Fruit week" in offers and "Last week" not in offers and "Next week" not in offers
    assert "Fruit week" in text(staff_client.get(found["Fruit week"]))  # its edit form


def test_a_quiet_day_says_so(staff_client, shop):
    page = text(staff_client.get("/admin/"))
    assert "No offer is running." in page
    assert "Every SKU on sale has more than 5 in stock." in page
