"""The demo's offers and unit quantities: the homepage's four promotions as real offers, one
more that starts a minute after the seed (so a newcomer sees the pages change by
themselves), and what each demo SKU holds, for its unit price.

Both are added only where missing: running the seed again changes nothing while an offer
runs or is to come.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Goods, GoodsCategory, GoodsSKU, IndexPromotionBanner, Offer
from storefront.services.offers import manage

# What each of the demo's pack sizes holds: (quantity, measure), written down per label.
UNIT_QUANTITIES: dict[str, tuple[str, str]] = {
    "125g punnet": ("125", "g"), "200g": ("200", "g"), "250g": ("250", "g"),
    "240g": ("240", "g"), "250g punnet": ("250", "g"), "2 x 250g": ("500", "g"),
    "300g": ("300", "g"),
    "400g": ("400", "g"), "400g tub": ("400", "g"), "500g": ("500", "g"),
    "600g": ("600", "g"), "800g": ("800", "g"), "1kg": ("1", "kg"), "1kg tray": ("1", "kg"),
    "1.2kg": ("1.2", "kg"), "1.5kg": ("1.5", "kg"), "2kg": ("2", "kg"),
    "2.5kg": ("2.5", "kg"), "2.5kg box": ("2.5", "kg"), "5kg gift box": ("5", "kg"),
    "5kg sack": ("5", "kg"), "500ml": ("500", "ml"), "1L": ("1", "l"), "1L tub": ("1", "l"),
    "2L": ("2", "l"), "1 fish": ("1", "each"), "2 fish": ("2", "each"),
    "1 head": ("1", "each"), "2 heads": ("2", "each"), "1 pc": ("1", "each"),
    "1 pc, ~2kg": ("1", "each"), "half, ~1kg": ("1", "each"), "2 pcs": ("2", "each"),
    "3 pcs": ("3", "each"), "4 pcs": ("4", "each"), "5 pcs": ("5", "each"),
    "6 pcs": ("6", "each"), "6 pcs, ripe": ("6", "each"), "12 pcs": ("12", "each"),
    "6 eggs": ("6", "each"), "12 eggs": ("12", "each"), "30 eggs": ("30", "each"),
    "2 cobs": ("2", "each"), "6 cobs": ("6", "each"), "1 pizza": ("1", "each"),
    "2 pizzas": ("2", "each"),
}



def fill_unit_quantities() -> int:
    """Each demo SKU without a unit quantity gets its pack's; returns how many did."""
    filled = 0
    for sku in db.session.scalars(select(GoodsSKU).where(GoodsSKU.unit_quantity.is_(None))):
        known = UNIT_QUANTITIES.get(sku.unit)
        if known:
            sku.unit_quantity, sku.unit_measure = Decimal(known[0]), known[1]
            filled += 1
    return filled


def add_offers(now: datetime | None = None) -> int:
    """The demo's offers; returns how many were added. None while any offer runs or is still
    to come: once every offer has ended (the demo's end on a Sunday), the next seed (the
    next `make run`) adds them again from then, so the demo always has offers running and
    one that starts by itself."""
    now = now or datetime.now(UTC)
    if db.session.scalar(select(func.count()).select_from(Offer).where(Offer.ends_at > now)):
        return 0
    week_end = _next_sunday_end(now)
    # the offer a newcomer sees start by itself (a minute after the seed by default)
    starts_after = timedelta(seconds=current_app.config["DEMO_OFFER_STARTS_AFTER_SECONDS"])
    made = [
        _offer("Fruit festival", now, week_end, percent=30, banner="Fruit festival",
               skus=_skus_of("Fuji apples", "赣南脐橙 Navel oranges")),
        _offer("Seafood Friday", now, week_end, fixed_price=Decimal("38.00"),
               banner="Seafood Friday", skus=_skus_of("Wild tiger prawns")[:1]),
        _offer("Weekend barbecue: ribeye", now, week_end, buy_count=2,
               bundle_price=Decimal("110.00"), banner="Weekend barbecue",
               skus=_skus_of("Grass-fed beef ribeye")[:1]),
        _offer("Weekend barbecue: drumsticks", now, week_end, buy_count=3, pay_count=2,
               goods=_goods("Free-range chicken drumsticks")),
        _offer("Weekend barbecue: bacon", now, week_end, buy_count=2,
               bundle_price=Decimal("22.00"), skus=_skus_of("Dry-cured streaky bacon")[:1]),
        _offer("Freezer favourites", now, week_end, buy_count=3, pay_count=2,
               banner="Freezer favourites", category=_category("Frozen food")),
        _offer("Breakfast hour", now + starts_after, now + starts_after + timedelta(hours=2),
               percent=20, goods=_goods("Whole milk")),
    ]
    made = [m for m in made if m is not None]
    db.session.flush()
    for offer in made:
        manage.point_banner(db.session, offer)
    return len(made)


def _offer(name: str, starts: datetime, ends: datetime, banner: str | None = None,
           skus: list[GoodsSKU] | None = None, **fields) -> Offer | None:
    kind = (Offer.PERCENT if "percent" in fields else Offer.FIXED if "fixed_price" in fields
            else Offer.MULTIBUY)
    offer = Offer(name=name, kind=kind, starts_at=starts.replace(microsecond=0),
                  ends_at=ends, skus=skus or [], **fields)
    if banner:
        offer.promotion = db.session.scalar(select(IndexPromotionBanner)
                                             .where(IndexPromotionBanner.name == banner))
    try:
        with db.session.no_autoflush:
            manage.check(offer)
    except manage.OfferError:  # a catalogue edited since: that offer is left out
        return None
    db.session.add(offer)
    return offer


def _skus_of(*goods_names: str) -> list[GoodsSKU]:
    return list(db.session.scalars(select(GoodsSKU).join(GoodsSKU.goods)
                                   .where(Goods.name.in_(goods_names)).order_by(GoodsSKU.id)))


def _goods(name: str) -> Goods | None:
    return db.session.scalar(select(Goods).where(Goods.name == name))


def _category(name: str) -> GoodsCategory | None:
    return db.session.scalar(select(GoodsCategory).where(GoodsCategory.name == name))


def _next_sunday_end(now: datetime) -> datetime:
    """Midnight after the Sunday at least two days ahead, in the shop's zone ("Ends Sunday")."""
    local = now.astimezone(manage.zone())
    days = (6 - local.weekday()) % 7
    if days < 2:
        days += 7
    sunday = (local + timedelta(days=days)).date()
    midnight = datetime.combine(sunday + timedelta(days=1), datetime.min.time(),
                                tzinfo=manage.zone())
    return midnight.astimezone(UTC)
