"""What can still be bought, in Redis, so a header can count a cart without SQL.

SPEC: "the cart count in every header is the sum of the values of lines that can still be
bought". The header is filled in by one Redis call per page (``services/pages/visitors.py``), so the
rule needs its data in Redis: one hash ``buyable`` of every on-sale SKU id -> its stock, plus
a ``_built`` field that says the hash is whole. A line counts when its SKU is in the hash and
its count is not above that stock (``COUNT_BUYABLE``, the one spelling of the rule in Lua;
``services/cart/lines.py`` spells it for the cart page from the rows themselves).

Kept fresh the way pages are: any catalogue commit (``freshness``) drops the hash and bumps a
version at once (``forget``), and the worker builds it again with one query
(``tasks.rebuild_stock``, queued only when no build waits to start: ``renders.STOCK``); a
build is thrown away if another commit came in between (WATCH on the version), and
that commit has queued the next. The worker's sweep (beat, every minute)
builds it too when it is missing or about to expire, so pages never pay for it in the steady
state; a reader that finds it
missing (Redis restarted empty) builds it once. The TTL bounds whatever a lost drop (Redis
down at the commit, an edit outside the app) could leave behind.
"""

from __future__ import annotations

import logging

import redis
from sqlalchemy import select

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU

log = logging.getLogger(__name__)

BUILT = "_built"
INDEX_SECONDS = 300  # as long as a page file may be stale (README)

# Lua: the number of items in the cart hash KEYS[cart] whose SKU is in the index KEYS[index]
# with at least that much stock. Pasted into each script that counts a cart; returns -1
# when the index is not built, so the caller rebuilds it and asks again.
COUNT_BUYABLE = """
local function count_buyable(cart, index)
  if redis.call('HEXISTS', index, '_built') == 0 then return -1 end
  local flat = redis.call('HGETALL', cart)
  if #flat == 0 then return 0 end
  local ids = {}
  for i = 1, #flat, 2 do ids[#ids + 1] = flat[i] end
  local stock = redis.call('HMGET', index, unpack(ids))
  local n = 0
  for i = 1, #ids do
    local c, s = tonumber(flat[2 * i]), tonumber(stock[i])
    if c and s and c >= 1 and c <= s and c == math.floor(c) then n = n + c end
  end
  return n
end
"""


def refresh() -> None:
    """Drop and build now, in this process (freshness leaves the build to the worker)."""
    forget()
    rebuild()


def forget() -> None:
    """The index may be wrong: whoever reads it next builds it again."""
    try:
        with redis_store.client.pipeline(transaction=True) as pipe:
            pipe.incr(redis_keys.buyable_version())
            pipe.delete(redis_keys.buyable())
            pipe.execute()
    except redis.RedisError:
        log.error("redis unavailable: buyable index left (expires in %ss)", INDEX_SECONDS,
                  exc_info=True)


# KEYS: the index, its version; ARGV: SKU id, stock, ... Lowers each field to the stock an
# order left (never raises one: a later order's lower value wins whatever the order the
# scripts run in), and bumps the version so a rebuild that read the rows before the order
# reads them again.
_LOWER = """
redis.call('INCR', KEYS[2])
if redis.call('HEXISTS', KEYS[1], '_built') == 0 then return 0 end
for i = 1, #ARGV, 2 do
  local now = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '')
  local left = tonumber(ARGV[i + 1])
  if now and left < now then redis.call('HSET', KEYS[1], ARGV[i], left) end
end
return 1
"""


def lower(left: dict[int, int]) -> None:
    """After an order's commit: what it left of each SKU, without a full rebuild."""
    args: list[object] = []
    for sku_id, n in left.items():
        args += [str(sku_id), max(int(n), 0)]
    try:
        redis_store.script("buyable_lower", _LOWER)(
            keys=[redis_keys.buyable(), redis_keys.buyable_version()], args=args)
    except redis.RedisError:
        log.warning("redis unavailable: buyable index not lowered", exc_info=True)
        forget()


def rebuild_expiring(within: float) -> None:
    """The sweep's build: only when the index is missing or expires within ``within``
    seconds (a read of 30,000 SKUs and a write of as many fields each minute was most of
    the sweep's cost at that size; commits drop it and the worker builds it at once)."""
    try:
        left = redis_store.client.ttl(redis_keys.buyable())
    except redis.RedisError:
        left = -2
    if left < within:  # -2: missing, -1: no expiry (never set so)
        rebuild()


def rebuild() -> None:
    """One query for every on-sale SKU's stock, written unless a commit came meanwhile."""
    key = redis_keys.buyable()

    def build(pipe: redis.client.Pipeline) -> None:
        # a connection of its own: after a commit the session may emit no more SQL, and a
        # new transaction sees every commit so far
        with db.engine.connect() as conn:
            rows = conn.execute(select(GoodsSKU.id, GoodsSKU.stock)
                                .where(GoodsSKU.on_sale)).all()
        mapping = {str(i): max(int(s or 0), 0) for i, s in rows}
        mapping[BUILT] = 1
        pipe.multi()
        pipe.delete(key)
        pipe.hset(key, mapping=mapping)
        pipe.expire(key, INDEX_SECONDS)

    try:
        redis_store.client.transaction(build, redis_keys.buyable_version())
    except redis.RedisError:
        log.warning("redis unavailable: buyable index not built", exc_info=True)
