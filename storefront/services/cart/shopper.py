"""A shopper's own data in Redis: the cart hash and the browsing history list.

Key formats are the product's (SPEC.md): ``cart_<user_id>`` (field: SKU id, value: count)
and ``history_<user_id>`` (SKU ids, newest first). A visitor who is not signed in has a cart
too, ``cart_anon_<token>`` (the token is a random id in their cookie, ``visitor_cart``),
living ``ANONYMOUS_CART_DAYS`` after its last change; it merges into the account's cart at
sign-in. This module is the only writer of carts. Redis being down must never break a page:
reads degrade to "empty", writes raise ``StoreUnavailable`` for the view to explain.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import redis
from flask import current_app

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.redis_store import acknowledged
from storefront.services import validate, visitor_rules
from storefront.services.cart import stock

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class StoreUnavailable(Exception):
    """Redis did not answer; the shopper should try again."""


class NotEnoughStock(Exception):
    def __init__(self, in_cart: int) -> None:
        super().__init__(in_cart)
        self.in_cart = in_cart


class CartFull(Exception):
    """A new line would make the cart longer than MAX_LINES."""


MAX_LINES = 100  # lines per cart: bounds what one cart costs Redis and the cart page


class CartMerged(Exception):
    """The anonymous cart was merged into an account's at a sign-in: it is closed for good,
    so a late write with its cookie must not start an orphan under the same token."""


class NotInCart(Exception):
    """The line to change is not in the cart (removed meanwhile, in another tab)."""


@dataclass(frozen=True)
class Cart:
    key: str
    anonymous: bool


def user_cart(user_id: int) -> Cart:
    return Cart(redis_keys.cart(user_id), anonymous=False)


def visitor_cart(token: str) -> Cart:
    """The cart of an anonymous visitor's token (``valid_token`` first)."""
    return Cart(redis_keys.visitor_cart(token), anonymous=True)


def merged_key(token: str) -> str:
    """Set by the merge: the anonymous cart of ``token`` is closed (``CartMerged``)."""
    return redis_keys.merged_cart(token)


def _closed_key(cart: Cart) -> str | None:
    if not cart.anonymous:
        return None
    return merged_key(cart.key.rpartition("cart_anon_")[2])


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits, 32 characters


def valid_token(raw: str | None) -> str | None:
    """A token as ``new_token`` makes them, or None: a cookie is the visitor's input."""
    return raw if raw and _TOKEN.fullmatch(raw) else None


_COUNT = stock.COUNT_BUYABLE + "return count_buyable(KEYS[1], KEYS[2])"


def cart_count(user_id: int) -> int:
    return count(user_cart(user_id))


def count(cart: Cart) -> int:
    """The header's count: items of the lines that can still be bought (0 if Redis is down)."""
    try:
        for _ in range(2):
            n = redis_store.script("cart_count", _COUNT)(keys=[cart.key, redis_keys.buyable()])
            if n >= 0:
                return int(n)
            stock.rebuild()  # the index was dropped by an edit or expired: once, then again
    except redis.RedisError:
        log.warning("redis unavailable: cart count shown as 0", exc_info=True)
    return 0


def lines(cart: Cart) -> dict[int, int]:
    """The cart's lines, SKU id -> count; fields that are not ids or counts are left out."""
    try:
        raw = redis_store.client.hgetall(cart.key)
    except redis.RedisError as exc:
        raise StoreUnavailable from exc
    found = {validate.positive_int(k): validate.count(v) for k, v in raw.items()}
    return {k: v for k, v in found.items() if k is not None and v is not None}


def _keep(pipe: redis.client.Pipeline, cart: Cart, first_visit: bool = False) -> None:
    """An anonymous cart lives ANONYMOUS_CART_DAYS after its last change; one written on a
    single visit only ANONYMOUS_CART_FIRST_HOURS, until it is used again (a client that
    makes carts by the thousand keeps none of them for a month)."""
    if cart.anonymous:
        config = current_app.config
        pipe.expire(cart.key, int(config["ANONYMOUS_CART_FIRST_HOURS"] * 3600) if first_visit
                    else config["ANONYMOUS_CART_DAYS"] * 86400)


def holders_key(sku_id: int | str) -> str:
    """The set of cart keys that were given a line of this SKU: what deleting the SKU reads
    instead of scanning every key (``forget_skus``). A member whose cart expired or dropped
    the line costs ~60 bytes until the SKU goes; the new-cart limit bounds how many."""
    return redis_keys.sku_carts(sku_id)


def add_to_cart(cart: Cart, sku_id: int, count: int, stock: int,
                first_visit: bool = False) -> int:
    """Add ``count`` of a SKU, never past ``stock`` in all, nor past MAX_LINES lines;
    returns the SKU's new count. ``first_visit``: the cart was made by this request.

    WATCH/MULTI makes the check and the increment one step, so concurrent adds from the
    same cart can neither lose an increment nor overshoot the stock.
    """
    field = str(sku_id)
    closed = _closed_key(cart)

    def check_and_add(pipe: redis.client.Pipeline) -> None:
        # the merge closes the cart and empties it in one script: WATCHing both keys, an
        # add that read before it is retried after it, and sees it closed
        if closed and pipe.exists(closed):
            raise CartMerged
        in_cart = int(pipe.hget(cart.key, field) or 0)
        if in_cart + count > stock:
            raise NotEnoughStock(in_cart)
        if not in_cart and pipe.hlen(cart.key) >= MAX_LINES:
            raise CartFull
        pipe.multi()
        pipe.hincrby(cart.key, field, count)
        if not in_cart:
            pipe.sadd(holders_key(sku_id), cart.key)
        _keep(pipe, cart, first_visit)

    try:
        watched = [cart.key, closed] if closed else [cart.key]
        new_count = redis_store.client.transaction(check_and_add, *watched)[0]
        acknowledge()
    except redis.RedisError as exc:
        raise StoreUnavailable from exc
    return int(new_count)


def acknowledge() -> None:
    """Every cart write answers success only once a replica holds it: a failover would
    otherwise lose it (README, "Scaling out")."""
    if not acknowledged(redis_store.client):
        raise StoreUnavailable("no replica acknowledged the cart write")


def set_count(cart: Cart, sku_id: int, count: int) -> None:
    """A line's new count (checked against the stock by the caller); ``NotInCart`` when the
    line is gone, so a late update never brings back a line that was just removed."""
    field = str(sku_id)

    def check_and_set(pipe: redis.client.Pipeline) -> None:
        if not pipe.hexists(cart.key, field):
            raise NotInCart
        pipe.multi()
        pipe.hset(cart.key, field, count)
        _keep(pipe, cart)

    try:
        redis_store.client.transaction(check_and_set, cart.key)
        acknowledge()
    except redis.RedisError as exc:
        raise StoreUnavailable from exc


def remove(cart: Cart, sku_id: int) -> tuple[bool, int]:
    """Remove a line: (whether it was there, how many lines are left)."""
    try:
        with redis_store.client.pipeline(transaction=True) as pipe:
            pipe.hdel(cart.key, str(sku_id))
            pipe.hlen(cart.key)
            _keep(pipe, cart)
            removed, left = pipe.execute()[:2]
        acknowledge()
    except redis.RedisError as exc:
        raise StoreUnavailable from exc
    return bool(removed), int(left)


# KEYS: the cart; ARGV: SKU id, count, ... bought. Each line goes down by what was bought
# and goes when nothing is left: a line raised in another tab meanwhile keeps the rest.
_TAKE_BOUGHT = """
for i = 1, #ARGV, 2 do
  local left = redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
  if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return redis.call('HLEN', KEYS[1])
"""


def take_bought(cart: Cart, bought: Mapping[int, int]) -> None:
    """After an order's commit: its lines leave the cart (services/orders/placing.py)."""
    args: list[Any] = []
    for sku_id, n in bought.items():
        args += [str(sku_id), int(n)]
    try:
        redis_store.script("cart_take_bought", _TAKE_BOUGHT)(keys=[cart.key], args=args)
        acknowledge()
    except redis.RedisError as exc:
        raise StoreUnavailable from exc


def record_view(user_id: int, sku_id: int) -> None:
    """Move the SKU to the front of the history, without duplicates, keeping the newest few.

    One MULTI pipeline: one round trip, and no reader sees the list half-updated.
    """
    key = redis_keys.history(user_id)
    try:
        with redis_store.client.pipeline(transaction=True) as pipe:
            visitor_rules.push_history(pipe, key, sku_id, current_app.config["HISTORY_LENGTH"])
            pipe.execute()
    except redis.RedisError:
        log.warning("redis unavailable: history not recorded", exc_info=True)


def history_ids(user_id: int) -> list[int]:
    try:
        raw = redis_store.client.lrange(redis_keys.history(user_id), 0, -1)
    except redis.RedisError:
        log.warning("redis unavailable: history shown empty", exc_info=True)
        return []
    return [i for i in map(validate.positive_int, raw) if i is not None]


def forget_skus(sku_ids: Collection[int]) -> None:
    """Deleted SKUs leave every cart and history, after their commit (``forget``)."""
    from storefront.services.cart import forget  # it reads this module's key names

    forget.forget_skus(sku_ids)
