"""What the shopper-facing pages show, as plain data (dicts, lists, str, int, Decimal).

Plain data is what the page layer renders from, so no ORM object leaves this module. Every
query filters on-sale SKUs: nothing else is for sale. Each page's data carries ``tags``: the
names (``services.tags``) of everything it read, so an edit of any of it makes it stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from storefront import models
from storefront.extensions import db
from storefront.models import GoodsCategory, GoodsSKU, IndexCategoryGoodsBanner, OrderGoods
from storefront.services import sorts
from storefront.services.offers import pages as offer_pages
from storefront.services.orders import bands
from storefront.services.pages import tags as tag
from storefront.services.pagination import Page

TILES_PER_KIND = 4  # title links and image tiles per category row on the homepage
NEW_SKUS = 2
SORTS = {  # the list's orderings of sorts.LIST
    sorts.LIST_DEFAULT: (GoodsSKU.id.desc(),),
    sorts.PRICE: (GoodsSKU.price.asc(), GoodsSKU.id.asc()),
    sorts.PRICE_DESC: (GoodsSKU.price.desc(), GoodsSKU.id.desc()),
    sorts.SALES: (GoodsSKU.sales.desc(), GoodsSKU.id.desc()),
}

Data = dict[str, Any]


def sku_card(sku: GoodsSKU) -> Data:
    return {
        "id": sku.id,
        "name": sku.name,
        "title": sku.title,
        "price": sku.price,
        "unit": sku.unit,
        "image": sku.default_image,
        "rating": round(sku.rating_total / sku.rating_count, 1) if sku.rating_count else None,
        "ratings": sku.rating_count,
        # what the price rule and the unit price need (services/offers/pages.py)
        "goods_id": sku.goods_id,
        "category_id": sku.category_id,
        "unit_quantity": sku.unit_quantity,
        "unit_measure": sku.unit_measure,
    }


def category_data(category: GoodsCategory) -> Data:
    return {"id": category.id, "name": category.name, "logo": category.logo,
            "image": category.image}


def _on_sale():
    return select(GoodsSKU).where(GoodsSKU.on_sale)


def list_categories() -> list[Data]:
    rows = db.session.scalars(select(GoodsCategory).order_by(GoodsCategory.id))
    return [category_data(c) for c in rows]


def category_names(ids: Iterable[int]) -> dict[int, str]:
    """The names of these categories (search facets): one query, however many there are."""
    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(GoodsCategory.id, GoodsCategory.name).where(GoodsCategory.id.in_(ids))).all())


def build_index_context() -> Data:
    """Everything the homepage shows but the visitor's own header: four queries in all."""
    categories = list_categories()
    # Placed SKUs that are off sale are read too (and skipped): the page must go stale when
    # one of them comes back on sale.
    banners = db.session.scalars(
        select(models.IndexGoodsBanner)
        .join(models.IndexGoodsBanner.sku)
        .options(contains_eager(models.IndexGoodsBanner.sku))
        .order_by(models.IndexGoodsBanner.index, models.IndexGoodsBanner.id)
    ).all()
    promotions = db.session.scalars(
        select(models.IndexPromotionBanner)
        .order_by(models.IndexPromotionBanner.index, models.IndexPromotionBanner.id)
    )
    rows, placed = _category_rows(categories)
    return {
        "categories": categories,
        "banners": [{"image": b.image, "sku": sku_card(b.sku)} for b in banners
                    if b.sku.on_sale],
        "promotions": [{"name": p.name, "url": p.url, "image": p.image} for p in promotions],
        "rows": rows,
        "tags": [tag.ALL, tag.NAV, tag.HOME, *(tag.home_row(c["id"]) for c in categories),
                 *sorted({tag.sku(i) for i in placed | {b.sku_id for b in banners}})],
    }


def _category_rows(categories: list[Data]) -> tuple[list[Data], set[int]]:
    """Each category with its first title links and image tiles, from one query; and the ids
    of every SKU placed there, shown or not."""
    placements = db.session.scalars(
        select(IndexCategoryGoodsBanner)
        .join(IndexCategoryGoodsBanner.sku)
        .options(contains_eager(IndexCategoryGoodsBanner.sku))
        .order_by(
            IndexCategoryGoodsBanner.category_id,
            IndexCategoryGoodsBanner.display_type,
            IndexCategoryGoodsBanner.index,
            IndexCategoryGoodsBanner.id,
        )
    )
    rows = {c["id"]: {"category": c, "titles": [], "images": []} for c in categories}
    placed = set()
    for placement in placements:
        placed.add(placement.sku_id)
        row = rows.get(placement.category_id)
        if row is None or not placement.sku.on_sale:
            continue
        kind = "titles" if placement.display_type == IndexCategoryGoodsBanner.TITLE else "images"
        if len(row[kind]) < TILES_PER_KIND:
            row[kind].append(sku_card(placement.sku))
    return list(rows.values()), placed


def get_sku_detail(sku_id: int) -> Data | None:
    """What the detail page shows of one SKU (the category nav aside), or None when the SKU
    is missing or off sale: four queries."""
    sku = db.session.scalars(
        _on_sale().where(GoodsSKU.id == sku_id)
        .options(joinedload(GoodsSKU.goods), joinedload(GoodsSKU.images))
    ).unique().first()
    if sku is None:
        return None
    same_goods = db.session.scalars(
        _on_sale()
        .where(GoodsSKU.goods_id == sku.goods_id, GoodsSKU.id != sku.id)
        .order_by(GoodsSKU.price, GoodsSKU.id)
    )
    reviews = _reviews(sku.id)
    same_goods = [sku_card(s) for s in same_goods]
    new_skus = newest_skus(sku.category_id, exclude=sku.id)
    return {
        "category_id": sku.category_id,
        "sku": {
            **sku_card(sku),
            # a band, not the number: an order re-renders the page only when it moves
            "stock": bands.label(sku.stock),
            "low_stock": sku.stock if 0 < sku.stock <= bands.LOW else None,
            "in_stock": sku.stock > 0,
            "images": [image.image for image in sku.images],
            "goods": {"id": sku.goods.id, "name": sku.goods.name, "detail": sku.goods.detail},
        },
        "new_skus": new_skus,
        "same_goods": same_goods,
        "reviews": reviews,
        "review_count": reviews[0]["total"] if reviews else 0,
        # its own SKU, family and reviews; which SKUs "other specs" and "new arrivals" list,
        # and the cards they show (not the rest of its category: a list page's business)
        "tags": [tag.ALL, tag.NAV, tag.sku(sku.id), tag.sku_page(sku.id), tag.goods(sku.goods_id),
                 tag.goods_skus(sku.goods_id), tag.new_skus(sku.category_id),
                 tag.reviews(sku.id), *cards_shown(same_goods, new_skus),
                 *sorted({tag.order(r["order_id"]) for r in reviews}
                         | {tag.user(r["user_id"]) for r in reviews})],
    }


def cards_shown(*cards: list[Data]) -> list[str]:
    """The tags of the SKU cards a page shows: an edit of one of them re-renders it."""
    return sorted({tag.sku(card["id"]) for group in cards for card in group})


def newest_skus(category_id: int, exclude: int | None = None) -> list[Data]:
    query = _on_sale().where(GoodsSKU.category_id == category_id)
    if exclude is not None:
        query = query.where(GoodsSKU.id != exclude)
    rows = db.session.scalars(query.order_by(GoodsSKU.created_at.desc(), GoodsSKU.id.desc())
                              .limit(NEW_SKUS))
    return [sku_card(s) for s in rows]


def _reviews(sku_id: int) -> list[Data]:
    rows = db.session.execute(
        select(OrderGoods.comment, OrderGoods.rating, OrderGoods.reviewed_at, OrderGoods.order_id,
               models.OrderInfo.user_id, models.User.username,
               # every review's count, counted before the LIMIT: no query of its own
               func.count().over().label("total"))
        .join(OrderGoods.order)
        .join(models.OrderInfo.user)
        .where(OrderGoods.sku_id == sku_id, OrderGoods.reviewed_at.is_not(None))
        .order_by(OrderGoods.reviewed_at.desc(), OrderGoods.id.desc())
        .limit(current_app.config["REVIEWS_ON_DETAIL"])
    )
    return [{"username": r.username, "comment": r.comment, "created_at": r.reviewed_at,
             "rating": r.rating, "order_id": r.order_id, "user_id": r.user_id,
             "total": r.total} for r in rows]


def list_skus(category_id: int, sort: str, page: int) -> Data | None:
    """A category's on-sale SKUs, one page of them: three queries.

    None when the category does not exist or the page is past the end.
    """
    categories = list_categories()
    category = next((c for c in categories if c["id"] == category_id), None)
    if category is None or page < 1:
        return None
    size = current_app.config["LIST_PAGE_SIZE"]
    if sort in (sorts.PRICE, sorts.PRICE_DESC):  # by the price shoppers pay now, offers applied
        cards, total, boundary = offer_pages.by_price(category_id, sort == sorts.PRICE_DESC,
                                                      page, size, sku_card)
    else:
        cards, total, boundary = _page_of(category_id, sort, page, size)
    if not cards and page > 1:
        return None
    new_skus = newest_skus(category_id)
    return {
        "price_boundary": boundary,
        "categories": categories,
        "category": category,
        "sort": sort,
        "sorts": sorts.choices(sorts.LIST),
        "page": Page(cards, page, size, total),
        "new_skus": new_skus,
        "tags": [tag.ALL, tag.NAV, tag.category_skus(category_id), tag.new_skus(category_id),
                 *cards_shown(cards, new_skus), *_order_tags(category_id, sort)],
    }


def _order_tags(category_id: int, sort: str) -> list[str]:
    """What a list's order depends on beyond which SKUs it holds (their ids: the default)."""
    if sort in (sorts.PRICE, sorts.PRICE_DESC):
        return [tag.category_prices(category_id)]
    if sort == sorts.SALES:
        return [tag.category_sales(category_id), tag.BEST_SELLERS]
    return []


def _page_of(category_id: int, sort: str, page: int, size: int) -> tuple[list[Data], int, None]:
    # The total rides along on every row (a window count), so a page costs one query.
    rows = db.session.execute(
        select(GoodsSKU, func.count().over().label("total"))
        .where(GoodsSKU.category_id == category_id, GoodsSKU.on_sale)
        .order_by(*SORTS[sort])
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return [sku_card(r.GoodsSKU) for r in rows], rows[0].total if rows else 0, None


def skus_in_order(sku_ids: Iterable[int]) -> list[Data]:
    """The on-sale SKUs among ``sku_ids``, in the order given; the rest are skipped."""
    ids = list(sku_ids)
    if not ids:
        return []
    found = {s.id: s for s in db.session.scalars(_on_sale().where(GoodsSKU.id.in_(ids)))}
    return [sku_card(found[i]) for i in ids if i in found]
