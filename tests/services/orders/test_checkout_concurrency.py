"""Thirty shoppers check out at the same moment, on MariaDB, from real threads: the stock
and a slot's capacity are never exceeded, each refusal is clear, no request fails, and a
refused shopper's cart is as it was. (Timings are printed for the README.)"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.accounts import users as accounts
from tests.checkout_support import (
    add_address,
    add_slot,
    cart_of,
    checkout_form,
    fill_cart,
    set_sku,
    sku_row,
    slot_taken,
)
from tests.conftest import PASSWORD, ShopperClient, sign_in
from tests.helpers import text

SHOPPERS = 30


@pytest.fixture(params=["services"])
def backend(request):
    return request.param  # the race is MariaDB's row locks: SQLite would only queue


def shoppers(app, shop, slot_id: int) -> list[tuple[int, ShopperClient, dict]]:
    """Thirty signed-in shoppers, each with one unit of prawns in the cart, on the page."""
    app.test_client_class = ShopperClient
    ready = []
    for n in range(SHOPPERS):
        user = accounts.create_user(f"buyer{n}", f"buyer{n}@example.com", PASSWORD)
        client = app.test_client()
        assert sign_in(client, f"buyer{n}").status_code == 302
        fill_cart(user.id, (shop.prawns, 1))
        ready.append((user.id, client, checkout_form(client, add_address(user.id), slot_id)))
    return ready


def all_at_once(ready) -> list[tuple[int, str, float]]:
    """Every shopper presses "Place order" at the same moment."""
    start, results = threading.Barrier(len(ready)), [None] * len(ready)

    def press(i: int, client, form) -> None:
        start.wait()
        began = time.perf_counter()
        response = client.post("/checkout", data=form)
        results[i] = (response.status_code, text(response), time.perf_counter() - began)

    threads = [threading.Thread(target=press, args=(i, c, f)) for i, (_, c, f) in
               enumerate(ready)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(r is not None for r in results), "a checkout never answered"
    return results


def placed_orders() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OrderInfo)
                             .where(OrderInfo.checkout_token.is_not(None)))


def report(what: str, results) -> None:
    times = sorted(r[2] for r in results)
    print(f"\n{what}: {len(results)} checkouts, p50 {times[len(times) // 2] * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")


def test_thirty_shoppers_for_ten_units_buy_exactly_ten(app, shop):
    set_sku(shop.prawns, stock=10, sales=0, price=Decimal("20.00"))
    ready = shoppers(app, shop, add_slot(capacity=100))
    results = all_at_once(ready)
    report("stock 10", results)
    codes = [r[0] for r in results]
    assert codes.count(302) == 10 and codes.count(409) == 20, codes
    assert all("Tiger prawns: sold out (you asked for 1)" in body
               for code, body, _ in results if code == 409)
    prawns = sku_row(shop.prawns)
    assert (prawns.stock, prawns.sales, placed_orders()) == (0, 10, 10)
    assert_refused_carts_intact(ready, results, {shop.prawns: 1})


def test_thirty_shoppers_for_a_slot_of_three_get_three_places(app, shop):
    set_sku(shop.prawns, stock=100, sales=0, price=Decimal("20.00"))
    slot_id = add_slot(hours_ahead=7, capacity=3)
    ready = shoppers(app, shop, slot_id)
    results = all_at_once(ready)
    report("slot of 3", results)
    codes = [r[0] for r in results]
    assert codes.count(302) == 3 and codes.count(409) == 27, codes
    assert all("That delivery slot has just filled up" in body
               for code, body, _ in results if code == 409)
    assert (slot_taken(slot_id), sku_row(shop.prawns).stock, placed_orders()) == (3, 97, 3)
    assert_refused_carts_intact(ready, results, {shop.prawns: 1})


def assert_refused_carts_intact(ready, results, cart: dict[int, int]) -> None:
    """Every shopper answered 409 still has the cart they came with."""
    refused = [uid for (uid, _, _), (code, _, _) in zip(ready, results, strict=True)
               if code == 409]
    assert refused and all(cart_of(uid) == cart for uid in refused)


def test_one_token_posted_from_many_tabs_places_one_order(app, shop):
    set_sku(shop.prawns, stock=10, sales=0, price=Decimal("20.00"))
    user = accounts.create_user("tabs", "tabs@example.com", PASSWORD)
    app.test_client_class = ShopperClient
    client = app.test_client()
    assert sign_in(client, "tabs").status_code == 302
    fill_cart(user.id, (shop.prawns, 2))
    form = checkout_form(client, add_address(user.id), add_slot())
    results = all_at_once([(user.id, client, form)] * 8)
    codes = {r[0] for r in results}
    assert codes == {302}, [r[0] for r in results]
    assert placed_orders() == 1 and sku_row(shop.prawns).stock == 8
