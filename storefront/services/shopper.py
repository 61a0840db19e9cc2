"""A shopper's own data in Redis: the cart hash and the browsing history list.

Key formats are the product's (SPEC.md): ``cart_<user_id>`` (field: SKU id, value: count)
and ``history_<user_id>`` (SKU ids, newest first). Redis being down must never break a page:
reads degrade to "empty", writes raise ``StoreUnavailable`` for the view to explain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

import redis
from flask import current_app

from storefront.extensions import redis_store
from storefront.redis_store import acknowledged
from storefront.services import validate

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """Redis did not answer; the shopper should try again."""


class NotEnoughStock(Exception):
    def __init__(self, in_cart: int) -> None:
        super().__init__(in_cart)
        self.in_cart = in_cart


def cart_key(user_id: int) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}cart_{user_id}"


def history_key(user_id: int) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}history_{user_id}"


def cart_count(user_id: int) -> int:
    """The number of items in the cart: the sum of the hash's counts (0 if Redis is down)."""
    try:
        counts = redis_store.client.hvals(cart_key(user_id))
    except redis.RedisError:
        log.warning("redis unavailable: cart count shown as 0", exc_info=True)
        return 0
    return total(counts)


def total(counts: list[str]) -> int:
    """The items in a cart, from its hash's values (what ``cart_count`` sums)."""
    return sum(int(c) for c in counts if str(c).isascii() and str(c).isdigit())


def add_to_cart(user_id: int, sku_id: int, count: int, stock: int) -> int:
    """Add ``count`` of a SKU, never past ``stock`` in all; returns the SKU's new count.

    WATCH/MULTI makes the check and the increment one step, so concurrent adds from the
    same user can neither lose an increment nor overshoot the stock.
    """
    key, field = cart_key(user_id), str(sku_id)

    def check_and_add(pipe: redis.client.Pipeline) -> None:
        in_cart = int(pipe.hget(key, field) or 0)
        if in_cart + count > stock:
            raise NotEnoughStock(in_cart)
        pipe.multi()
        pipe.hincrby(key, field, count)

    try:
        (new_count,) = redis_store.client.transaction(check_and_add, key)
        if not acknowledged(redis_store.client):  # a failover could lose it: say so
            raise StoreUnavailable("no replica acknowledged the cart write")
    except redis.RedisError as exc:
        raise StoreUnavailable from exc
    return int(new_count)


def record_view(user_id: int, sku_id: int) -> None:
    """Move the SKU to the front of the history, without duplicates, keeping the newest few.

    One MULTI pipeline: one round trip, and no reader sees the list half-updated.
    """
    key = history_key(user_id)
    try:
        with redis_store.client.pipeline(transaction=True) as pipe:
            pipe.lrem(key, 0, sku_id)
            pipe.lpush(key, sku_id)
            pipe.ltrim(key, 0, current_app.config["HISTORY_LENGTH"] - 1)
            pipe.execute()
    except redis.RedisError:
        log.warning("redis unavailable: history not recorded", exc_info=True)


def history_ids(user_id: int) -> list[int]:
    try:
        raw = redis_store.client.lrange(history_key(user_id), 0, -1)
    except redis.RedisError:
        log.warning("redis unavailable: history shown empty", exc_info=True)
        return []
    return [i for i in map(validate.positive_int, raw) if i is not None]


SCAN_BATCH = 500  # keys per SCAN step and per pipeline of removals


def forget_skus(sku_ids: Collection[int]) -> None:
    """Remove SKUs that were deleted from every cart and history, after their commit.

    One SCAN over the carts and one over the histories, removals pipelined per batch. Why a
    scan and not an index of "carts holding SKU n": deleting a SKU is a rare staff action,
    while adding and viewing happen on every shopper request; an index would add a write to
    both, grow with every shopper who ever looked at a SKU, and miss any cart written before
    it existed. The scan costs one pass over the keyspace per deleting commit and finds every
    cart and history however it was written. It runs after the commit (never before: a
    rollback would have emptied carts of SKUs that still exist) and before the staff
    member's response, so no page after it counts or shows the deleted SKUs.
    """
    if not sku_ids:
        return
    fields = [str(i) for i in sku_ids]
    prefix = _glob_escape(current_app.config["REDIS_KEY_PREFIX"])
    client = redis_store.client
    try:
        _remove_everywhere(client, f"{prefix}cart_*", lambda p, k: p.hdel(k, *fields))
        _remove_everywhere(client, f"{prefix}history_*",
                           lambda p, k: [p.lrem(k, 0, f) for f in fields])
    except redis.RedisError:
        # Redis is down: the lines stay (the header counts them) until the next deleting
        # commit scans again; the profile never lists a SKU that is not in the database.
        log.error("redis unavailable: deleted SKUs %s left in carts/histories", fields,
                  exc_info=True)


Remover = Callable[[redis.client.Pipeline, str], Any]


def _remove_everywhere(client: redis.Redis, pattern: str, remove: Remover) -> None:
    keys: list[str] = []
    for key in client.scan_iter(match=pattern, count=SCAN_BATCH):
        keys.append(key)
        if len(keys) >= SCAN_BATCH:
            _remove(client, keys, remove)
            keys = []
    _remove(client, keys, remove)


def _remove(client: redis.Redis, keys: list[str], remove: Remover) -> None:
    if not keys:
        return
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            remove(pipe, key)
        # a key of another type under the pattern answers WRONGTYPE: not ours, leave it
        pipe.execute(raise_on_error=False)


def _glob_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in text)
