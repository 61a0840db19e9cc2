"""Creating, checking and ending offers: one set of rules for the CLI and the admin.

``check(offer)`` refuses what a shop could not mean (an end before the start, a percent of 0
or over 90, no target or two, a fixed price at or above a covered SKU's normal price, a
multibuy that gives nothing away), with a message staff can act on. ``record(session,
offer)`` notes what an edit makes stale: the pages of every SKU the offer covers, before and
after the edit (its target or times may have moved), for freshness's after-commit path.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from storefront.extensions import db
from storefront.models import Goods, GoodsCategory, GoodsSKU, IndexPromotionBanner, Offer
from storefront.services.pages import freshness, tags

MULTIBUY = re.compile(r"^\s*(\d{1,2})\s*for\s*(?:(\d{1,2})|\$?(\d{1,6}\.\d{2}))\s*$", re.I)


class OfferError(ValueError):
    """Input a shop could not mean; the message says what to change."""


def zone() -> ZoneInfo:
    name = current_app.config["SHOP_TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise OfferError(f"SHOP_TIMEZONE {name!r} is not a time zone") from exc


def parse_moment(text: str) -> datetime:
    """An ISO date-time; without a zone it is the shop's (SHOP_TIMEZONE). Returned in UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise OfferError(f"{text!r} is not an ISO date and time (e.g. 2026-12-05T09:00)") \
            from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    return moment.astimezone(UTC)


def parse_multibuy(text: str) -> tuple[int, int | None, Decimal | None]:
    """"3for2" -> (3, 2, None); "2for5.00" -> (2, None, Decimal("5.00"))."""
    match = MULTIBUY.match(text or "")
    if not match:
        raise OfferError(f"{text!r} is not a multibuy: write it like 3for2 or 2for5.00")
    buy, pay, bundle = match.groups()
    return int(buy), int(pay) if pay else None, Decimal(bundle) if bundle else None


def parse_money(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation as exc:
        raise OfferError(f"{text!r} is not a price (e.g. 4.99)") from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise OfferError(f"{text!r} is not a price in dollars and cents")
    return value.quantize(Decimal("0.01"))  # "12" is $12.00, in messages too


def check(offer: Offer) -> None:
    """Raise ``OfferError`` naming the first thing wrong with ``offer``."""
    if not (offer.name or "").strip():
        raise OfferError("give the offer a name")
    if offer.starts_at is None or offer.ends_at is None:
        raise OfferError("give the offer a start and an end")
    if offer.ends_at <= offer.starts_at:
        raise OfferError("the offer ends before it starts: the end must be after the start")
    _check_kind(offer)
    targets = [bool(offer.skus), offer.goods is not None, offer.category is not None]
    if sum(targets) != 1:
        raise OfferError("choose what the offer covers: SKUs, a product or a category "
                         "(exactly one)")
    if offer.kind == Offer.FIXED:
        _check_fixed_below_normal(offer)


def _check_kind(offer: Offer) -> None:
    if offer.kind == Offer.PERCENT:
        if offer.percent is None or not 1 <= offer.percent <= 90:
            raise OfferError("a percent off must be from 1 to 90")
    elif offer.kind == Offer.FIXED:
        if offer.fixed_price is None or offer.fixed_price <= 0:
            raise OfferError("a fixed price must be above $0.00")
    elif offer.kind == Offer.MULTIBUY:
        buy, pay, bundle = offer.buy_count, offer.pay_count, offer.bundle_price
        if buy is None or buy < 2 or (pay is None) == (bundle is None):
            raise OfferError("a multibuy is like 3for2 or 2for5.00: buy 2 or more, and pay "
                             "for fewer, or pay one price for them")
        if pay is not None and not 1 <= pay < buy:
            raise OfferError(f"{buy} for {pay} gives nothing away: pay for fewer than {buy}")
        if bundle is not None and bundle <= 0:
            raise OfferError("a multibuy's price must be above $0.00")
    else:
        raise OfferError("choose a kind: --percent, --fixed-price or --multibuy")


def _get(model: type, ident: int | None, what: str):
    """The row a typed id names (None for none), or a plain refusal."""
    if ident is None:
        return None
    row = db.session.get(model, ident)
    if row is None:
        raise OfferError(f"there is no {what} {ident}")
    return row


def _check_fixed_below_normal(offer: Offer) -> None:
    dearer = db.session.scalars(
        _covered(offer).where(GoodsSKU.price <= offer.fixed_price).order_by(GoodsSKU.price)
    ).first()
    if dearer is not None:
        raise OfferError(f"the fixed price ${offer.fixed_price} is not below the normal price "
                         f"of {dearer.name} (${dearer.price})")


def _covered(offer: Offer):
    """Its SKUs, from the relationships (what a form or the CLI set; the id columns follow
    only at the flush)."""
    return select(GoodsSKU).where(or_(
        GoodsSKU.id.in_([s.id for s in offer.skus]),
        GoodsSKU.goods_id == (offer.goods.id if offer.goods else None),
        GoodsSKU.category_id == (offer.category.id if offer.category else None)))


def record(session: Session, offer: Offer) -> None:
    """What an add, change or delete of ``offer`` makes stale, noted for after the commit:
    every page of a SKU it covered or covers (its own, its category's lists, its family's
    other specs, the homepage tiles that carry its tag, search) and, with a banner, home."""
    offer.skus  # noqa: B018 -- loaded, so its history holds the SKUs it covered
    state = inspect(offer)

    def values(attr: str) -> set:
        history = state.attrs[attr].history
        return {v for v in (*history.added, *history.unchanged, *history.deleted)
                if v is not None}

    offer.goods, offer.category  # noqa: B018 -- loaded, for the same reason
    ids = {attr: {o.id for o in values(attr) if o.id is not None}
           for attr in ("skus", "goods", "category")}
    rows = session.execute(select(GoodsSKU.id, GoodsSKU.category_id, GoodsSKU.goods_id).where(
        or_(GoodsSKU.id.in_(ids["skus"]), GoodsSKU.goods_id.in_(ids["goods"]),
            GoodsSKU.category_id.in_(ids["category"])))).all()
    # each card's price, and the order of its category's lists by price (the price paid)
    stale = {tags.SEARCH, *(t for r in rows for t in (
        tags.sku(r.id), tags.category_prices(r.category_id)))}
    if values("promotion") or values("promotion_id"):
        stale.add(tags.HOME)
    freshness.record_tags(session, stale, search_skus={r.id for r in rows})


def end(offer_id: int, at: datetime | None = None) -> Offer:
    """End the offer now (or at ``at``): its pages go back to normal prices. One that has
    not started yet never runs."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise OfferError(f"there is no offer {offer_id}")
    at = at or datetime.now(UTC)
    if offer.ends_at <= at:
        raise OfferError(f"offer {offer_id} already ended at {offer.ends_at:%Y-%m-%d %H:%M} UTC")
    if offer.starts_at >= at:
        offer.starts_at = at - timedelta(seconds=1)
    offer.ends_at = at
    record(db.session, offer)
    db.session.commit()
    return offer


def create(name: str, *, percent: int | None = None, fixed_price: str | None = None,  # noqa: PLR0913  (the CLI's options, keyword-only)
           multibuy: str | None = None, sku_ids: tuple[int, ...] = (),
           goods_id: int | None = None, category_id: int | None = None,
           starts: str, ends: str, promotion_id: int | None = None) -> Offer:
    """A new offer from what staff typed (the CLI), checked, recorded and committed."""
    kinds = [k for k, v in ((Offer.PERCENT, percent), (Offer.FIXED, fixed_price),
                            (Offer.MULTIBUY, multibuy)) if v is not None]
    if len(kinds) != 1:
        raise OfferError("choose one kind: --percent, --fixed-price or --multibuy")
    offer = Offer(name=name.strip(), kind=kinds[0], percent=percent,
                  goods=_get(Goods, goods_id, "product"),
                  category=_get(GoodsCategory, category_id, "category"),
                  promotion=_get(IndexPromotionBanner, promotion_id, "promotion banner"),
                  starts_at=parse_moment(starts), ends_at=parse_moment(ends))
    if fixed_price is not None:
        offer.fixed_price = parse_money(fixed_price)
    if multibuy is not None:
        offer.buy_count, offer.pay_count, offer.bundle_price = parse_multibuy(multibuy)
    with db.session.no_autoflush:
        offer.skus = _skus(sku_ids)
        check(offer)
    db.session.add(offer)
    record(db.session, offer)
    point_banner(db.session, offer)
    db.session.commit()
    return offer


def point_banner(session: Session, offer: Offer) -> None:
    """A banner linked to an offer leads to the offer's page (what it covers)."""
    if offer.promotion is not None:
        if offer.id is None:
            session.flush()  # the id goes into the address
        offer.promotion.url = f"/offers/{offer.id}"


def _skus(sku_ids: tuple[int, ...]) -> list[GoodsSKU]:
    ids = set(sku_ids)
    found = list(db.session.scalars(select(GoodsSKU).where(GoodsSKU.id.in_(ids)))) if ids else []
    missing = ids - {s.id for s in found}
    if missing:
        raise OfferError(f"there is no SKU {min(missing)}")
    return found


def describe_target(offer: Offer) -> str:
    if offer.category is not None:
        return f"category {offer.category_id} ({offer.category.name})"
    if offer.goods is not None:
        return f"product {offer.goods_id} ({offer.goods.name})"
    return "SKUs " + ", ".join(str(s.id) for s in sorted(offer.skus, key=lambda s: s.id))


def status(offer: Offer, at: datetime | None = None) -> str:
    at = at or datetime.now(UTC)
    return "upcoming" if at < offer.starts_at else "running" if at < offer.ends_at else "ended"
