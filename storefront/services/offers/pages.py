"""What the page layer adds to a page's plain data from the one price rule.

``priced(data)`` finds every SKU card in a page's data (a dict with ``id``, ``price`` and
``goods_id``, as ``catalog.sku_card`` makes them), prices them all with one query and writes
on each card what the shelf label shows: ``price`` (now), ``was`` (the normal price when an
offer lowers it), ``badge`` ("30% off", "3 for 2"), ``ends`` ("Ends Sunday") and
``unit_price`` ("$19.80/kg"). It also notes ``price_boundary``: the moment (epoch seconds)
the page's prices next change, the earliest start or end of an offer touching a SKU it
shows. The page layer keeps the page no longer than that (``schedule``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsSKU, Offer
from storefront.services.offers import prices, units
from storefront.services.offers.manage import zone
from storefront.services.pagination import Page

Data = dict[str, Any]


def _cards(value: Any) -> Iterator[Data]:
    if isinstance(value, dict):
        if {"id", "price", "goods_id"} <= value.keys():
            yield value
        for item in value.values():
            yield from _cards(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _cards(item)
    elif isinstance(value, Page):
        yield from _cards(value.items)


def priced(data: Data | None, at: datetime | None = None) -> Data | None:
    """``data`` with every SKU card priced at ``at`` (default now), and its boundary."""
    if data is None:
        return None
    at = at or prices.now()
    cards = list(_cards(data))
    found = prices.quotes(cards, at)
    for card in cards:
        label(card, found.by_sku[card["id"]], at)
    # "Ends tomorrow" is wrong the next day: a page that says when an offer ends is kept
    # until the shop's midnight at most
    midnight = _next_midnight(at) if any(card["ends"] for card in cards) else None
    boundaries = [b for b in (found.boundary, midnight,
                              _epoch_to_datetime(data.get("price_boundary"))) if b]
    data["price_boundary"] = min(boundaries).timestamp() if boundaries else None
    return data


def _next_midnight(at: datetime) -> datetime:
    tz = zone()
    day = at.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)


def _epoch_to_datetime(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def label(card: Data, quote: prices.Quote, at: datetime) -> None:
    """The shelf label of one card, from its quote."""
    shown = quote.unit.offer or quote.multibuy
    card["price"] = quote.unit.total
    card["was"] = quote.price if quote.unit.offer else None
    card["badge"] = shown.badge if shown else ""
    card["ends"] = ends_label(shown.ends_at, at) if shown else ""
    card["unit_price"] = units.label(quote.unit.total, card.get("unit_quantity"),
                                     card.get("unit_measure"))


def ends_label(ends_at: datetime, at: datetime) -> str:
    """"Ends today", "Ends tomorrow", "Ends Sunday" within a week, else "Ends 24 Dec", in
    the shop's zone. The last moment of the offer is what counts: an offer that ends at
    Monday 00:00 ends, as a shopper reads it, on Sunday."""
    tz = zone()
    last = (ends_at - timedelta(seconds=1)).astimezone(tz).date()
    today = at.astimezone(tz).date()
    days = (last - today).days
    if days <= 0:
        return "Ends today"
    if days == 1:
        return "Ends tomorrow"
    if days < 7:
        return f"Ends {last:%A}"
    return f"Ends {last.day} {last:%b}"


def by_price(category_id: int, descending: bool, page: int, size: int,
             card: Callable[[GoodsSKU], Data]) -> tuple[list[Data], int, float | None]:
    """One page of a category's on-sale SKUs by the price shoppers pay now: (cards, total,
    boundary). Offers reorder the list, so the order is the rule's, not the price column's:
    two queries for the order (the category's prices, their offers), one for the page."""
    order, found = prices.price_order(category_id)
    if descending:
        order.reverse()
    wanted = order[(page - 1) * size: page * size]
    skus = {s.id: s for s in db.session.scalars(select(GoodsSKU).where(GoodsSKU.id.in_(wanted)))
            } if wanted else {}
    boundary = found.boundary.timestamp() if found.boundary else None
    return [card(skus[i]) for i in wanted if i in skus], len(order), boundary


OFFER_PAGE_SKUS = 96  # a category offer on a huge category lists its first SKUs


def offer_page(offer_id: int, card: Callable[[GoodsSKU], Data], at: datetime | None = None
               ) -> Data | None:
    """What a promotion banner's offer covers, priced now; None for no such offer."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    at = at or prices.now()
    ids = [s.id for s in offer.skus]
    rows = db.session.scalars(
        select(GoodsSKU).where(GoodsSKU.on_sale,
                               GoodsSKU.id.in_(ids) | (GoodsSKU.goods_id == offer.goods_id)
                               | (GoodsSKU.category_id == offer.category_id))
        .order_by(GoodsSKU.price, GoodsSKU.id).limit(OFFER_PAGE_SKUS))
    terms = prices.terms_of(offer)
    state = "upcoming" if at < offer.starts_at else "running" if at < offer.ends_at else "ended"
    starts = offer.starts_at.astimezone(zone())
    return priced({
        "offer": {"id": offer.id, "name": offer.name, "badge": terms.badge, "state": state,
                  "ends": ends_label(offer.ends_at, at),
                  "starts": f"{starts:%A} {starts.day} {starts:%b %H:%M}"},
        "skus": [card(s) for s in rows],
    }, at)
