"""Best sellers on a schedule. An order changes SKUs' sales by a statement the page layer
does not hear of (placing.py records only stock bands), so the pages ordered by sales (the
sales sort of each category list, search by sales) would never move. Beat calls ``refresh``
every BEST_SELLERS_SECONDS: those pages go stale once, however many sales there were."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import GoodsSKU, OrderGoods, OrderInfo, utcnow
from storefront.services.pages import freshness
from storefront.services.pages import tags as tag


def refresh(every_seconds: float) -> int:
    """Re-rank what sold in the last two periods (one overlaps: a late beat loses nothing);
    returns how many SKUs were re-indexed."""
    since = utcnow() - timedelta(seconds=2 * every_seconds)
    # what was ordered (a sale leaves the SKU's updated_at alone: placing.py), and what
    # changed otherwise (a cancel giving sales back, staff)
    sold = set(db.session.scalars(
        select(OrderGoods.sku_id).join(OrderGoods.order).where(OrderInfo.created_at >= since)
        .union(select(GoodsSKU.id).where(GoodsSKU.updated_at >= since))))
    db.session.rollback()  # end the read: what follows runs outside any transaction
    if sold:
        freshness.update_search(sold, set(), set())
    freshness.make_fresh({tag.BEST_SELLERS})
    return len(sold)
