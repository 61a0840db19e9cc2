"""A shopper's orders as their pages show them: only ever their own."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storefront.extensions import db
from storefront.models import OrderInfo
from storefront.services.pagination import Page

MAX_ORDER_NO = 64  # the column's width: anything longer is no order of ours


def page_of(user_id: int, number: int) -> Page | None:
    """One page of the shopper's orders, newest first (None past the last page): two
    queries, the lines loaded with one more."""
    size = int(current_app.config["ORDERS_PAGE_SIZE"])
    total = db.session.scalar(select(func.count()).select_from(OrderInfo)
                              .where(OrderInfo.user_id == user_id)) or 0
    if number > 1 and (number - 1) * size >= total:
        return None
    rows = db.session.scalars(
        select(OrderInfo).where(OrderInfo.user_id == user_id)
        .options(selectinload(OrderInfo.lines), selectinload(OrderInfo.slot))
        .order_by(OrderInfo.created_at.desc(), OrderInfo.id.desc())
        .limit(size).offset((number - 1) * size)).all()
    return Page(list(rows), number, size, total)


def own(user_id: int, order_no: str) -> OrderInfo | None:
    """The shopper's order with this number; another's, or none, is None (a 404)."""
    if not order_no or len(order_no) > MAX_ORDER_NO:
        return None
    order = db.session.scalar(select(OrderInfo).where(OrderInfo.order_no == order_no))
    return order if order is not None and order.user_id == user_id else None
