"""The names of what a cached page shows, shared by the pages that show it and the edits that
change it.

A page records a tag for each thing it read (``services.pages``); an edit names the tags of
the rows it touched (``of_edit``); after the commit every page carrying one of those tags is
stale (``services.freshness``). Both sides spell tags with the functions below, so a page
and an edit can never disagree about a name. The vocabulary follows what the pages read:

- ``sku:<id>``: one SKU's own fields (name, price, stock, pictures, on sale or not);
- ``category-skus:<id>``: which SKUs a category lists, and in what order (list pages, "new
  arrivals"): any SKU that enters, leaves or changes inside the category touches it;
- ``goods-skus:<id>``: the SKUs of one product family ("other specs");
- ``goods:<id>``: a product family's own name and description;
- ``reviews:<sku id>``, ``order:<id>``, ``user:<id>``: the reviews of a SKU and what they
  show of their order and reviewer;
- ``search``: every search results page (which SKUs match what, at what price and stock);
- ``home``: the homepage's carousel, promotions and tiles; ``nav``: the category nav that
  every page shows; ``all``: every page (a bulk import, a deploy);
- ``best-sellers``: the pages ordered by sales (refreshed on a schedule: services/orders);
- ``page:<key>``: the page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import inspect

from storefront.models import (
    Goods,
    GoodsCategory,
    GoodsImage,
    GoodsSKU,
    IndexCategoryGoodsBanner,
    IndexGoodsBanner,
    IndexPromotionBanner,
    OrderGoods,
    OrderInfo,
    User,
)

ALL = "all"
NAV = "nav"
HOME = "home"
SEARCH = "search"
BEST_SELLERS = "best-sellers"


def page(key: str) -> str:
    """A page's own tag: a CDN in front purges exactly the pages an edit made stale by these
    (every response names it, the files served by nginx too)."""
    return f"page:{key}"


def sku(sku_id: int) -> str:
    return f"sku:{sku_id}"


def category_skus(category_id: int) -> str:
    return f"category-skus:{category_id}"


def goods_skus(goods_id: int) -> str:
    return f"goods-skus:{goods_id}"


def goods(goods_id: int) -> str:
    return f"goods:{goods_id}"


def reviews(sku_id: int) -> str:
    return f"reviews:{sku_id}"


def order(order_id: int) -> str:
    return f"order:{order_id}"


def user(user_id: int) -> str:
    return f"user:{user_id}"


# What an edit of a row of each model touches: its own tag and the lists it belongs to,
# for the values before and after the edit (a SKU that moved category leaves one list
# and enters another).
_EDITS: dict[type, Callable[[Callable[[str], set[int]]], set[str]]] = {
    GoodsSKU: lambda v: ({sku(i) for i in v("id")} | {category_skus(i) for i in v("category_id")}
                         | {goods_skus(i) for i in v("goods_id")} | {SEARCH}),
    GoodsCategory: lambda v: {NAV, SEARCH} | {category_skus(i) for i in v("id")},
    Goods: lambda v: {goods(i) for i in v("id")} | {SEARCH},
    GoodsImage: lambda v: {sku(i) for i in v("sku_id")},
    IndexGoodsBanner: lambda v: {HOME},
    IndexPromotionBanner: lambda v: {HOME},
    IndexCategoryGoodsBanner: lambda v: {HOME},
    OrderGoods: lambda v: {reviews(i) for i in v("sku_id")},
    OrderInfo: lambda v: {order(i) for i in v("id")},
    User: lambda v: {user(i) for i in v("id")},
}


# Models that change far more often than any page shows them (an order moving on, a user's
# session ending): only a change of these columns, or a delete, touches the pages. A new row
# touches them only with one of these set (an order line placed has no review yet).
_SHOWN_COLUMNS: dict[type, tuple[str, ...]] = {
    OrderGoods: ("rating", "comment"),
    OrderInfo: (),
    User: ("username",),
}


def of_edit(obj: object) -> set[str]:
    """The tags an add, change or delete of ``obj`` touches (none for a model no page shows)."""
    rule = _EDITS.get(type(obj))
    return rule(lambda attr: _values(obj, attr)) if rule else set()


def of_flushed(obj: object, kind: str) -> set[str]:
    """``of_edit`` for a row a flush wrote (``kind``: "new", "dirty" or "deleted"), unless
    nothing a page shows of it changed."""
    columns = _SHOWN_COLUMNS.get(type(obj))
    if columns is not None and kind != "deleted":
        if kind == "new":
            shown = any(getattr(obj, c) for c in columns)  # set: not None, not ""
        else:
            shown = any(inspect(obj).attrs[c].history.has_changes() for c in columns)
        if not shown:
            return set()
    return of_edit(obj)


def _values(obj: object, attr: str) -> set[int]:
    """An attribute's value now and before the pending change (None dropped)."""
    history = inspect(obj).attrs[attr].history
    values: Iterable = {getattr(obj, attr), *history.deleted, *history.unchanged,
                        *history.added}
    return {v for v in values if v is not None}


# the models whose rows a page shows: the sweep looks at their ``updated_at`` for a change
# whose after-commit work was lost (services/pages/sweep.py)
SHOWN_MODELS: tuple[type, ...] = tuple(_EDITS)
