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
from tests import checkout_support as shop_rows
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
        shop_rows.fill_cart(user.id, (shop.prawns, 1))
        form = shop_rows.checkout_form(client, shop_rows.add_address(user.id), slot_id)
        ready.append((user.id, client, form))
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


def race(app, shop, slot_id: int, label: str, placed: int, refusal: str) -> None:
    """Thirty shoppers place their order at once: ``placed`` of them get it, the others a
    409 saying ``refusal``, with the cart they came with."""
    ready = shoppers(app, shop, slot_id)
    results = all_at_once(ready)
    report(label, results)
    codes = [r[0] for r in results]
    assert codes.count(302) == placed and codes.count(409) == SHOPPERS - placed, codes
    assert all(refusal in body for code, body, _ in results if code == 409)
    refused = [uid for (uid, _, _), (code, _, _) in zip(ready, results, strict=True)
               if code == 409]
    assert refused and all(shop_rows.cart_of(uid) == {shop.prawns: 1} for uid in refused)


def test_thirty_shoppers_for_ten_units_buy_exactly_ten(app, shop):
    shop_rows.set_sku(shop.prawns, stock=10, sales=0, price=Decimal("20.00"))
    race(app, shop, shop_rows.add_slot(capacity=100), "stock 10", 10,
         "Tiger prawns: sold out (you asked for 1)")
    prawns = shop_rows.sku_row(shop.prawns)
    assert (prawns.stock, prawns.sales, placed_orders()) == (0, 10, 10)


def test_thirty_shoppers_for_a_slot_of_three_get_three_places(app, shop):
    shop_rows.set_sku(shop.prawns, stock=100, sales=0, price=Decimal("20.00"))
    slot_id = shop_rows.add_slot(hours_ahead=7, capacity=3)
    race(app, shop, slot_id, "slot of 3", 3, "That delivery slot has just filled up")
    assert (shop_rows.slot_taken(slot_id), shop_rows.sku_row(shop.prawns).stock,
            placed_orders()) == (3, 97, 3)


def test_one_token_posted_from_many_tabs_places_one_order(app, shop):
    shop_rows.set_sku(shop.prawns, stock=10, sales=0, price=Decimal("20.00"))
    user = accounts.create_user("tabs", "tabs@example.com", PASSWORD)
    app.test_client_class = ShopperClient
    client = app.test_client()
    assert sign_in(client, "tabs").status_code == 302
    shop_rows.fill_cart(user.id, (shop.prawns, 2))
    form = shop_rows.checkout_form(client, shop_rows.add_address(user.id), shop_rows.add_slot())
    results = all_at_once([(user.id, client, form)] * 8)
    codes = {r[0] for r in results}
    assert codes == {302}, [r[0] for r in results]
    assert placed_orders() == 1 and shop_rows.sku_row(shop.prawns).stock == 8
