"""Sign-in merges a visitor's anonymous cart into the account's: one Lua script, so a second
sign-in or an add racing it sees the carts before or after, never half, and a cart merges
once (the anonymous cart is then closed: ``shopper.CartMerged``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis
from flask import current_app

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.services.cart import shopper

# KEYS: the anonymous cart, the account's cart, the anonymous cart's "merged" mark, then
# each SKU's set of carts (``holders_key``) in the order of the pairs in ARGV; ARGV:
# the mark's lifetime, then SKU id, stock, SKU id, stock, ... for the SKUs that can be
# bought. Counts add, capped at the stock (a line already above it is left as it is, not
# cut); lines of SKUs with no stock given are dropped; the anonymous cart goes and is marked
# closed for as long as its cookie could live. One script: a second sign-in, or an add,
# racing it sees before or after, never half, and a cart merges once.
_MERGE = """
local stock = {}
local holders = {}
for i = 2, #ARGV, 2 do
  stock[ARGV[i]] = tonumber(ARGV[i + 1])
  holders[ARGV[i]] = KEYS[3 + i / 2]
end
local flat = redis.call('HGETALL', KEYS[1])
local merged = 0
for i = 1, #flat, 2 do
  local cap, add = stock[flat[i]], tonumber(flat[i + 1])
  if cap and add and add >= 1 then
    local have = tonumber(redis.call('HGET', KEYS[2], flat[i]) or '0') or 0
    local new = math.min(have + add, cap)
    if new > have then
      redis.call('HSET', KEYS[2], flat[i], new)
      redis.call('SADD', holders[flat[i]], KEYS[2])
      merged = merged + new - have
    end
  end
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
return merged
"""


def merge(token: str, user_id: int, stock_of: Mapping[int, int]) -> int:
    """Move an anonymous cart into the account's, atomically; returns the items added.
    ``stock_of``: the stock of each SKU of the anonymous cart that can be bought."""
    args: list[Any] = [current_app.config["ANONYMOUS_CART_DAYS"] * 86400]
    holders = []
    for sku_id, left in stock_of.items():
        args += [str(sku_id), max(int(left), 0)]
        holders.append(shopper.holders_key(sku_id))
    try:
        merged = redis_store.script("cart_merge", _MERGE)(
            keys=[shopper.visitor_cart(token).key, redis_keys.cart(user_id),
                  shopper.merged_key(token), *holders],
            args=args)
        shopper.acknowledge()
    except redis.RedisError as exc:
        raise shopper.StoreUnavailable from exc
    return int(merged)
