"""The data model of SPEC.md, in SQLAlchemy 2.0 style.

Indexes follow what the pages filter and sort by: on-sale SKUs per category by id, price
and sales; banners by their display index; reviews per SKU by time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
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


# The orders' and offers' models live in modules of their own; every model is importable
# from here (SPEC "Interfaces").
from storefront.models.offers import Offer, UTCDateTime, offer_sku  # noqa: E402
from storefront.models.orders import Address, DeliverySlot, OrderGoods, OrderInfo  # noqa: E402

__all__ = [
    "MYSQL_UTF8", "Address", "DeliverySlot", "Goods", "GoodsCategory", "GoodsImage", "GoodsSKU",
    "IndexCategoryGoodsBanner", "IndexGoodsBanner", "IndexPromotionBanner", "Offer",
    "OrderGoods", "OrderInfo", "SearchSynonym", "TimestampMixin", "UTCDateTime", "User",
    "offer_sku", "utcnow",
]
