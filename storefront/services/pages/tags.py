"""The names of what a cached page shows, shared by the pages that show it and the edits that
change it.

A page records a tag for each thing it read (``services.pages``); an edit names the tags of
the rows it touched (``of_edit``); after the commit every page carrying one of those tags is
stale (``services.freshness``). Both sides spell tags with the functions below, so a page
and an edit can never disagree about a name. Each names exactly one thing a page shows, so
an edit re-renders only what it changed:

- ``sku:<id>``: one SKU's card and page (name, price, pictures, stars, on sale or not):
  carried by its own page and by every page that shows its card (list pages, "new
  arrivals", "other specs", the homepage);
- ``sku-page:<id>``: what only the SKU's own page shows of it: the stock band, the gallery;
- ``category-skus:<id>``: which SKUs a category lists (a SKU enters or leaves it): every
  list page of the category, in each sort;
- ``category-prices:<id>``, ``category-sales:<id>``: the order of its lists sorted by price
  (both ways: an offer reprices a range of SKUs at once) and by sales. A SKU's own price
  edit names only the price-sorted pages between its old and new place, by their ``page:``
  tags (``price_moved``; services/pages/moves.py counts the places after the commit);
- ``new-skus:<id>``: a category's "new arrivals" box (a SKU entered the category);
- ``goods-skus:<id>``: which SKUs a product family has ("other specs");
- ``goods:<id>``: a product family's own name and description;
- ``reviews:<sku id>``, ``order:<id>``, ``user:<id>``: the reviews of a SKU and what they
  show of their order and reviewer;
- ``search``: every search results page (which SKUs match what, at what price and stock);
- ``home``: the homepage's carousel and promotions; ``home-row:<category id>``: its row
  of that category's tiles; ``nav``: the category nav that every page shows; ``all``:
  every page (a bulk import, a deploy);
- ``best-sellers``: the pages ordered by sales (refreshed on a schedule: services/orders);
- ``page:<key>``: the page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from storefront import models
from storefront.models import Goods, GoodsCategory, GoodsImage, GoodsSKU

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


def sku_page(sku_id: int) -> str:
    return f"sku-page:{sku_id}"


def category_skus(category_id: int) -> str:
    return f"category-skus:{category_id}"


def category_prices(category_id: int) -> str:
    return f"category-prices:{category_id}"


def category_sales(category_id: int) -> str:
    return f"category-sales:{category_id}"


def new_skus(category_id: int) -> str:
    return f"new-skus:{category_id}"


def home_row(category_id: int) -> str:
    return f"home-row:{category_id}"


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


# What an edit of a row of each model touches, for the values before and after the edit (a
# SKU that moved category leaves one list and enters another). ``v(attr)``: those values;
# ``changed``: the columns the edit changed (``ANY``: a row added or deleted, or changes
# nobody listed).
ANY = frozenset({"*"})
Values = Callable[[str], set[int]]
# A SKU's columns that decide where it is listed: a change of one is a SKU entering or
# leaving its category's lists; one that enters (is on sale after the edit) enters its
# family's "other specs" and perhaps its category's "new arrivals" too. (One that leaves
# them leaves pages that show its card, and carry its tag.)
_PLACE = {"is_on_sale", "category_id", "category", "goods_id", "goods", "created_at"}


def _sku_edit(v: Values, changed: frozenset[str], obj: GoodsSKU) -> set[str]:
    ids = v("id")
    if changed == {"stock"}:  # the band on its own page, nothing else
        return {SEARCH} | {sku_page(i) for i in ids}
    stale = {SEARCH} | {sku(i) for i in ids}
    if "stock" in changed or changed is ANY:
        stale |= {sku_page(i) for i in ids}
    # a price alone moves it within the price sorts: the pages it crossed (``price_moved``),
    # or all of them when the price before is not known (set on a row not loaded); whatever
    # else moves it there (ANY, a place) is its category's lists all the same
    if "price" in changed and changed is not ANY and _old_price(obj) is None:
        stale |= {category_prices(i) for i in v("category_id")}
    if "sales" in changed or changed is ANY:
        stale |= {category_sales(i) for i in v("category_id")}
    if changed is ANY or not _PLACE.isdisjoint(changed):
        stale |= {category_skus(i) for i in v("category_id")}
        if obj.on_sale:  # (collected after the flush: a new row has its default by then)
            stale |= {new_skus(i) for i in v("category_id")} | {goods_skus(i)
                                                                for i in v("goods_id")}
    return stale


_EDITS: dict[type, Callable[[Values, frozenset[str], Any], set[str]]] = {
    GoodsSKU: _sku_edit,
    GoodsCategory: lambda v, *_: {NAV, SEARCH} | {category_skus(i) for i in v("id")},
    Goods: lambda v, *_: {goods(i) for i in v("id")} | {SEARCH},
    GoodsImage: lambda v, *_: {sku_page(i) for i in v("sku_id")},
    models.IndexGoodsBanner: lambda v, *_: {HOME},
    models.IndexPromotionBanner: lambda v, *_: {HOME},
    models.IndexCategoryGoodsBanner: lambda v, *_: {home_row(i) for i in v("category_id")},
    models.OrderGoods: lambda v, *_: {reviews(i) for i in v("sku_id")},
    models.OrderInfo: lambda v, *_: {order(i) for i in v("id")},
    models.User: lambda v, *_: {user(i) for i in v("id")},
}


# Models that change far more often than any page shows them (an order moving on, a user's
# session ending): only a change of these columns, or a delete, touches the pages. A new row
# touches them only with one of these set (an order line placed has no review yet).
_SHOWN_COLUMNS: dict[type, tuple[str, ...]] = {
    models.OrderGoods: ("rating", "comment"),
    models.OrderInfo: (),
    models.User: ("username",),
}


def changes(obj: object) -> frozenset[str]:
    """The columns of ``obj`` its pending change sets (before the flush), or ``ANY``."""
    state = inspect(obj)
    if state.transient or state.pending or state.deleted:
        return ANY
    changed = frozenset(a.key for a in state.attrs if a.history.has_changes())
    return changed or ANY  # nothing to see (a delete to come, a bulk UPDATE): every tag


def of_edit(obj: object, changed: frozenset[str] | None = None) -> set[str]:
    """The tags an add, change or delete of ``obj`` touches (none for a model no page shows);
    ``changed``: its changed columns, when they were read before a flush cleared them."""
    rule = _EDITS.get(type(obj))
    if rule is None:
        return set()
    return rule(lambda attr: _values(obj, attr), changes(obj) if changed is None else changed,
                obj)


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
    if kind != "dirty":
        return of_edit(obj, ANY)
    # the flush's history still says which columns it wrote (updated_at: every flush's own)
    changed = frozenset(a.key for a in inspect(obj).attrs
                        if a.key != "updated_at" and a.history.has_changes())
    return of_edit(obj, changed or ANY)


def price_moved(obj: object, kind: str) -> tuple[int, int, Decimal] | None:
    """(id, category id, price before) of a SKU whose flush changed its price and nothing
    that places it (it stays in the same list, which is as long as before), else None: the
    price-sorted pages between its old and new place are stale, and only those (its card's
    own tag finds the default and sales sorts' page holding it)."""
    if kind != "dirty" or not isinstance(obj, GoodsSKU):
        return None
    attrs = inspect(obj).attrs
    if any(attrs[c].history.has_changes() for c in _PLACE):
        return None
    before = _old_price(obj)
    return None if before is None else (obj.id, obj.category_id, before)


def _old_price(obj: GoodsSKU) -> Decimal | None:
    """The price before its pending or flushed change (None: unchanged, or not known)."""
    history = inspect(obj).attrs["price"].history
    if not history.has_changes() or not history.deleted or history.deleted[0] is None:
        return None
    return Decimal(str(history.deleted[0]))


def _values(obj: object, attr: str) -> set[int]:
    """An attribute's value now and before the pending change (None dropped)."""
    history = inspect(obj).attrs[attr].history
    values: Iterable = {getattr(obj, attr), *history.deleted, *history.unchanged,
                        *history.added}
    return {v for v in values if v is not None}


# the models whose rows a page shows: the sweep looks at their ``updated_at`` for a change
# whose after-commit work was lost (services/pages/sweep.py)
SHOWN_MODELS: tuple[type, ...] = tuple(_EDITS)
