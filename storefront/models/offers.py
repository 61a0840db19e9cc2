"""Offers (SPEC "Prices"): a kind, a target and a time window per offer."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.models import (  # the base module defines these before it imports this one
    MYSQL_UTF8,
    Goods,
    GoodsCategory,
    GoodsSKU,
    IndexPromotionBanner,
    TimestampMixin,
)


class UTCDateTime(TypeDecorator):
    """A moment stored as naive UTC (MariaDB's DATETIME has no zone) and read back aware:
    an offer's start and end compare with ``datetime.now(UTC)`` and convert to SHOP_TIMEZONE
    for display, whichever backend stored them. A naive value is refused: its zone is a guess.
    Kept to the second, as MariaDB's DATETIME keeps it, so both backends agree on a boundary."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("an offer's moments need a time zone")
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


offer_sku = Table(
    "offer_sku", db.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("sku_id", ForeignKey("goods_sku.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    **MYSQL_UTF8,
)


class Offer(TimestampMixin, db.Model):
    """A price offer (services/offers): a kind with its numbers, a target, a time window.

    Kinds: ``percent`` off (1-90), a ``fixed`` price per item, or a ``multibuy``: buy
    ``buy_count`` and pay for ``pay_count`` of them ("3for2") or pay ``bundle_price`` for
    them ("2for5.00"). Targets: the SKUs in ``skus``, or every spec of ``goods_id``, or every
    SKU of ``category_id``. It applies from ``starts_at`` (included) to ``ends_at`` (excluded).
    """

    __tablename__ = "offer"
    __table_args__ = (
        Index("ix_offer_window", "ends_at", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="window"),
        MYSQL_UTF8,
    )

    PERCENT, FIXED, MULTIBUY = "percent", "fixed", "multibuy"

    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    percent: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    fixed_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    buy_count: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    pay_count: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    bundle_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("goods_category.id"),
                                                    nullable=True, index=True)
    goods_id: Mapped[int | None] = mapped_column(ForeignKey("goods.id"), nullable=True,
                                                 index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    promotion_id: Mapped[int | None] = mapped_column(
        ForeignKey("index_promotion_banner.id", ondelete="SET NULL"), nullable=True, index=True)

    skus: Mapped[list[GoodsSKU]] = relationship(secondary=offer_sku)
    category: Mapped[GoodsCategory | None] = relationship()
    goods: Mapped[Goods | None] = relationship()
    promotion: Mapped[IndexPromotionBanner | None] = relationship()

    def __str__(self) -> str:
        return self.name
