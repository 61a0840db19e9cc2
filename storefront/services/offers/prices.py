"""The one place a SKU's price at a moment comes from: pages, the cart, checkout, the order.

``quotes(skus, at)`` prices many SKUs with one query (a page's tiles, a cart's lines);
``price_of(sku, at)`` and ``line_total(sku, count, at)`` are the one-SKU spellings checkout
calls; ``price_lines`` prices a cart. The rule itself is ``rules`` (best offer per line,
half-up to cents once per line). A SKU is anything with ``id``, ``goods_id``,
``category_id`` and ``price``: an ORM row or a page's plain dict.

Each answer also says when it stops being true: ``boundary``, the earliest start or end
after ``at`` of any offer touching those SKUs (None: no offer ahead). The page layer keeps a
page no longer than that (``services/offers/schedule.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storefront.extensions import db
from storefront.models import GoodsSKU, Offer, offer_sku
from storefront.services.offers import rules
from storefront.services.offers.rules import LinePrice, Terms


def now() -> datetime:
    return datetime.now(UTC)


def _get(sku: Any, name: str) -> Any:
    return sku[name] if isinstance(sku, Mapping) else getattr(sku, name)


@dataclass(frozen=True)
class Quote:
    """One SKU's price at a moment: one item's price (``unit``) and the offers that apply."""

    sku_id: int
    price: Decimal  # the normal price
    offers: tuple[Terms, ...]
    unit: LinePrice

    @property
    def multibuy(self) -> Terms | None:
        """The multibuy a page advertises, when the one-item price does not show it."""
        return next((t for t in self.offers if t.is_multibuy), None)

    def line(self, count: int) -> LinePrice:
        return rules.line(self.price, count, self.offers)


@dataclass
class Quotes:
    by_sku: dict[int, Quote] = field(default_factory=dict)
    boundary: datetime | None = None  # when any of these prices may change next


def terms_of(offer: Offer) -> Terms:
    return Terms(id=offer.id, name=offer.name, kind=offer.kind, ends_at=offer.ends_at,
                 percent=offer.percent, fixed_price=offer.fixed_price,
                 buy_count=offer.buy_count, pay_count=offer.pay_count,
                 bundle_price=offer.bundle_price)


def quotes(skus: Iterable[Any], at: datetime | None = None,
           session: Session | None = None) -> Quotes:
    """Every SKU's quote at ``at`` (default: now): one query, none for no SKUs. ``session``:
    another than ``db.session`` (the search index reads in one of its own after a commit)."""
    at = at or now()
    skus = {_get(s, "id"): s for s in skus}
    if not skus:
        return Quotes()
    found = Quotes()
    applying: dict[int, list[Terms]] = {i: [] for i in skus}
    for offer, targeted in _touching(skus.values(), at, session or db.session):
        moment = offer.starts_at if offer.starts_at > at else offer.ends_at
        found.boundary = moment if found.boundary is None else min(found.boundary, moment)
        if offer.starts_at > at:
            continue
        terms = terms_of(offer)
        for sku_id, sku in skus.items():
            if (sku_id in targeted or offer.goods_id == _get(sku, "goods_id")
                    or offer.category_id == _get(sku, "category_id")):
                applying[sku_id].append(terms)
    for sku_id, sku in skus.items():
        price, terms = Decimal(_get(sku, "price")), tuple(applying[sku_id])
        found.by_sku[sku_id] = Quote(sku_id, price, terms, rules.unit(price, terms))
    return found


def _touching(skus: Iterable[Any], at: datetime, session: Session
              ) -> list[tuple[Offer, set[int]]]:
    """The offers not yet ended at ``at`` on any of ``skus``, each with the SKU ids it names
    one by one (one query: the SKU links come along as rows of an outer join)."""
    skus = list(skus)
    ids = {_get(s, "id") for s in skus}
    rows = session.execute(
        select(Offer, offer_sku.c.sku_id)
        .outerjoin(offer_sku, offer_sku.c.offer_id == Offer.id)
        .where(Offer.ends_at > at,
               or_(offer_sku.c.sku_id.in_(ids),
                   Offer.goods_id.in_({_get(s, "goods_id") for s in skus}),
                   Offer.category_id.in_({_get(s, "category_id") for s in skus})))
        .order_by(Offer.id)
    ).all()
    offers: dict[int, tuple[Offer, set[int]]] = {}
    for offer, sku_id in rows:
        offers.setdefault(offer.id, (offer, set()))[1].update({sku_id} & ids)
    return list(offers.values())


def price_of(sku: Any, at: datetime | None = None) -> Decimal:
    """What one item of ``sku`` costs at ``at`` (default: now), offers applied."""
    return quotes([sku], at).by_sku[_get(sku, "id")].unit.total


def line_total(sku: Any, count: int, at: datetime | None = None) -> LinePrice:
    """A line of ``count`` items of ``sku`` at ``at``: normal total, total, saving, offer."""
    return quotes([sku], at).by_sku[_get(sku, "id")].line(count)


def price_lines(lines: Iterable[tuple[Any, int]], at: datetime | None = None
                ) -> dict[int, LinePrice]:
    """Each (sku, count) line priced at ``at``, keyed by SKU id: one query for them all."""
    lines = list(lines)
    found = quotes([sku for sku, _ in lines], at)
    return {_get(sku, "id"): found.by_sku[_get(sku, "id")].line(count) for sku, count in lines}


def price_order(category_id: int, session: Session | None = None
                ) -> tuple[list[int], Quotes]:
    """A category's on-sale SKUs cheapest first by the price paid now, ties by id (the
    price sort's order: ``price-desc`` is its reverse), and their quotes. ``session``:
    another than ``db.session`` (the page layer reads in one of its own after a commit,
    services/pages/moves.py)."""
    session = session or db.session
    rows = session.execute(
        select(GoodsSKU.id, GoodsSKU.price, GoodsSKU.goods_id, GoodsSKU.category_id)
        .where(GoodsSKU.category_id == category_id, GoodsSKU.on_sale)).all()
    found = quotes([r._asdict() for r in rows], now(), session)
    return sorted(found.by_sku, key=lambda i: (found.by_sku[i].unit.total, i)), found
