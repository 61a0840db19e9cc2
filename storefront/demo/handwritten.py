"""Seeding the hand-written catalogue: its categories, products, SKUs and pictures, homepage
placements, carousel slides, promotions, and the demo customers' reviewed orders."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from storefront.demo.catalogue import (
    CATALOGUE,
    DEMO_USERS,
    PROMOTIONS,
    REVIEWS,
    SLIDES,
    CategorySpec,
    GoodsSpec,
)
from storefront.demo.common import NOTHING_CHANGED, add_placements, summary, table_is_empty
from storefront.demo.pictures import (
    category_picture,
    gallery_picture,
    promotion_picture,
    save,
    sku_picture,
    slide_picture,
)
from storefront.demo.shapes import look
from storefront.extensions import db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexGoodsBanner,
    IndexPromotionBanner,
    OrderGoods,
    OrderInfo,
    User,
    utcnow,
)
from storefront.security import hash_password

LINES_PER_ORDER = 4


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words) or "item"


@dataclass
class _Seeded:
    """What one run of the hand-written seed has made so far."""

    categories: list[GoodsCategory] = field(default_factory=list)
    # per category, per product, its SKUs in the order of the catalogue
    skus: list[list[list[GoodsSKU]]] = field(default_factory=list)
    slugs: set[str] = field(default_factory=set)

    def unique_slug(self, text: str) -> str:
        base = slug = _slug(text)
        n = 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def sku_named(self, name: str) -> GoodsSKU | None:
        return next((s for c in self.skus for g in c for s in g if s.name == name), None)


def seed_catalogue() -> str:
    """The hand-written catalogue, unless its first category is already there."""
    exists = db.session.scalar(
        select(GoodsCategory.id).where(GoodsCategory.name == CATALOGUE[0].name).limit(1)
    )
    if exists is not None:
        return NOTHING_CHANGED
    seeded = _Seeded()
    for spec in CATALOGUE:
        _add_category(seeded, spec)
    db.session.flush()  # the ids the placements, promotion links and orders point at
    for category, goods in zip(seeded.categories, seeded.skus, strict=True):
        add_placements(category.id, [s.id for s in _round_robin(goods)])
    slides = _add_slides(seeded)
    promotions = _add_promotions(seeded)
    _add_reviews(seeded)
    db.session.commit()
    n_skus = sum(len(g) for c in seeded.skus for g in c)
    return summary(len(seeded.categories), n_skus, slides, promotions)


def _add_category(seeded: _Seeded, spec: CategorySpec) -> None:
    slug = seeded.unique_slug(spec.name)
    image = save(category_picture(spec.name, spec.logo), f"categories/{slug}.jpg")
    category = GoodsCategory(name=spec.name, logo=spec.logo, image=image)
    db.session.add(category)
    seeded.categories.append(category)
    seeded.skus.append([_add_goods(seeded, category, g, first=n == 0)
                        for n, g in enumerate(spec.goods)])


def _add_goods(seeded: _Seeded, category: GoodsCategory, spec: GoodsSpec, first: bool
               ) -> list[GoodsSKU]:
    """A product and its SKUs; its first SKU gets a gallery (of three for a category's first)."""
    goods = Goods(name=spec.name, detail=spec.detail)
    shape, palette = look(category.logo, spec.name)
    skus = []
    for n, sku_spec in enumerate(spec.skus):
        slug = seeded.unique_slug(sku_spec.name)
        picture = sku_picture(sku_spec.name, category.name, shape, n + 1, palette)
        sku = GoodsSKU(
            category=category, goods=goods, name=sku_spec.name, title=sku_spec.title,
            price=Decimal(sku_spec.price), unit=sku_spec.unit, stock=sku_spec.stock,
            sales=sku_spec.sales, is_on_sale=sku_spec.on_sale,
            default_image=save(picture, f"goods/{slug}.jpg"),
        )
        if n == 0:
            sku.images = [GoodsImage(image=sku.default_image)] + [
                GoodsImage(image=save(gallery_picture(spec.name, shape, view, palette),
                                      f"goods/{slug}-{view}.jpg"))
                for view in ((2, 3) if first else (2,))
            ]
        skus.append(sku)
    db.session.add(goods)
    return skus


def _round_robin(goods: list[list[GoodsSKU]]) -> list[GoodsSKU]:
    """On-sale SKUs, one per product in turn: the homepage row shows variety first."""
    order = []
    for depth in range(max(len(g) for g in goods)):
        order += [g[depth] for g in goods if depth < len(g) and g[depth].is_on_sale]
    return order


def _add_slides(seeded: _Seeded) -> int:
    if not table_is_empty(IndexGoodsBanner):
        return 0
    added = 0
    for index, (sku_name, headline, tagline) in enumerate(SLIDES):
        sku = seeded.sku_named(sku_name)
        if sku is None:
            continue
        picture = slide_picture(headline, tagline, *look(sku.category.logo, sku.goods.name))
        image = save(picture, f"banners/{seeded.unique_slug(headline)}.jpg")
        db.session.add(IndexGoodsBanner(sku=sku, image=image, index=index))
        added += 1
    return added


def _add_promotions(seeded: _Seeded) -> int:
    if not table_is_empty(IndexPromotionBanner):
        return 0
    for index, (name, category_index, tagline) in enumerate(PROMOTIONS):
        category = seeded.categories[category_index]
        picture = promotion_picture(name, tagline, category.logo)
        image = save(picture, f"promotions/{seeded.unique_slug(name)}.jpg")
        db.session.add(IndexPromotionBanner(name=name, url=f"/list/{category.id}", image=image,
                                            index=index))
    return len(PROMOTIONS)


def _demo_users() -> list[User]:
    """The demo customers, made once: an account a shopper registered under that name is kept.

    Random passwords: the accounts exist to have written reviews, not to sign in with.
    """
    users = []
    for username, email in DEMO_USERS:
        user = db.session.scalar(select(User).where((User.username == username)
                                                    | (User.email == email)))
        if user is None:
            user = User(username=username, email=email, is_staff=False, is_active=True,
                        password_hash=hash_password(secrets.token_urlsafe(24)))
            db.session.add(user)
        users.append(user)
    db.session.flush()  # user ids go into the order numbers
    return users


def _add_reviews(seeded: _Seeded) -> None:
    """Completed orders whose lines carry reviews: 1-3 reviewers per product's first SKU."""
    users = _demo_users()
    lines: list[list[tuple[GoodsSKU, str]]] = [[] for _ in users]
    for ci, (category, goods) in enumerate(zip(seeded.categories, seeded.skus, strict=True)):
        comments = REVIEWS[category.logo]
        for gi, skus in enumerate(goods):
            sku = next((s for s in skus if s.is_on_sale), None)
            if sku is None:
                continue
            for k in range(1 + (ci + gi) % len(users)):
                lines[(gi + k) % len(users)].append((sku, comments[(gi + k) % len(comments)]))
    now = utcnow()
    for u, user in enumerate(users):
        for seq, n in enumerate(range(0, len(lines[u]), LINES_PER_ORDER)):
            placed = now - timedelta(days=max(40 - 9 * seq - u, 3), hours=u)
            _add_order(user, lines[u][n:n + LINES_PER_ORDER], placed, seq)


def _add_order(user: User, lines: list[tuple[GoodsSKU, str]], placed: datetime, seq: int
               ) -> None:
    # Order numbers as the shop makes them: time placed, user id, then a sequence number.
    # The time comes from now, so a re-seed (after the categories were deleted) makes new ones.
    order_no = f"{placed:%Y%m%d%H%M%S}{user.id:06d}{seq:02d}"
    order = OrderInfo(order_no=order_no, user=user, status=OrderInfo.COMPLETED,
                      created_at=placed, updated_at=placed)
    for i, (sku, comment) in enumerate(lines):
        reviewed = placed + timedelta(days=2, hours=i)  # reviews come after delivery
        order.lines.append(OrderGoods(sku=sku, count=1 + i % 2, price=sku.price,
                                      comment=comment, created_at=reviewed,
                                      updated_at=reviewed))
    db.session.add(order)
