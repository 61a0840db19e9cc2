"""Givens for the checkout tests: a cart, an address, a slot, the checkout form as posted."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import DeliverySlot, GoodsSKU, utcnow
from storefront.services.cart import shopper
from storefront.services.orders import addresses

HOME = addresses.AddressFields("Alice Smith", "+44 20 7946 0000", "1 Orchard Lane\nLeafton",
                               "LF1 2AB")


def fill_cart(user_id: int, *lines: tuple[int, int]) -> None:
    """The shopper's cart holds these (SKU id, count) lines."""
    cart = shopper.user_cart(user_id)
    for sku_id, count in lines:
        shopper.add_to_cart(cart, sku_id, count, 10_000)


def cart_of(user_id: int) -> dict[int, int]:
    return shopper.lines(shopper.user_cart(user_id))


def add_slot(hours_ahead: int = 5, capacity: int = 20, taken: int = 0) -> int:
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_ahead)
    existing = db.session.scalar(select(DeliverySlot).where(DeliverySlot.starts_at == start))
    if existing is not None and (capacity, taken) == (20, 0):
        return existing.id  # one slot per hour: the unique starts_at
    slot = DeliverySlot(starts_at=start, ends_at=start + timedelta(hours=1), capacity=capacity,
                        taken=taken)
    db.session.add(slot)
    db.session.commit()
    return slot.id


def add_address(user_id: int) -> int:
    return addresses.add(user_id, HOME).id


def set_sku(sku_id: int, **fields) -> None:
    sku = db.session.get(GoodsSKU, sku_id)
    for name, value in fields.items():
        setattr(sku, name, value)
    db.session.commit()


def sku_row(sku_id: int) -> GoodsSKU:
    db.session.rollback()  # a new transaction: what the requests committed (MariaDB's RR)
    return db.session.get(GoodsSKU, sku_id)


def slot_taken(slot_id: int) -> int:
    db.session.rollback()
    return db.session.get(DeliverySlot, slot_id).taken


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} on the checkout page"
    return match.group(1)


def checkout_form(client: FlaskClient, address_id: int, slot_id: int) -> dict[str, str]:
    """What the checkout page posts when the shopper picks this address and slot."""
    page = client.get("/checkout")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    html = page.get_data(as_text=True)
    return {"csrf_token": hidden(html, "csrf_token"), "token": hidden(html, "token"),
            "quote": hidden(html, "quote"), "address_id": str(address_id),
            "slot_id": str(slot_id), "payment": "on_delivery"}


def place_order(user_id: int, *lines: tuple[int, int], slot_id: int | None = None):
    """An order placed through checkout's own service, as the page would."""
    from storefront.services.orders import placing

    fill_cart(user_id, *lines)
    cart = shopper.user_cart(user_id)
    choice = placing.Choice(placing.issue_token(user_id), placing.quote(cart).fingerprint,
                            add_address(user_id), slot_id or add_slot(), "on_delivery")
    return placing.place(user_id, cart, choice).order_no
