"""The worker's render queue: stale pages gather in a Redis set and one task, queued at most
once per ``COALESCE_SECONDS``, writes what has gathered, so a burst of saves costs a few
renders. ``send_task`` queues any task by name (services never import the tasks module,
which imports them) and waits for a replica to hold it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

import redis
from flask import current_app

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.redis_store import acknowledged

log = logging.getLogger(__name__)

PENDING_TTL = 60  # a lost task (broker restart) holds back new renders at most this long
# A render waits this long for the rest of a burst of saves. Visitors do not wait for it:
# the stale page's files are already gone, and the app serves the fresh page meanwhile.
COALESCE_SECONDS = 1.0
# A page the app served because its file was missing is queued once in this long, however
# many visitors ask for it before the file is there (a render that was lost: the next one).
MISSING_SECONDS = 30


def schedule_render(keys: Iterable[str]) -> None:
    """Have the worker write these pages' files, with whatever else gathers meanwhile."""
    keys = set(keys)
    if not keys:
        return
    client = redis_store.client
    try:
        client.sadd(redis_keys.page_renders("pending"), *keys)
        if not client.set(redis_keys.page_renders("queued"), "1", nx=True, ex=PENDING_TTL):
            return  # a queued task has not started yet: it will render these too
    except redis.RedisError:
        log.warning("freshness: no pending set (Redis down); the pages render on demand",
                    exc_info=True)
        return
    send_task("storefront.tasks.render_pages", countdown=COALESCE_SECONDS)


def render_missing(key: str) -> None:
    """The app served the page at ``key`` because its file is missing (a new SKU, a lost
    file, rows written past the admin): the worker writes it, so the next visitor gets the
    file. Queued by the first of the visitors who find it missing, with the rest of the
    render queue; the others only wait for it."""
    try:
        first = redis_store.client.set(redis_keys.page_renders(f"missing:{key}"), "1", nx=True,
                                       ex=MISSING_SECONDS)
    except redis.RedisError:
        return  # the sweep writes it
    if first:
        schedule_render([key])


def schedule_warm() -> None:
    send_task("storefront.tasks.warm_pages")


def take_pending(task_id: str) -> list[str]:
    """For the render task, before it reads: the keys gathered so far, held under the task's
    id until ``done`` (a worker killed mid-render leaves them there for the same task, run
    again). Edits from now on queue a task of their own."""
    client = redis_store.client
    held = redis_keys.page_renders(f"rendering:{task_id}")
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(redis_keys.page_renders("queued"))
        pipe.sunionstore(held, [redis_keys.page_renders("pending"), held])
        pipe.delete(redis_keys.page_renders("pending"))
        pipe.expire(held, 24 * 3600)
        pipe.smembers(held)
        keys = pipe.execute()[-1]
    return sorted(keys)


def done(task_id: str) -> None:
    redis_store.client.delete(redis_keys.page_renders(f"rendering:{task_id}"))


def send_task(task: str, **options: object) -> None:
    """Queue a task by name: services never import the tasks module (it imports them)."""
    try:
        current_app.extensions["celery"].tasks[task].apply_async(**options)
    except Exception:  # the broker is down: the pages render on demand meanwhile
        log.error("freshness: could not queue %s", task, exc_info=True)
        with contextlib.suppress(redis.RedisError):
            redis_store.client.delete(redis_keys.page_renders("queued"))
        return
    # The broker is this Redis (through Sentinel): once a replica holds the message, a
    # failover keeps the queued task. A no-op on one Redis (REDIS_WAIT_REPLICAS 0).
    with contextlib.suppress(redis.RedisError):
        if not acknowledged(redis_store.client):
            log.warning("freshness: no replica acknowledged the queued %s", task)
