"""Checkout as a shopper meets it: the page, placing an order, and every refusal (on both
backends). What was written is checked in the database and Redis, not only on the page."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import OrderInfo
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
from tests.helpers import text
from tests.services.offers.test_offers_pages import offer


def orders() -> list[OrderInfo]:
    db.session.rollback()  # a new transaction: what the requests committed (MariaDB's RR)
    return list(db.session.scalars(select(OrderInfo).where(OrderInfo.checkout_token.is_not(None))))


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, shop):
    response = client.get("/checkout")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/users/login?next=/checkout")


def test_shopper_places_an_order_and_sees_it(signed_in, user, shop):
    """Given 2 × apples (9.90) and 1 × prawns (45.00) in the cart, when the shopper checks out,
    then stock, sales and the slot move, the order keeps copies, and the cart is empty."""
    fill_cart(user.id, (shop.apples, 2), (shop.prawns, 1))
    slot_id, address_id = add_slot(), add_address(user.id)
    page = text(signed_in.get("/checkout"))
    assert "Fuji apples 500g" in page and "Tiger prawns" in page and "64.80" in page
    assert "Free" in page  # 64.80 is over 49.00: no delivery fee
    placed = signed_in.post("/checkout", data=checkout_form(signed_in, address_id, slot_id))
    assert placed.status_code == 302
    order = orders()[0]
    assert placed.headers["Location"].endswith(f"/orders/{order.order_no}")
    assert re.fullmatch(r"SF-\d{4}-\d{6}", order.order_no)  # human, and not the row id
    assert (order.subtotal, order.delivery_fee, order.total) == (
        Decimal("64.80"), Decimal("0.00"), Decimal("64.80"))
    assert order.recipient == "Alice Smith" and order.postcode == "LF1 2AB"
    assert [(x.name, x.unit, x.count, x.price) for x in order.lines] == [
        ("Fuji apples 500g", "500g", 2, Decimal("9.90")), ("Tiger prawns", "300g", 1,
                                                            Decimal("45.00"))]
    apples = sku_row(shop.apples)
    assert (apples.stock, apples.sales) == (8, 52)
    assert slot_taken(slot_id) == 1
    assert cart_of(user.id) == {}
    shown = text(signed_in.get(placed.headers["Location"]))
    assert order.order_no in shown and "Placed" in shown and "Alice Smith" in shown


def test_delivery_fee_below_free_delivery_and_minimum_order(signed_in, user, shop):
    """1 × apples (9.90) is below the 15.00 minimum: said, and refused if posted anyway;
    2 × apples (19.80) pays the 4.99 fee and is 29.20 away from free delivery."""
    fill_cart(user.id, (shop.apples, 1))
    slot_id, address_id = add_slot(), add_address(user.id)
    page = text(signed_in.get("/checkout"))
    assert "The minimum order is $15.00" in page
    refused = signed_in.post("/checkout", data=checkout_form(signed_in, address_id, slot_id))
    assert refused.status_code == 409 and "minimum order" in text(refused)
    assert orders() == [] and sku_row(shop.apples).stock == 10
    fill_cart(user.id, (shop.apples, 1))
    page = text(signed_in.get("/checkout"))
    assert "4.99" in page and "24.79" in page
    assert "29.20</span> away from free delivery" in text(signed_in.get("/cart"))
    assert signed_in.post("/checkout", data=checkout_form(signed_in, address_id,
                                                          slot_id)).status_code == 302
    assert orders()[0].total == Decimal("24.79")


def test_a_double_submit_places_one_order_and_shows_it(signed_in, user, shop):
    fill_cart(user.id, (shop.prawns, 1))
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    first = signed_in.post("/checkout", data=form)
    fill_cart(user.id, (shop.prawns, 1))  # even with the same line back in the cart
    second = signed_in.post("/checkout", data=form)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(orders()) == 1 and sku_row(shop.prawns).stock == 9


def test_a_price_change_asks_the_shopper_to_confirm_the_new_total(signed_in, user, shop):
    fill_cart(user.id, (shop.prawns, 1))
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    set_sku(shop.prawns, price=Decimal("47.50"))
    refused = signed_in.post("/checkout", data=form)
    assert refused.status_code == 409
    assert "prices or counts changed" in text(refused) and "47.50" in text(refused)
    assert orders() == [] and sku_row(shop.prawns).stock == 10
    confirmed = dict(form, quote=checkout_form(signed_in, 0, 0)["quote"])
    assert signed_in.post("/checkout", data=confirmed).status_code == 302
    assert orders()[0].total == Decimal("52.49")  # 47.50 and the fee: below 49.00


def test_a_short_line_writes_nothing_and_says_how_many_are_left(signed_in, user, shop):
    fill_cart(user.id, (shop.apples, 3), (shop.prawns, 1))
    slot_id = add_slot()
    form = checkout_form(signed_in, add_address(user.id), slot_id)
    set_sku(shop.apples, stock=2)  # someone else bought most of them meanwhile
    refused = signed_in.post("/checkout", data=dict(form, quote=form["quote"]))
    # the cart's apples line is now above stock: the page changed, so the shopper confirms
    assert refused.status_code == 409
    assert orders() == [] and sku_row(shop.prawns).stock == 10
    assert slot_taken(slot_id) == 0
    assert cart_of(user.id) == {shop.apples: 3, shop.prawns: 1}


def test_stock_taken_between_page_and_commit_names_the_line(app, signed_in, user, shop,
                                                            monkeypatch):
    """The race itself: the quote sees 3 apples, the conditional UPDATE finds 1 (another
    checkout committed in between)."""
    from storefront.services.orders import placing

    fill_cart(user.id, (shop.apples, 3), (shop.prawns, 1))
    slot_id = add_slot()
    form = checkout_form(signed_in, add_address(user.id), slot_id)
    real_quote = placing.quote

    def others_bought_meanwhile(cart, at=None):
        seen = real_quote(cart, at)
        with db.engine.begin() as conn:  # another shopper's order commits right after
            conn.execute(db.text("UPDATE goods_sku SET stock = 1 WHERE id = :i"),
                         {"i": shop.apples})
        return seen

    monkeypatch.setattr(placing, "quote", others_bought_meanwhile)
    refused = signed_in.post("/checkout", data=form)
    assert refused.status_code == 409
    assert "Fuji apples 500g: only 1 left (you asked for 3)" in text(refused)
    assert orders() == [] and sku_row(shop.prawns).stock == 10
    assert slot_taken(slot_id) == 0
    assert cart_of(user.id) == {shop.apples: 3, shop.prawns: 1}


def test_full_or_past_slots_are_not_offered_nor_taken(signed_in, user, shop):
    fill_cart(user.id, (shop.prawns, 1))
    full = add_slot(hours_ahead=6, capacity=2, taken=2)
    past = add_slot(hours_ahead=-2)
    page = text(signed_in.get("/checkout"))
    assert f'value="{full}"' not in page and f'value="{past}"' not in page
    form = checkout_form(signed_in, add_address(user.id), full)
    for slot_id in (full, past, 999999):
        refused = signed_in.post("/checkout", data=dict(form, slot_id=str(slot_id)))
        assert refused.status_code == 409 and "slot" in text(refused)
    assert orders() == [] and sku_row(shop.prawns).stock == 10
    assert slot_taken(full) == 2


def test_forged_or_foreign_choices_are_refused(app, signed_in, user, shop):
    """Another shopper's address, a made-up token, garbage ids: 4xx, nothing written."""
    from storefront.services.accounts import users as accounts
    from storefront.services.orders import placing

    fill_cart(user.id, (shop.prawns, 1))
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    mallory = accounts.create_user("mallory", "m@example.com", "correct horse battery")
    with app.test_request_context():
        foreign_token = placing.issue_token(mallory.id)
    cases = [dict(form, address_id=str(add_address(mallory.id))),
             dict(form, token="x" * 40), dict(form, token=foreign_token),
             dict(form, address_id="-1"), dict(form, slot_id="1e9"),
             dict(form, payment="bitcoin"), dict(form, quote="\x00" * 5000)]
    for data in cases:
        response = signed_in.post("/checkout", data=data)
        assert 400 <= response.status_code < 500, data
    assert orders() == [] and sku_row(shop.prawns).stock == 10
    assert cart_of(user.id) == {shop.prawns: 1}


def test_unavailable_lines_are_listed_apart_never_charged_and_stay(signed_in, user, shop):
    fill_cart(user.id, (shop.prawns, 1), (shop.crate, 1))  # the crate is off sale
    page = text(signed_in.get("/checkout"))
    assert "Not included" in page and "Fuji apples crate" in page
    form = checkout_form(signed_in, add_address(user.id), add_slot())
    assert signed_in.post("/checkout", data=form).status_code == 302
    order = orders()[0]
    assert [line.name for line in order.lines] == ["Tiger prawns"]
    assert order.subtotal == Decimal("45.00")
    assert cart_of(user.id) == {shop.crate: 1}


def test_a_multibuy_saving_shows_beside_its_line_at_checkout_and_on_the_order(
        signed_in, user, shop):
    """Given apples on "3 for 2", 3 × apples and 1 × prawns in the cart, the checkout line
    says what the offer saves, as the cart does, and so does the placed order."""
    offer("Apples 3 for 2", multibuy="3for2", sku_ids=(shop.apples,))
    fill_cart(user.id, (shop.apples, 3), (shop.prawns, 1))
    slot_id, address_id = add_slot(), add_address(user.id)
    page = text(signed_in.get("/checkout"))
    assert "3 for 2: you save $9.90" in line_of(page, "Fuji apples 500g")
    assert "you save" not in line_of(page, "Tiger prawns")
    assert "3 for 2: you save $9.90" in text(signed_in.get("/cart"))  # the same words
    assert re.search(r'id="order-total">.*?64\.80', page, re.S)  # 2 × 9.90 + 45.00
    placed = signed_in.post("/checkout", data=checkout_form(signed_in, address_id, slot_id))
    shown = text(signed_in.get(placed.headers["Location"]))
    apples = line_of(shown, "Fuji apples 500g")
    assert "3 ×" in apples and "19.80" in apples and "You save $9.90" in apples
    assert "save" not in line_of(shown, "Tiger prawns")


def line_of(html: str, name: str) -> str:
    """The checkout or order line that names ``name``."""
    match = re.search(r'<li class="(?:summary|order)-line">(?:(?!</li>).)*?' + re.escape(name)
                      + r".*?</li>", html, re.S)
    assert match, f"no line for {name}"
    return match.group(0)
