"""The admin's first page: a tile per count staff look at most, each linking to its list."""

from __future__ import annotations

from typing import Any

from flask_admin import AdminIndexView, expose
from sqlalchemy import func, select

from storefront.admin.base import StaffOnly
from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, OrderInfo


class DashboardView(StaffOnly, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        return self.render("admin/dashboard.html", counts=_counts())


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
