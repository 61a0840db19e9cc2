"""Deleted SKUs leave every cart and browsing history (staff deleting a SKU, README
"Staff: deleting a SKU"), without a scan of the keyspace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import redis
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import User
from storefront.services.cart import shopper

log = logging.getLogger(__name__)

BATCH = 500  # keys per pipeline of removals


def forget_skus(sku_ids: Collection[int], user_ids: Iterable[int] | None = None) -> None:
    """Remove SKUs that were deleted from every cart and history, after their commit.

    Carts are found through each SKU's set of carts (``holders_key``: written with the
    line, so no scan of the keyspace), histories by the ids of the accounts (``user_ids``,
    by default every account's, read on a connection of its own: the committed session may
    run no SQL in its after-commit listener): per deleting commit, Redis work in proportion
    to the carts that held the SKU and to the accounts, never to every key. It runs after
    the commit (never before: a rollback would have emptied carts of SKUs that still exist)
    and before the staff member's response, so no page after it counts or shows the deleted SKUs.
    """
    if not sku_ids:
        return
    fields = [str(i) for i in sku_ids]
    client = redis_store.client
    try:
        holders = [shopper.holders_key(f) for f in fields]
        with client.pipeline(transaction=False) as pipe:
            for key in holders:
                pipe.smembers(key)
            carts = set().union(*pipe.execute())
        _remove(client, carts, lambda p, k: p.hdel(k, *fields))
        accounts = _account_ids() if user_ids is None else user_ids
        histories = (redis_keys.history(u) for u in accounts)
        _remove(client, histories, lambda p, k: [p.lrem(k, 0, f) for f in fields])
        client.delete(*holders)
    except (redis.RedisError, SQLAlchemyError):
        # Redis (or the database, for the account ids) is down: the lines stay (the header
        # counts them) until the next deleting commit; the profile never lists a SKU that is
        # not in the database.
        log.error("redis or database unavailable: deleted SKUs %s left in carts/histories", fields,
                  exc_info=True)


Remover = Callable[[redis.client.Pipeline, str], Any]


def _account_ids() -> Iterator[int]:
    with db.engine.connect() as conn:
        yield from conn.execution_options(yield_per=BATCH).scalars(select(User.id))


def _remove(client: redis.Redis, keys: Iterable[str], remove: Remover) -> None:
    batch: list[str] = []
    for key in keys:
        batch.append(key)
        if len(batch) >= BATCH:
            _remove_batch(client, batch, remove)
            batch = []
    _remove_batch(client, batch, remove)


def _remove_batch(client: redis.Redis, keys: list[str], remove: Remover) -> None:
    if not keys:
        return
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            remove(pipe, key)
        # a key of another type under the name answers WRONGTYPE: not ours, leave it
        pipe.execute(raise_on_error=False)
