"""After the order: the shopper's list and order pages, cancelling, and reviewing what was
delivered (both backends)."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.accounts import users as accounts
from storefront.services.orders import status
from tests.checkout_support import add_slot, place_order, sku_row, slot_taken
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.helpers import text


def order_id(order_no: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(OrderInfo.id).where(OrderInfo.order_no == order_no))


def deliver(order_no: str) -> None:
    for step in (OrderInfo.PACKING, OrderInfo.OUT_FOR_DELIVERY, OrderInfo.DELIVERED):
        status.advance(order_id(order_no), step)


def post(client, path: str, **data):
    data["csrf_token"] = csrf_token(client, "/orders")
    return client.post(path, data=data)


def test_orders_are_listed_newest_first_and_paginated(app, signed_in, user, shop):
    app.config["ORDERS_PAGE_SIZE"] = 2
    numbers = [place_order(user.id, (shop.prawns, 1)) for _ in range(3)]
    first = text(signed_in.get("/orders"))
    assert list(dict.fromkeys(re.findall(r"SF-\d{4}-\d{6}", first))) == [numbers[2],
                                                                           numbers[1]]
    assert numbers[0] not in first and numbers[0] in text(signed_in.get("/orders?page=2"))
    for bad in ("3", "0", "-1", "x", "9" * 40):
        assert signed_in.get(f"/orders?page={bad}").status_code == 404


def test_another_shoppers_order_is_not_found(client, user, shop):
    """Bob placed an order; Alice asks for it, cancels it, reviews it: 404 each, nothing
    changes."""
    bob = accounts.create_user("bobby", "bobby@example.com", PASSWORD)
    number = place_order(bob.id, (shop.prawns, 1))
    sign_in(client)
    assert client.get(f"/orders/{number}").status_code == 404
    assert post(client, f"/orders/{number}/cancel").status_code == 404
    assert post(client, f"/orders/{number}/review", line_id="1", rating="5").status_code == 404
    assert client.get("/orders/SF-0000-000000").status_code == 404
    assert client.get("/orders/" + "x" * 5000).status_code == 404
    db.session.rollback()
    assert db.session.get(OrderInfo, order_id(number)).status == OrderInfo.PLACED


def test_cancel_gives_stock_and_slot_back_once(signed_in, user, shop):
    slot_id = add_slot()
    number = place_order(user.id, (shop.apples, 2), slot_id=slot_id)
    assert (sku_row(shop.apples).stock, slot_taken(slot_id)) == (8, 1)
    response = signed_in.get(f"/orders/{number}")
    assert response.headers["Cache-Control"] == "private, no-store"  # an address and a phone
    page = text(response)
    assert "Cancel this order" in page
    assert post(signed_in, f"/orders/{number}/cancel").status_code == 302
    again = post(signed_in, f"/orders/{number}/cancel")
    assert again.status_code == 409 and "cannot be cancelled" in text(again)
    apples = sku_row(shop.apples)
    assert (apples.stock, apples.sales, slot_taken(slot_id)) == (10, 50, 0)
    assert "Cancelled" in text(signed_in.get(f"/orders/{number}"))


def test_shopper_cannot_cancel_once_packing(signed_in, user, shop):
    number = place_order(user.id, (shop.prawns, 1))
    status.advance(order_id(number), OrderInfo.PACKING)
    assert "Cancel this order" not in text(signed_in.get(f"/orders/{number}"))
    refused = post(signed_in, f"/orders/{number}/cancel")
    assert refused.status_code == 409 and sku_row(shop.prawns).stock == 9


def test_a_delivered_line_is_reviewed_once_and_shows_on_the_product_page(client, signed_in,
                                                                          user, shop):
    number = place_order(user.id, (shop.prawns, 1))
    line_id = str(db.session.get(OrderInfo, order_id(number)).lines[0].id)
    early = post(signed_in, f"/orders/{number}/review", line_id=line_id, rating="5")
    assert early.status_code == 409  # not delivered yet
    deliver(number)
    assert "Post review" in text(signed_in.get(f"/orders/{number}"))
    for bad in ({"rating": "6"}, {"rating": "0"}, {"rating": "five"},
                {"rating": "4", "comment": "x" * 501}, {"rating": "4", "line_id": "99999"}):
        refused = post(signed_in, f"/orders/{number}/review", **{"line_id": line_id, **bad})
        assert refused.status_code in (400, 409), bad
    done = post(signed_in, f"/orders/{number}/review", line_id=line_id, rating="4",
                comment="Huge & <b>juicy</b> prawns")
    assert done.status_code == 302
    twice = post(signed_in, f"/orders/{number}/review", line_id=line_id, rating="1",
                 comment="changed my mind")
    assert twice.status_code == 409
    product = text(client.get(f"/goods/{shop.prawns}"))
    assert "Huge &amp; &lt;b&gt;juicy&lt;/b&gt; prawns" in product
    assert "changed my mind" not in product
    assert "4.0" in product and "1 review" in product
