"""Reviews from buyers: each line of a delivered order, once, 1-5 stars and at most 500
characters. A review makes the product page stale through the page layer (its ``reviews``
tag, recorded like an admin edit), so it shows within the freshness bound."""

from __future__ import annotations

from sqlalchemy import select, update

from storefront.extensions import db
from storefront.models import GoodsSKU, OrderGoods, OrderInfo, utcnow
from storefront.services.orders.errors import IllegalMove
from storefront.services.pages import freshness
from storefront.services.pages import tags as tag

MAX_CHARS = 500


def review(user_id: int, order_no: str, line_id: int, rating: int, comment: str) -> None:
    """The buyer's review of one line; ``IllegalMove`` if it is not theirs, not delivered or
    already reviewed. The check and the write are one conditional UPDATE: two submits, one
    review."""
    if not 1 <= rating <= 5 or len(comment) > MAX_CHARS:
        raise IllegalMove("A review is 1 to 5 stars and at most 500 characters.")
    line = db.session.scalar(
        select(OrderGoods).join(OrderGoods.order)
        .where(OrderGoods.id == line_id, OrderInfo.order_no == order_no,
               OrderInfo.user_id == user_id, OrderInfo.status == OrderInfo.DELIVERED))
    if line is None:
        raise IllegalMove("Only the lines of your delivered orders can be reviewed.")
    written = db.session.execute(
        update(OrderGoods).where(OrderGoods.id == line.id, OrderGoods.reviewed_at.is_(None))
        .values(rating=rating, comment=comment.strip(), reviewed_at=utcnow())
        .execution_options(synchronize_session=False))
    if written.rowcount != 1:
        db.session.rollback()
        raise IllegalMove("You have reviewed this already. Thank you!")
    db.session.execute(
        update(GoodsSKU).where(GoodsSKU.id == line.sku_id)
        .values(rating_count=GoodsSKU.rating_count + 1,
                rating_total=GoodsSKU.rating_total + rating)
        .execution_options(synchronize_session=False))
    db.session.expire(line)
    # written by statements, which the session's collector does not see: the product page
    # (reviews:<sku id>) and the stars on its card (every page that shows it carries sku:<id>)
    freshness.record_tags(db.session, {tag.reviews(line.sku_id), tag.sku(line.sku_id)})
    db.session.commit()

