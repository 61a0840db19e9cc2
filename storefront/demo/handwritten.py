"""Seeding the hand-written catalogue: its categories, products, SKUs and pictures, homepage
placements, carousel slides, promotions, and the demo customers' reviewed orders."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy import select

from storefront.demo import chinese
from storefront.demo.catalogue import (
    CATALOGUE,
    DEMO_USERS,
    PROMOTIONS,
    SLIDES,
    CategorySpec,
    GoodsSpec,
)
from storefront.demo.common import (
    NOTHING_CHANGED,
    add_placements,
    add_synonyms,
    summary,
    table_is_empty,
)
from storefront.demo.files import finish, save
from storefront.demo.pictures import (
    Look,
    category_picture,
    gallery_picture,
    promotion_picture,
    sku_picture,
    slide_picture,
)
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
from storefront.services.accounts.passwords import hash_password
from storefront.services.orders import numbers

LINES_PER_ORDER = 4
# The demo reviews' stars, taken in turn: mostly 4 and 5 with the odd 3, as a grocer's are
# (the written comments are all kind; a 1 or 2 beside one would read as a mistake).
STARS = (5, 4, 5, 5, 4, 5, 3, 5, 4, 5, 5, 4)
_Review = tuple[GoodsSKU, str, int]  # the SKU, the comment, the stars
# The extra pictures of the first products of each category: a close-up (2), a spread (3).
# Only a few products have them: each picture costs the seed a fifth of a second.
GALLERIES: list[tuple[int, ...]] = [(2, 3), (2,)]


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
    looks: dict[str, Look] = field(default_factory=dict)  # product name -> its pictures' look

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
    add_synonyms()
    finish()  # every picture on disk before the rows that name them are committed
    db.session.commit()
    n_skus = sum(len(g) for c in seeded.skus for g in c)
    return summary(len(seeded.categories), n_skus, slides, promotions)


def _add_category(seeded: _Seeded, spec: CategorySpec) -> None:
    slug = seeded.unique_slug(spec.name)
    look = Look(spec.art, spec.logo)
    image = save(partial(category_picture, spec.name, look), f"categories/{slug}.jpg",
                 key=("category", spec.name, look))
    category = GoodsCategory(name=spec.name, logo=spec.logo, image=image)
    db.session.add(category)
    seeded.categories.append(category)
    seeded.skus.append([_add_goods(seeded, category, g, GALLERIES[n:n + 1] or [()])
                        for n, g in enumerate(spec.goods)])


def _add_goods(seeded: _Seeded, category: GoodsCategory, spec: GoodsSpec,
               views: list[tuple[int, ...]]               ) -> list[GoodsSKU]:
    """A product and its SKUs; its first SKU shows ``views[0]``: more pictures of it."""
    goods = Goods(name=spec.name, name_zh=chinese.name_zh(spec.name), detail=spec.detail)
    look = seeded.looks[spec.name] = Look(spec.art, category.logo)
    skus = []
    for n, sku_spec in enumerate(spec.skus):
        slug = seeded.unique_slug(sku_spec.name)
        sku = GoodsSKU(
            category=category, goods=goods, name=sku_spec.name, title=sku_spec.title,
            price=Decimal(sku_spec.price), unit=sku_spec.unit, stock=sku_spec.stock,
            sales=sku_spec.sales, is_on_sale=sku_spec.on_sale,
            default_image=save(partial(sku_picture, look, n + 1), f"goods/{slug}.jpg",
                               key=("sku", look, n + 1)),
        )
        if n == 0 and views[0]:
            sku.images = [GoodsImage(image=sku.default_image)] + [
                GoodsImage(image=save(partial(gallery_picture, look, view),
                                      f"goods/{slug}-view-{view}.jpg",
                                      key=("gallery", look, view)))
                for view in views[0]
            ]
        skus.append(sku)
    db.session.add(goods)
    return skus


def _round_robin(goods: list[list[GoodsSKU]]) -> list[GoodsSKU]:
    """On-sale SKUs, one per product in turn: the homepage row shows variety first."""
    order = []
    for depth in range(max(len(g) for g in goods)):
        order += [g[depth] for g in goods if depth < len(g) and g[depth].on_sale]
    return order


def _add_slides(seeded: _Seeded) -> int:
    if not table_is_empty(IndexGoodsBanner):
        return 0
    added = 0
    for index, (sku_name, headline, tagline) in enumerate(SLIDES):
        sku = seeded.sku_named(sku_name)
        if sku is None:
            continue
        look = seeded.looks[sku.goods.name]
        image = save(partial(slide_picture, headline, tagline, look),
                     f"banners/{seeded.unique_slug(headline)}.jpg",
                     key=("slide", headline, tagline, look))
        db.session.add(IndexGoodsBanner(sku=sku, image=image, index=index))
        added += 1
    return added


def _add_promotions(seeded: _Seeded) -> int:
    if not table_is_empty(IndexPromotionBanner):
        return 0
    for index, (name, category_index, tagline, art) in enumerate(PROMOTIONS):
        category = seeded.categories[category_index]
        look = Look(art, category.logo)
        image = save(partial(promotion_picture, name, tagline, look),
                     f"promotions/{seeded.unique_slug(name)}.jpg",
                     key=("promotion", name, tagline, look))
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
    """Completed orders whose lines carry reviews: 1-3 reviewers per product's first SKU,
    each saying one of the things written for that product, with stars (``STARS``), counted
    on the SKU as a shopper's review is (services/orders/reviews.py): tiles show them."""
    users = _demo_users()
    lines: list[list[_Review]] = [[] for _ in users]
    for ci, (spec, goods) in enumerate(zip(CATALOGUE, seeded.skus, strict=True)):
        for gi, (goods_spec, skus) in enumerate(zip(spec.goods, goods, strict=True)):
            sku = next((s for s in skus if s.on_sale), None)
            comments = goods_spec.reviews
            if sku is None or not comments:
                continue
            for k in range(min(len(comments), 1 + (ci + gi) % len(users))):
                stars = STARS[(ci + gi + k) % len(STARS)]
                sku.rating_count, sku.rating_total = (sku.rating_count or 0) + 1, (
                    sku.rating_total or 0) + stars
                lines[(gi + k) % len(users)].append((sku, comments[k], stars))
    now = utcnow()
    for u, user in enumerate(users):
        for seq, n in enumerate(range(0, len(lines[u]), LINES_PER_ORDER)):
            placed = now - timedelta(days=max(40 - 9 * seq - u, 3), hours=u)
            _add_order(user, lines[u][n:n + LINES_PER_ORDER], placed)


def _add_order(user: User, lines: list[_Review], placed: datetime) -> None:
    # Order numbers as checkout draws them (SF-<yymm>-<six digits>), drawn again on a clash
    # (the query flushes this seed's earlier orders first, so they count too).
    order_no = numbers.new_order_no(placed)
    while db.session.scalar(select(OrderInfo.id).where(OrderInfo.order_no == order_no)):
        order_no = numbers.new_order_no(placed)
    subtotal = sum((sku.price * (1 + i % 2) for i, (sku, *_) in enumerate(lines)), Decimal(0))
    order = OrderInfo(order_no=order_no, user=user, status=OrderInfo.DELIVERED,
                      created_at=placed, updated_at=placed, delivered_at=placed,
                      subtotal=subtotal, total=subtotal)
    for i, (sku, comment, stars) in enumerate(lines):
        reviewed = placed + timedelta(days=2, hours=i)  # reviews come after delivery
        order.lines.append(OrderGoods(sku=sku, count=1 + i % 2, price=sku.price,
                                      comment=comment, rating=stars, created_at=reviewed,
                                      updated_at=reviewed, reviewed_at=reviewed,
                                      name=sku.name, unit=sku.unit))
    db.session.add(order)
