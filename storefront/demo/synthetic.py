"""The ``--categories N --skus-per-category M`` mode: a catalogue big enough to measure the
pages against, put in with bulk inserts, every SKU sharing a handful of pictures."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

import click
from sqlalchemy import insert, select

from storefront.demo.catalogue import CATALOGUE, prose
from storefront.demo.chinese import name_zh
from storefront.demo.common import (
    NOTHING_CHANGED,
    TILES_PER_KIND,
    add_placements,
    summary,
    table_is_empty,
)
from storefront.demo.files import finish, save
from storefront.demo.pictures import (
    Look,
    category_picture,
    promotion_picture,
    sku_picture,
    slide_picture,
)
from storefront.extensions import db
from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsSKU,
    IndexGoodsBanner,
    IndexPromotionBanner,
    utcnow,
)

ADJECTIVES = ("Organic", "Classic", "Premium", "Farmhouse", "Everyday", "Seasonal",
              "Hand-picked", "Family")
UNITS = (("250g", Decimal("1")), ("500g", Decimal("1.9")), ("1kg", Decimal("3.6")))
SKUS_PER_GOODS = len(UNITS)
LOGOS = tuple(spec.logo for spec in CATALOGUE)
TILES = 8  # SKU pictures shared round-robin
SYNTHETIC_SLIDES = (
    ("Weekly picks", "Fresh favourites at this week's best prices"),
    ("New in store", "Just landed: seasonal produce and pantry treats"),
    ("Stock the freezer", "Ready meals and frozen staples for busy days"),
    ("Farm to table", "Straight from our growers to your kitchen"),
    ("Party platters", "Everything for a feast, delivered tomorrow"),
)
SYNTHETIC_PROMOTIONS = (
    ("Deals of the week", "Up to 40% off"),
    ("Buy more, save more", "3 for 2 on selected items"),
    ("Fresh for less", "Everyday low prices"),
    ("Members' picks", "Extra 10% off"),
)


class _SharedImages(NamedTuple):
    tiles: list[str]  # SKU pictures, reused round-robin
    categories: dict[str, str]  # logo -> banner
    slides: list[str]
    promotions: list[str]


def _shared_images() -> _SharedImages:
    """The few pictures every synthetic row points at; written once, kept if present."""
    aisles = {spec.logo: spec for spec in CATALOGUE}
    tiles = [Look(g.art, spec.logo) for k in range(2) for spec in CATALOGUE
             for g in spec.goods[k:k + 1]][:TILES]

    def shared(make: Any, relative: str, key: tuple) -> str:
        return save(make, relative, keep_existing=True, key=key)
    return _SharedImages(
        tiles=[shared(partial(sku_picture, look, 1 + n % 3),
                      f"goods/synthetic-tile-{n + 1}.jpg", ("sku", look, 1 + n % 3))
               for n, look in enumerate(tiles)],
        categories={logo: shared(partial(category_picture, "Demo category",
                                         Look(aisles[logo].art, logo)),
                                 f"categories/synthetic-{logo}.jpg", ("category", logo))
                    for logo in LOGOS},
        slides=[shared(partial(slide_picture, head, tag, tiles[n % len(tiles)]),
                       f"banners/synthetic-slide-{n + 1}.jpg", ("slide", head))
                for n, (head, tag) in enumerate(SYNTHETIC_SLIDES)],
        promotions=[shared(partial(promotion_picture, name, tag, tiles[n % len(tiles)]),
                           f"promotions/synthetic-promo-{n + 1}.jpg", ("promotion", name))
                    for n, (name, tag) in enumerate(SYNTHETIC_PROMOTIONS)],
    )


def seed_synthetic(n_categories: int, skus_per_category: int) -> str:
    """Categories "Category 001".. with ``skus_per_category`` SKUs each; existing ones skipped."""
    names = [f"Category {n:03d}" for n in range(1, n_categories + 1)]
    existing = set(db.session.scalars(
        select(GoodsCategory.name).where(GoodsCategory.name.like("Category %"))
    ))
    todo = [(n, name) for n, name in enumerate(names) if name not in existing]
    if not todo:
        return NOTHING_CHANGED
    images = _shared_images()
    made: list[tuple[int, list[int]]] = []
    with click.progressbar(todo, label="Seeding categories") as bar:
        for n, name in bar:
            made.append(_add_synthetic_category(n, name, skus_per_category, images))
    slides = _add_synthetic_slides(made, images)
    promotions = _add_synthetic_promotions(made, images)
    finish()  # every picture on disk before the rows that name them are committed
    db.session.commit()
    return summary(len(todo), len(todo) * skus_per_category, slides, promotions)


def _add_synthetic_category(n: int, name: str, n_skus: int, images: _SharedImages
                            ) -> tuple[int, list[int]]:
    """One category with its products, SKUs and homepage placements: (id, first SKU ids)."""
    logo = LOGOS[n % len(LOGOS)]
    category = GoodsCategory(name=name, logo=logo, image=images.categories[logo])
    base_names = [g.name for g in CATALOGUE[n % len(CATALOGUE)].goods]
    goods = [
        Goods(name=f"{ADJECTIVES[(n + k) % len(ADJECTIVES)]} {base_names[k % len(base_names)]}",
              name_zh=name_zh(base_names[k % len(base_names)]),
              detail=prose(f"A sample product of {name}.",
                           "Generated by flask seed-demo to fill a big catalogue."))
        for k in range(math.ceil(n_skus / SKUS_PER_GOODS))
    ]
    db.session.add(category)
    db.session.add_all(goods)
    db.session.flush()  # the category and product ids the bulk rows below point at
    now = utcnow()
    rows = [_synthetic_sku(n, j, category.id, goods[j // SKUS_PER_GOODS], images, now)
            for j in range(n_skus)]
    db.session.execute(insert(GoodsSKU), rows)
    sku_ids = list(db.session.scalars(
        select(GoodsSKU.id).where(GoodsSKU.category_id == category.id)
        .order_by(GoodsSKU.id).limit(2 * TILES_PER_KIND)
    ))
    add_placements(category.id, sku_ids)
    return category.id, sku_ids


def _synthetic_sku(n: int, j: int, category_id: int, goods: Goods,  # noqa: PLR0913, PLR0917
                   images: _SharedImages, now: datetime) -> dict[str, Any]:  # (a row's inputs)
    """One SKU row; price, stock and sales vary by formula, so every run makes the same."""
    unit, factor = UNITS[j % SKUS_PER_GOODS]
    base = Decimal(3 + (n * 7 + (j // SKUS_PER_GOODS) * 13) % 60) + Decimal("0.90")
    return {
        "category_id": category_id, "goods_id": goods.id, "name": f"{goods.name} {unit}",
        "title": f"{unit} of {goods.name.lower()}",
        "price": (base * factor).quantize(Decimal("0.01")), "unit": unit,
        "stock": 5 + (j * 37 + n * 11) % 196, "sales": (j * 53 + n * 29) % 500,
        "default_image": images.tiles[(n + j) % len(images.tiles)], "is_on_sale": True,
        "created_at": now, "updated_at": now,
    }


def _add_synthetic_slides(made: list[tuple[int, list[int]]], images: _SharedImages) -> int:
    if not table_is_empty(IndexGoodsBanner):
        return 0
    db.session.execute(insert(IndexGoodsBanner), [
        {"sku_id": made[i % len(made)][1][0], "image": image, "index": i}
        for i, image in enumerate(images.slides)
    ])
    return len(images.slides)


def _add_synthetic_promotions(made: list[tuple[int, list[int]]], images: _SharedImages
                              ) -> int:
    if not table_is_empty(IndexPromotionBanner):
        return 0
    db.session.execute(insert(IndexPromotionBanner), [
        {"name": name, "url": f"/list/{made[i % len(made)][0]}", "image": image, "index": i}
        for i, ((name, _), image) in enumerate(zip(SYNTHETIC_PROMOTIONS, images.promotions,
                                                   strict=True))
    ])
    return len(SYNTHETIC_PROMOTIONS)
