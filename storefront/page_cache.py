"""The page cache: its keys, how entries are built, and what each kind of edit makes stale.

Entries hold plain data from ``services.catalog`` (never ORM objects, never anything of one
visitor's). A miss is rebuilt by one process at a time; the others wait briefly for it.
A cache that does not answer (Redis down) costs speed, never the page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from redis.lock import Lock
from sqlalchemy import Select, inspect, or_, select
from sqlalchemy.orm import Session

from storefront.extensions import cache, redis_store
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
from storefront.services import catalog

log = logging.getLogger(__name__)

INDEX_KEY = "index_page_data"
CATEGORIES_KEY = "goods_categories"
PAGE_TIMEOUT = 3600  # every entry: data and shells alike
LOCK_SECONDS = 10  # longest a rebuild may hold its lock before another may try
WAIT_SECONDS = 1.0  # how long the others wait for that rebuild before building themselves

_MISSING = object()


def detail_key(sku_id: int) -> str:
    return f"goods_detail_{sku_id}"


def shell_key(key: str) -> str:
    """Where the rendered shell of the page built from ``key``'s data is kept (shells.py)."""
    return f"shell:{key}"


def get_shell(key: str) -> dict[str, Any] | None:
    value = _get(shell_key(key))
    return None if value is _MISSING else value


def set_shell(key: str, shell: dict[str, Any]) -> None:
    _set(shell_key(key), shell, PAGE_TIMEOUT)


# --- reading ----------------------------------------------------------------------------


def index_context() -> dict[str, Any]:
    return _get_or_build(INDEX_KEY, catalog.build_index_context, PAGE_TIMEOUT)


def refresh_index() -> dict[str, Any]:
    """Build the homepage data from the database now and store it, whatever is cached."""
    data = catalog.build_index_context()
    _set(INDEX_KEY, data, PAGE_TIMEOUT)
    return data


def categories() -> list[dict[str, Any]]:
    return _get_or_build(CATEGORIES_KEY, catalog.list_categories, PAGE_TIMEOUT)


def sku_detail(sku_id: int) -> dict[str, Any] | None:
    """The detail page's data with the category nav, or None for a missing/off-sale SKU."""
    data = _get_or_build(detail_key(sku_id), lambda: catalog.get_sku_detail(sku_id),
                         PAGE_TIMEOUT)
    if data is None:
        return None
    nav = categories()
    category = next((c for c in nav if c["id"] == data["category_id"]), None)
    return {**data, "categories": nav, "category": category}


def _get_or_build(key: str, build: Callable[[], Any], timeout: int) -> Any:
    """The cached value, else build it: one builder at a time per key, the rest wait.

    Nothing is cached for a None (a missing SKU): ids are endless, the cache is not.
    """
    value = _get(key)
    if value is not _MISSING:
        return value
    lock = redis_store.client.lock(f"{cache_prefix()}lock:{key}", timeout=LOCK_SECONDS,
                                   blocking=False)
    try:
        owner = lock.acquire()
    except Exception:  # Redis down: no lock to take, build for this request alone
        owner = False
    if not owner:
        value = _wait_for(key, lock)
        if value is not _MISSING:
            return value
    try:
        value = build()
        if value is not None:
            _set(key, value, timeout)
        return value
    finally:
        if owner:
            try:
                lock.release()
            except Exception:
                log.warning("page cache: could not release %s", key, exc_info=True)


def _wait_for(key: str, lock: Lock) -> Any:
    """The value the lock's owner stores; _MISSING once it let go without storing one (a
    missing SKU) or the wait ran out."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        value = _get(key)
        if value is not _MISSING:
            return value
        try:
            if not lock.locked():
                return _MISSING
        except Exception:
            return _MISSING
    return _MISSING


def _get(key: str) -> Any:
    try:
        value = cache.get(key)
    except Exception:
        log.warning("page cache unavailable: reading %s from the database", key, exc_info=True)
        return _MISSING
    return _MISSING if value is None else value


def _set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("page cache unavailable: %s not stored", key, exc_info=True)


def cache_prefix() -> str:
    return current_app.config["CACHE_KEY_PREFIX"]


def delete(keys: Iterable[str]) -> None:
    """Drop these entries and the shells rendered from them."""
    keys = [k for key in keys for k in (key, shell_key(key))]
    if keys:
        cache.delete_many(*keys)


# --- what an edit makes stale -----------------------------------------------------------

INDEX_MODELS = (IndexGoodsBanner, IndexPromotionBanner, IndexCategoryGoodsBanner)


@dataclass
class Stale:
    """What one or more edits make stale: cache keys, the static homepage, or everything."""

    keys: set[str] = field(default_factory=set)
    render_index: bool = False
    everything: bool = False

    def __ior__(self, other: Stale) -> Stale:
        self.keys |= other.keys
        self.render_index |= other.render_index
        self.everything |= other.everything
        return self


def stale_after_edit(session: Session, obj: object) -> Stale:
    """What an edit of ``obj`` (added, changed or deleted) makes stale."""
    if isinstance(obj, GoodsCategory):  # the nav is on every page
        return Stale(render_index=True, everything=True)
    if isinstance(obj, INDEX_MODELS):
        return Stale({INDEX_KEY}, render_index=True)
    if isinstance(obj, GoodsSKU):
        # itself, its family's "other specs" and its category's "new arrivals", before
        # and after the edit (it may have moved)
        peers = or_(GoodsSKU.category_id.in_(_values(obj, "category_id")),
                    GoodsSKU.goods_id.in_(_values(obj, "goods_id")))
        keys = _details(session, select(GoodsSKU.id).where(peers), {obj.id})
        return Stale(keys | {INDEX_KEY}, render_index=True)
    if isinstance(obj, Goods):
        return Stale(_details(session, select(GoodsSKU.id).where(GoodsSKU.goods_id == obj.id)))
    if isinstance(obj, GoodsImage | OrderGoods):
        return Stale({detail_key(i) for i in _values(obj, "sku_id")})
    if isinstance(obj, OrderInfo):  # its lines' reviews
        return Stale(_details(session, select(OrderGoods.sku_id)
                              .where(OrderGoods.order_id == obj.id)))
    if isinstance(obj, User):  # the reviewer's name on their reviews
        reviewed = (select(OrderGoods.sku_id).join(OrderGoods.order)
                    .where(OrderInfo.user_id == obj.id))
        return Stale(_details(session, reviewed))
    return Stale()


def _values(obj: object, attr: str) -> set[int]:
    """An attribute's value now and before the pending change (None dropped)."""
    history = inspect(obj).attrs[attr].history
    values = {getattr(obj, attr), *history.deleted, *history.unchanged, *history.added}
    return {v for v in values if v is not None}


def _details(session: Session, ids_query: Select, extra: Iterable[int] = ()) -> set[str]:
    return {detail_key(i) for i in {*extra, *session.scalars(ids_query)} if i is not None}


def clear() -> None:
    """Every page-cache entry of this shop (its key prefix) goes."""
    cache.clear()
