"""Two rules that ran in Python and in Lua, side by side so they change together.

The Lua spellings served the edge's per-view Redis script, which the display cookies
replaced (web/visitor.py; the history now comes from nginx's log, services/pages/
views_log.py, in Python): no production path runs them now, only
tests/services/test_visitor_rules.py, which still holds both spellings to the same cases.
They stay for an edge that goes back to a script, and can go with that test:
- the history: the viewed SKU moves to the front, no duplicates, the newest ``length`` kept;
- the session: a cached user row still stands for a session of ``version`` when the account
  is active and its session version is that one (sign-out everywhere, a new password, and
  the admin's "sign out" raise it).
"""

from __future__ import annotations

import redis

# -- the history --------------------------------------------------------------------------


def push_history(pipe: redis.client.Pipeline, key: str, sku_id: int, length: int) -> None:
    """Queue the history's update on ``pipe`` (a MULTI pipeline: no reader sees half of it)."""
    pipe.lrem(key, 0, sku_id)
    pipe.lpush(key, sku_id)
    pipe.ltrim(key, 0, length - 1)


LUA_PUSH_HISTORY = """
local function push_history(key, sku_id, length)
  redis.call('LREM', key, 0, sku_id)
  redis.call('LPUSH', key, sku_id)
  redis.call('LTRIM', key, 0, length - 1)
end
"""

# -- the session --------------------------------------------------------------------------


def session_valid(is_active: bool, session_version: int, version: int) -> bool:
    return is_active is True and session_version == version


# ``row``: the cached user's JSON (``SessionUser.to_json``) decoded; ``version`` as a string
LUA_SESSION_VALID = """
local function session_valid(row, version)
  return type(row) == 'table' and row.is_active == true
    and tostring(row.session_version) == version
end
"""
