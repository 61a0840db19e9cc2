"""What the edge needs of one signed-in visitor, in one Redis round trip: the cached user
row (``accounts``), the cart count (``shopper``), and, when the page is a product page, the
view recorded in the browsing history, but only for a session that is still valid.

nginx asks for this on every signed-in page view (``/_fragments/visitor``), so it is the
one request Python serves per page: one Lua script, no SQL while the user row is cached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from flask import current_app

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.services import visitor_rules
from storefront.services.accounts import users as accounts
from storefront.services.cart import shopper, stock

log = logging.getLogger(__name__)

# KEYS: user row, cart, history, buyable index; ARGV: session version, viewed SKU id or "",
# history length. The history changes only when the cached row says the session is still
# valid; on a miss (no row cached) the caller decides after reading the database. The cart
# count is -1 when the buyable index needs building (``stock``).
# The history and session rules are visitor_rules' Lua spellings.
_VISIT = (stock.COUNT_BUYABLE + visitor_rules.LUA_PUSH_HISTORY
          + visitor_rules.LUA_SESSION_VALID + """
local user = redis.call('GET', KEYS[1])
local count = count_buyable(KEYS[2], KEYS[4])
local recorded = 0
if user and ARGV[2] ~= '' then
  local ok, row = pcall(cjson.decode, user)
  if ok and session_valid(row, ARGV[1]) then
    push_history(KEYS[3], ARGV[2], tonumber(ARGV[3]))
    recorded = 1
  end
end
return {user or '', count, recorded}
""")


@dataclass(frozen=True)
class Visit:
    user: accounts.SessionUser | None  # None: the session is over (revoked, inactive, gone)
    cart_count: int


def visit(session_id: str, viewed_sku: int | None) -> Visit:
    """The visitor of a Flask-Login session id ("<id>:<version>") and their cart count;
    ``viewed_sku`` goes into their history if the session is valid."""
    parsed = accounts.parse_session_id(session_id)
    if parsed is None:
        return Visit(None, 0)
    uid, version = parsed
    try:
        raw, count, recorded = redis_store.script("visit", _VISIT)(
            keys=[redis_keys.cached_user(uid), redis_keys.cart(uid),
                  redis_keys.history(uid), redis_keys.buyable()],
            args=[version, viewed_sku or "", current_app.config["HISTORY_LENGTH"]])
    except redis.RedisError:
        log.warning("redis unavailable: visitor read from the database", exc_info=True)
        return Visit(accounts.load_session_user(session_id), 0)
    user = accounts.user_from_cache(raw)
    if user is None:  # not cached: the database says, and the row is cached for next time
        user = accounts.load_session_user(session_id)
        if user is not None and viewed_sku:
            shopper.record_view(uid, viewed_sku)
    else:
        user = accounts.still_valid(user, version)
        if user is not None and viewed_sku and not recorded:  # pragma: no cover
            log.error("visitor: history not recorded for a valid session")
    if user is None:
        return Visit(None, 0)
    return Visit(user, count if count >= 0 else shopper.cart_count(uid))
