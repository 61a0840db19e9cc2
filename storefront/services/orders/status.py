"""The order flow: placed → packing → out for delivery → delivered; cancelled.

A move is one conditional UPDATE of the status (``WHERE status IN`` the states it may come
from), so two clicks, two staff members or a shopper and staff at once move an order once:
the loser is refused. A cancel gives the stock and the slot back in the same transaction,
which therefore happens once. The mail goes after the commit.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from storefront.extensions import db
from storefront.models import GoodsSKU, OrderGoods, OrderInfo, utcnow
from storefront.services.cart import stock
from storefront.services.orders import bands, slots
from storefront.services.orders.errors import IllegalMove
from storefront.services.pages import freshness
from storefront.services.pages import tags as tag

log = logging.getLogger(__name__)

S = OrderInfo
LABELS = {S.PLACED: "Placed", S.PACKING: "Packing", S.OUT_FOR_DELIVERY: "Out for delivery",
          S.DELIVERED: "Delivered", S.CANCELLED: "Cancelled"}
NEXT = {S.PLACED: S.PACKING, S.PACKING: S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY: S.DELIVERED}
STAMPS = {S.PACKING: "packing_at", S.OUT_FOR_DELIVERY: "out_for_delivery_at",
          S.DELIVERED: "delivered_at", S.CANCELLED: "cancelled_at"}
SHOPPER_CANCELS = {S.PLACED}
STAFF_CANCELS = {S.PLACED, S.PACKING}  # once the van has it, it is delivered or returned


def label(status: int) -> str:
    return LABELS.get(status, "Unknown")


def timeline(order: OrderInfo) -> list[tuple[str, object]]:
    """(step, when or None) for the order's page: the way it went and the way ahead."""
    steps: list[tuple[str, object]] = [("Placed", order.created_at)]
    for status in (S.PACKING, S.OUT_FOR_DELIVERY, S.DELIVERED):
        steps.append((LABELS[status], getattr(order, STAMPS[status])))
    if order.status == S.CANCELLED:
        steps = [s for s in steps if s[1] is not None] + [("Cancelled", order.cancelled_at)]
    return steps


def advance(order_id: int, to: int) -> None:
    """Staff move an order one step on; ``IllegalMove`` for any other step."""
    previous = [s for s, n in NEXT.items() if n == to]
    if not previous:
        raise IllegalMove(f"An order cannot be moved to {label(to)}.")
    _move(order_id, to, previous)
    db.session.commit()
    _notify(order_id, to)


def cancel(order_id: int, by_staff: bool) -> None:
    """Cancel, giving the stock and the slot back; ``IllegalMove`` once it is too late (or
    already cancelled: never given back twice)."""
    allowed = STAFF_CANCELS if by_staff else SHOPPER_CANCELS
    _move(order_id, S.CANCELLED, allowed)
    order = db.session.get(S, order_id)
    lines = db.session.scalars(select(OrderGoods).where(OrderGoods.order_id == order_id)
                               .order_by(OrderGoods.sku_id)).all()
    for line in lines:  # SKU-id order, as placing locks them
        db.session.execute(update(GoodsSKU).where(GoodsSKU.id == line.sku_id).values(
            stock=GoodsSKU.stock + line.count, sales=GoodsSKU.sales - line.count)
            .execution_options(synchronize_session=False))
    if order.slot_id is not None:
        slots.give_back(order.slot_id)
    _record_band_changes(lines)
    db.session.commit()
    stock.refresh()  # stock went up: the header's index is built again (rare)
    _notify(order_id, S.CANCELLED)


def _move(order_id: int, to: int, allowed: object) -> None:
    moved = db.session.execute(
        update(S).where(S.id == order_id, S.status.in_(list(allowed)))  # type: ignore[arg-type]
        .values({"status": to, STAMPS[to]: utcnow()})
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        order = db.session.get(S, order_id)
        now = label(order.status).lower() if order else "gone"
        what = "cancelled" if to == S.CANCELLED else f"moved to {label(to).lower()}"
        raise IllegalMove(f"Order {order.order_no if order else order_id} is {now}: it "
                          f"cannot be {what}.")
    db.session.expire_all()  # the row changed under the session


def _record_band_changes(lines: list[OrderGoods]) -> None:
    back: dict[int, int] = {}
    for line in lines:
        back[line.sku_id] = back.get(line.sku_id, 0) + line.count
    now = dict(db.session.execute(select(GoodsSKU.id, GoodsSKU.stock)
                                  .where(GoodsSKU.id.in_(back))).all())
    moved = {sku_id for sku_id, n in back.items()
             if sku_id in now and bands.band(now[sku_id]) != bands.band(now[sku_id] - n)}
    if moved:  # back in stock: search's "in stock only" too
        freshness.record_tags(db.session, {tag.sku_page(i) for i in moved},
                              {i for i in moved if now[i] - back[i] <= 0})


def _notify(order_id: int, status: int) -> None:
    from storefront.services.orders import mail  # mail queues a task: imported late

    mail.queue(order_id, {S.PACKING: "packing", S.OUT_FOR_DELIVERY: "out_for_delivery",
                          S.DELIVERED: "delivered", S.CANCELLED: "cancelled"}[status])
