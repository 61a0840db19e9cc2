"""The history and session rules run in Python and, at the edge, in Lua
(services/visitor_rules.py): both spellings get the same cases and must give the same
answers. The Lua runs on the real Redis, as in production."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
import redis

from storefront.services import visitor_rules
from storefront.services.accounts.users import TOMBSTONE, SessionUser, still_valid, user_from_cache
from tests.conftest import REDIS_URL, require_service


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    try:
        client = redis.Redis.from_url(REDIS_URL, decode_responses=True, socket_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        require_service("Redis", exc)
    yield client
    client.close()


@pytest.fixture
def key_prefix(client: redis.Redis) -> Iterator[str]:
    prefix = f"sf_test:rules:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


HISTORIES = [[], [7], [1, 2, 3], [3, 2, 1, 4, 5], [9, 8, 7, 6, 5, 4], [7, 7, 2]]


@pytest.mark.parametrize(("before", "sku", "length"),
                         list(itertools.product(HISTORIES, [7, 5, 10], [1, 3, 5])))
def test_history_rule_is_one_rule_in_both_languages(client, key_prefix, before, sku, length):
    for key in (key_prefix + "py", key_prefix + "lua"):
        if before:
            client.rpush(key, *before)
    with client.pipeline(transaction=True) as pipe:
        visitor_rules.push_history(pipe, key_prefix + "py", sku, length)
        pipe.execute()
    client.eval(visitor_rules.LUA_PUSH_HISTORY + "push_history(KEYS[1], ARGV[1], "
                "tonumber(ARGV[2]))", 1, key_prefix + "lua", sku, length)
    python, lua = client.lrange(key_prefix + "py", 0, -1), client.lrange(key_prefix + "lua", 0, -1)
    assert python == lua
    assert python[0] == str(sku) and python.count(str(sku)) == 1 and len(python) <= length


def row(is_active: bool = True, session_version: int = 3) -> str:
    return SessionUser(1, "alice", False, is_active, session_version).to_json()


SESSION_CASES = [
    (row(), 3, True),
    (row(), 2, False),  # an older session: signed out everywhere since
    (row(), 4, False),
    (row(session_version=0), 0, True),
    (row(is_active=False), 3, False),  # the account was switched off
    (TOMBSTONE, 3, False),
    ("not json", 3, False),
    ("[1, 2]", 3, False),
]


@pytest.mark.parametrize(("raw", "version", "valid"), SESSION_CASES)
def test_session_rule_is_one_rule_in_both_languages(client, key_prefix, raw, version, valid):
    key = key_prefix + "user"
    client.set(key, raw)
    lua = client.eval(visitor_rules.LUA_SESSION_VALID + """
local ok, row = pcall(cjson.decode, redis.call('GET', KEYS[1]))
return (ok and session_valid(row, ARGV[1])) and 1 or 0""", 1, key, version)
    python = still_valid(user_from_cache(raw), version) is not None
    assert (bool(lua), python) == (valid, valid)
