"""The data model of SPEC.md, in SQLAlchemy 2.0 style.

Indexes follow what the pages filter and sort by: on-sale SKUs per category by id, price
and sales; banners by their display index; reviews per SKU by time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from storefront.extensions import db
from storefront.identity import (
    EMAIL_CANONICAL_MAX,
    USERNAME_CANONICAL_MAX,
    canonical,
    display_form,
)

# Every table speaks utf8mb4 on MariaDB: Chinese names and emoji survive a round trip.
MYSQL_UTF8 = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class GoodsCategory(TimestampMixin, db.Model):
    __tablename__ = "goods_category"
    __table_args__ = MYSQL_UTF8

    name: Mapped[str] = mapped_column(String(40))
    logo: Mapped[str] = mapped_column(String(40), default="")  # CSS class of the nav icon
    image: Mapped[str] = mapped_column(String(255), default="")  # banner, relative to MEDIA_ROOT

    skus: Mapped[list[GoodsSKU]] = relationship(back_populates="category")

    def __str__(self) -> str:
        return self.name


class Goods(TimestampMixin, db.Model):
    """An SPU: a product family whose SKUs are its sellable variants."""

    __tablename__ = "goods"
    __table_args__ = MYSQL_UTF8

    name: Mapped[str] = mapped_column(String(80))
    # The product's Chinese name beside the English one: search finds it by either.
    name_zh: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")

    skus: Mapped[list[GoodsSKU]] = relationship(back_populates="goods")

    def __str__(self) -> str:
        return self.name


class SearchSynonym(TimestampMixin, db.Model):
    """Words shoppers use for one thing, kept by staff: "milk, 牛奶, 鲜奶". A search for
    any of them finds what any of them would (services/search/synonyms.py)."""

    __tablename__ = "search_synonym"
    __table_args__ = MYSQL_UTF8

    words: Mapped[str] = mapped_column(String(255))  # separated by commas

    def __str__(self) -> str:
        return self.words


class GoodsSKU(TimestampMixin, db.Model):
    __tablename__ = "goods_sku"
    __table_args__ = (
        Index("ix_goods_sku_category_sale_id", "category_id", "is_on_sale", "id"),
        Index("ix_goods_sku_category_sale_price", "category_id", "is_on_sale", "price"),
        Index("ix_goods_sku_category_sale_sales", "category_id", "is_on_sale", "sales"),
        Index("ix_goods_sku_goods_sale", "goods_id", "is_on_sale"),
        MYSQL_UTF8,
    )

    category_id: Mapped[int] = mapped_column(ForeignKey("goods_category.id"))
    goods_id: Mapped[int] = mapped_column(ForeignKey("goods.id"))
    name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(255), default="")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit: Mapped[str] = mapped_column(String(20))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    sales: Mapped[int] = mapped_column(Integer, default=0)
    default_image: Mapped[str] = mapped_column(String(255), default="")
    is_on_sale: Mapped[bool] = mapped_column(Boolean, default=True)
    # buyers' stars, kept with the SKU so every tile shows them without a query
    # (services/orders/reviews.py adds each review in its own transaction)
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What one SKU holds, for unit prices ($/kg, $/l, $ each): 500 + "g", 6 + "each", 1 + "l".
    # Data, not parsed from the name; None: no unit price shown (services/offers/units.py).
    unit_quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3), nullable=True)
    unit_measure: Mapped[str | None] = mapped_column(String(8), nullable=True)

    category: Mapped[GoodsCategory] = relationship(back_populates="skus")
    goods: Mapped[Goods] = relationship(back_populates="skus")
    # What only exists for this SKU goes with it when it is deleted (the ORM deletes the
    # rows; the foreign keys refuse anything left pointing at a missing SKU). Order lines
    # are not here on purpose: a SKU that was sold is taken off sale, never deleted.
    images: Mapped[list[GoodsImage]] = relationship(
        back_populates="sku", cascade="all, delete-orphan", order_by="GoodsImage.id"
    )
    banners: Mapped[list[IndexGoodsBanner]] = relationship(
        back_populates="sku", cascade="all, delete-orphan"
    )
    tiles: Mapped[list[IndexCategoryGoodsBanner]] = relationship(
        back_populates="sku", cascade="all, delete-orphan"
    )

    @hybrid_property
    def on_sale(self) -> bool:
        """The one rule of what a shopper may see or buy, in Python (a loaded row) and in SQL
        (``select(GoodsSKU).where(GoodsSKU.on_sale)``); every page, cart and index asks it."""
        return bool(self.is_on_sale)

    @on_sale.inplace.expression
    @classmethod
    def _on_sale_sql(cls) -> ColumnElement[bool]:
        # ``IS true``, as every query spelled it before: the (category, is_on_sale, ...)
        # indexes above serve it on MariaDB and SQLite alike
        return cls.is_on_sale.is_(True)

    def __str__(self) -> str:
        return self.name


class GoodsImage(TimestampMixin, db.Model):
    __tablename__ = "goods_image"
    __table_args__ = MYSQL_UTF8

    sku_id: Mapped[int] = mapped_column(ForeignKey("goods_sku.id"), index=True)
    image: Mapped[str] = mapped_column(String(255))

    sku: Mapped[GoodsSKU] = relationship(back_populates="images")


class IndexGoodsBanner(TimestampMixin, db.Model):
    """A carousel slide on the homepage."""

    __tablename__ = "index_goods_banner"
    __table_args__ = MYSQL_UTF8

    sku_id: Mapped[int] = mapped_column(ForeignKey("goods_sku.id"), index=True)
    image: Mapped[str] = mapped_column(String(255))
    index: Mapped[int] = mapped_column(SmallInteger, default=0, index=True)

    sku: Mapped[GoodsSKU] = relationship(back_populates="banners")


class IndexCategoryGoodsBanner(TimestampMixin, db.Model):
    """A SKU shown in its category's row on the homepage: a title link or an image tile."""

    __tablename__ = "index_category_goods_banner"
    __table_args__ = (
        Index("ix_index_category_banner_order", "category_id", "display_type", "index"),
        MYSQL_UTF8,
    )

    TITLE, IMAGE = 0, 1

    category_id: Mapped[int] = mapped_column(ForeignKey("goods_category.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("goods_sku.id"), index=True)
    display_type: Mapped[int] = mapped_column(SmallInteger, default=1)
    index: Mapped[int] = mapped_column(SmallInteger, default=0)

    category: Mapped[GoodsCategory] = relationship()
    sku: Mapped[GoodsSKU] = relationship(back_populates="tiles")


class IndexPromotionBanner(TimestampMixin, db.Model):
    __tablename__ = "index_promotion_banner"
    __table_args__ = MYSQL_UTF8

    name: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(255))
    image: Mapped[str] = mapped_column(String(255))
    index: Mapped[int] = mapped_column(SmallInteger, default=0, index=True)

    def __str__(self) -> str:
        return self.name


def exact_string(length: int) -> String:
    """A VARCHAR compared byte for byte: on MariaDB the table's utf8mb4_unicode_ci would
    match "alice" to "Alicé" and "alice " (what the canonical columns exist to prevent)."""
    return String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"),
                                       "mysql", "mariadb")


class User(TimestampMixin, db.Model):
    """An account. ``username`` and ``email`` are kept as typed (NFKC, stripped) for display;
    their canonical forms (storefront/identity.py) are what makes an account unique and what
    sign-in looks up. Assigning either one sets its canonical form too, whoever assigns it
    (register, admin, CLI, tests). The display columns stay unique as well: on MariaDB that
    is stricter than the canonical form (it folds accents), which is only ever "taken"."""

    __tablename__ = "users"
    __table_args__ = MYSQL_UTF8

    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username_canonical: Mapped[str] = mapped_column(exact_string(USERNAME_CANONICAL_MAX),
                                                    unique=True, index=True)
    email_canonical: Mapped[str] = mapped_column(exact_string(EMAIL_CANONICAL_MAX),
                                                 unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    # part of every session cookie; raising it ends all sessions made before (accounts.py)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @validates("username")
    def _set_username(self, key: str, value: str) -> str:
        self.username_canonical = canonical(value)
        return display_form(value)

    @validates("email")
    def _set_email(self, key: str, value: str) -> str:
        self.email_canonical = canonical(value)
        return display_form(value)

    def __str__(self) -> str:
        return self.username


class Address(TimestampMixin, db.Model):
    """An entry of a shopper's address book; an order keeps a copy, never a reference."""

    __tablename__ = "address"
    __table_args__ = MYSQL_UTF8

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(30))
    lines: Mapped[str] = mapped_column(String(300))  # street, city: as typed, newlines kept
    postcode: Mapped[str] = mapped_column(String(16))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

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
    capacity: Mapped[int] = mapped_column(Integer, default=20)
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __str__(self) -> str:
        return f"{self.starts_at:%a %d %b %H:%M}–{self.ends_at:%H:%M}"


class OrderInfo(TimestampMixin, db.Model):
    __tablename__ = "order_info"
    __table_args__ = (
        Index("ix_order_info_user_created", "user_id", "created_at"),
        MYSQL_UTF8,
    )

    # The numbers the seed's statuses had keep their meaning (migration 17d3af61a944 maps
    # the old "received"/"completed" onto delivered).
    PLACED, PACKING, OUT_FOR_DELIVERY, DELIVERED, CANCELLED = 1, 2, 3, 4, 9

    order_no: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[int] = mapped_column(SmallInteger, default=PLACED)
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
        Index("ix_order_goods_sku_reviewed", "sku_id", "reviewed_at"),
        MYSQL_UTF8,
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("order_info.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("goods_sku.id"))
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # what the line cost, offers applied (a multibuy is not price x count); None: the seed's
    total: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # 1-5; None: no stars given
    comment: Mapped[str] = mapped_column(String(500), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: not reviewed

    order: Mapped[OrderInfo] = relationship(back_populates="lines")
    sku: Mapped[GoodsSKU] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.total if self.total is not None else self.price * self.count

    @validates("comment", "rating")
    def _reviewed(self, key: str, value: object) -> object:
        # whoever writes a review (the shopper, the seed, staff) dates it
        if value and self.reviewed_at is None:
            self.reviewed_at = self.created_at or utcnow()
        return value


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
