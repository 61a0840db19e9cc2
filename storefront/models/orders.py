"""Orders (SPEC "Checkout"): the address book, delivery slots, orders and their lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from storefront.extensions import db
from storefront.models import (  # the base module defines these before it imports this one
    MYSQL_UTF8,
    GoodsSKU,
    TimestampMixin,
    User,
    utcnow,
)


class Address(TimestampMixin, db.Model):
    """An entry of a shopper's address book; an order keeps a copy, never a reference."""

    __tablename__ = "address"
    __table_args__ = MYSQL_UTF8

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(30))
    lines: Mapped[str] = mapped_column(String(300))  # street, city: as typed, newlines kept
    postcode: Mapped[str] = mapped_column(String(16))
    is_default: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.recipient}, {self.lines.splitlines()[0] if self.lines else ''}"


class DeliverySlot(TimestampMixin, db.Model):
    """One hour in which orders are delivered; ``taken`` only grows by a conditional UPDATE
    (``taken < capacity``), so concurrent checkouts never overfill it."""

    __tablename__ = "delivery_slot"
    __table_args__ = MYSQL_UTF8

    starts_at: Mapped[datetime] = mapped_column(DateTime, unique=True)  # UTC, naive
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(sa.Integer, default=20)
    taken: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    def __str__(self) -> str:
        return f"{self.starts_at:%a %d %b %H:%M}–{self.ends_at:%H:%M}"


class OrderInfo(TimestampMixin, db.Model):
    __tablename__ = "order_info"
    __table_args__ = (
        sa.Index("ix_order_info_user_created", "user_id", "created_at"),
        MYSQL_UTF8,
    )

    # The numbers the seed's statuses had keep their meaning (migration 17d3af61a944 maps
    # the old "received"/"completed" onto delivered).
    PLACED, PACKING, OUT_FOR_DELIVERY, DELIVERED, CANCELLED = 1, 2, 3, 4, 9

    order_no: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[int] = mapped_column(sa.SmallInteger, default=PLACED)
    # the address as it was at placing (an address book edit never changes an order)
    recipient: Mapped[str] = mapped_column(String(60), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(16), default="", server_default="")
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_slot.id"), index=True)
    subtotal: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"),
                                              server_default="0")
    delivery_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"),
                                                  server_default="0")
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"),
                                           server_default="0")
    payment_method: Mapped[str] = mapped_column(String(30), default="on_delivery",
                                                server_default="on_delivery")
    # issued with the checkout page; unique, so a second submit of it cannot place a second
    # order (NULL for the seed's orders: NULLs never clash)
    checkout_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # the status timeline: when each step happened (placing is created_at)
    packing_at: Mapped[datetime | None] = mapped_column(DateTime)
    out_for_delivery_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    slot: Mapped[DeliverySlot | None] = relationship()
    lines: Mapped[list[OrderGoods]] = relationship(back_populates="order",
                                                   order_by="OrderGoods.id")

    def __str__(self) -> str:
        return self.order_no


class OrderGoods(TimestampMixin, db.Model):
    """A line of an order: a copy of what was bought, and the buyer's review of it (rating
    and comment: the reviews shown on the SKU's detail page, newest ``reviewed_at`` first)."""

    __tablename__ = "order_goods"
    __table_args__ = (
        sa.Index("ix_order_goods_sku_reviewed", "sku_id", "reviewed_at"),
        MYSQL_UTF8,
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("order_info.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("goods_sku.id"))
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    count: Mapped[int] = mapped_column(sa.Integer, default=1)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # what the line cost, offers applied (a multibuy is not price x count); None: the seed's
    total: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)  # 1-5; None: no stars given
    comment: Mapped[str] = mapped_column(String(500), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: not reviewed

    order: Mapped[OrderInfo] = relationship(back_populates="lines")
    sku: Mapped[GoodsSKU] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.total if self.total is not None else self.price * self.count

    @property
    def saving(self) -> Decimal:
        """What a multibuy took off ``count`` x ``price`` (the order keeps the price of one
        item, offers applied, and the line's total)."""
        return max(self.price * self.count - self.line_total, Decimal("0.00"))

    @validates("comment", "rating")
    def _reviewed(self, key: str, value: object) -> object:
        # whoever writes a review (the shopper, the seed, staff) dates it
        if value and self.reviewed_at is None:
            self.reviewed_at = self.created_at or utcnow()
        return value
