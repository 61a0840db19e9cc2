"""The admin's first page: what staff look at first thing. A tile per count, today's orders
by status, the SKUs running low and the offers running now, each linking to the admin's
list filtered to exactly that (Flask-Admin's own filters, so staff can change them there).
Eight queries, whatever the size of the shop (tests/admin/test_admin_dashboard.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from flask import url_for
from flask_admin import Admin, AdminIndexView, expose
from sqlalchemy import func, select

from storefront.admin.base import StaffOnly
from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, Offer, OrderInfo
from storefront.services.offers import manage, prices
from storefront.services.orders import bands, status

LOW_STOCK_SHOWN = 10  # the lowest ones by name; the link lists them all


class DashboardView(StaffOnly, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        return self.render("admin/dashboard.html", counts=_counts(),
                           today=_todays_orders(self.admin), low=_low_stock(self.admin),
                           offers=_running_offers(self.admin), low_band=bands.LOW)


def filtered(admin: Admin, endpoint: str, *wanted: tuple[str, str, str]) -> str:
    """The admin list of ``endpoint`` filtered by (column, operation, value) triples, in the
    URL arguments Flask-Admin gives that view's own filters."""
    view = next(v for v in admin._views if v.endpoint == endpoint)
    args = {}
    for position, (column, operation, value) in enumerate(wanted):
        index, flt = next((i, f) for i, f in enumerate(view._filters)
                          if getattr(getattr(f, "column", None), "key", None) == column
                          and str(f.operation()) == operation)
        args[f"flt{position}_{view.get_filter_arg(index, flt)}"] = value
    return url_for(f"{endpoint}.index_view", **args)


def _counts() -> list[tuple[str, int, str]]:
    """(label, number, list endpoint) for the dashboard's tiles."""
    def count(model: type, *where: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return [
        ("SKUs on sale", count(GoodsSKU, GoodsSKU.on_sale), "goodssku.index_view"),
        ("SKUs off sale", count(GoodsSKU, ~GoodsSKU.on_sale), "goodssku.index_view"),
        ("Categories", count(GoodsCategory), "goodscategory.index_view"),
        ("Orders", count(OrderInfo), "orderinfo.index_view"),
    ]


@dataclass(frozen=True)
class Row:
    label: str
    number: int | str
    url: str


def start_of_today() -> datetime:
    """Midnight in the shop's zone, as the naive UTC moment ``created_at`` is stored in."""
    zone = manage.zone()
    midnight = datetime.combine(datetime.now(zone).date(), time(), zone)
    return midnight.astimezone(prices.now().tzinfo).replace(tzinfo=None)


def _todays_orders(admin: Admin) -> list[Row]:
    """Every status with the number of orders placed since midnight that are in it now."""
    since = start_of_today()
    found = dict(db.session.execute(
        select(OrderInfo.status, func.count()).where(OrderInfo.created_at >= since)
        .group_by(OrderInfo.status)).all())
    after = (since - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    return [Row(label, found.get(code, 0), filtered(
                admin, "orderinfo", ("status", "equals", str(code)),
                ("created_at", "greater than", after)))
            for code, label in status.LABELS.items()]


def _low_stock(admin: Admin) -> tuple[int, list[Row], str]:
    """How many on-sale SKUs are in the low-stock band or out, the lowest of them, and the
    link to all of them."""
    low = (GoodsSKU.on_sale, GoodsSKU.stock <= bands.LOW)
    total = db.session.scalar(select(func.count()).select_from(GoodsSKU).where(*low)) or 0
    rows = db.session.execute(select(GoodsSKU.id, GoodsSKU.name, GoodsSKU.stock).where(*low)
                              .order_by(GoodsSKU.stock, GoodsSKU.name)
                              .limit(LOW_STOCK_SHOWN)).all()
    every = filtered(admin, "goodssku", ("is_on_sale", "equals", "1"),
                     ("stock", "smaller than", str(bands.LOW + 1)))
    return total, [Row(name, stock, url_for("goodssku.edit_view", id=sku_id))
                   for sku_id, name, stock in rows], every


def _running_offers(admin: Admin) -> tuple[list[Row], str]:
    """The offers running now, soonest to end first ("ends <when>"), and the link to them."""
    moment = prices.now()
    offers = db.session.scalars(select(Offer).where(Offer.starts_at <= moment,
                                                    Offer.ends_at > moment)
                                .order_by(Offer.ends_at, Offer.id)).all()
    zone = manage.zone()
    rows = [Row(offer.name, offer.ends_at.astimezone(zone).strftime("ends %a %d %b %H:%M"),
                url_for("offer.edit_view", id=offer.id)) for offer in offers]
    return rows, filtered(admin, "offer", ("starts_at", "is", "1"))
