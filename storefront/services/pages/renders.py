"""The worker's queues that coalesce: what to do gathers in Redis (stale pages, this node's
search rows; the stock index is a flag alone) and one task does what has gathered. A task is
queued only when none is waiting to start, so a burst of saves, or a worker that is behind,
costs a few renders, a few search updates and a few stock builds, not one of each a save.
Renders wait ``COALESCE_SECONDS`` for the rest of a burst; the search update and the stock
build start at once (search finds an edit within a second; a header that finds the stock
index dropped builds it itself meanwhile, 0.2-0.6 s at 30,000 SKUs).
``send_task`` queues any task by name (services never import the tasks module, which
imports them) and waits for a replica to hold it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from flask import current_app

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.redis_store import acknowledged

log = logging.getLogger(__name__)

PENDING_TTL = 60  # a lost task (broker restart) holds back its queue at most this long
# A render waits this long for the rest of a burst of saves. Visitors do not wait for it:
# the stale page's files are already gone, and the app serves the fresh page meanwhile.
COALESCE_SECONDS = 1.0
# A page the app served because its file was missing is queued once in this long, however
# many visitors ask for it before the file is there (a render that was lost: the next one).
MISSING_SECONDS = 30


@dataclass(frozen=True)
class Queue:
    """A coalescing queue of this node's worker: its task, and the names of its keys under
    ``redis_keys.page_renders`` (the items gathered, the flag set while a task is queued and
    not started, the items a running task holds: ``<held>:<task id>``), and how long its
    task waits for more."""

    task: str
    pending: str
    queued: str
    held: str
    countdown: float = 0.0


RENDERS = Queue("storefront.tasks.render_pages", "pending", "queued", "rendering",
                COALESCE_SECONDS)
# this node's search index (each node keeps its own): items are ``search_rows.items``
SEARCH = Queue("storefront.tasks.update_search", "search:pending", "search:queued",
               "search:updating")
# the stock index is shared, but each node's commits queue a build on its own worker, so one
# worker that is down holds back no other node's builds
STOCK = Queue("storefront.tasks.rebuild_stock", "", "stock:queued", "")


def schedule_render(keys: Iterable[str]) -> None:
    """Have the worker write these pages' files, with whatever else gathers meanwhile
    (Redis down: the pages render on demand until the sweep writes them)."""
    gather(RENDERS, keys)


def gather(queue: Queue, items: Iterable[str]) -> bool:
    """Add ``items`` to this node's ``queue`` and queue its task unless one is queued that
    has not started yet (it takes them too). False if Redis did not answer."""
    items = set(items)
    if not items:
        return True
    client = redis_store.client
    try:
        client.sadd(redis_keys.page_renders(queue.pending), *items)
        if not client.set(redis_keys.page_renders(queue.queued), "1", nx=True,
                          ex=PENDING_TTL):
            return True  # a queued task has not started yet: it will take these too
    except redis.RedisError:
        log.warning("freshness: %s not gathered (Redis down)", queue.task, exc_info=True)
        return False
    send_task(queue.task, flag=queue.queued, countdown=queue.countdown)
    return True


def queue_once(queue: Queue) -> None:
    """Queue ``queue``'s task (which takes no items) unless one is queued that has not
    started yet. Redis down: queued all the same, as every call did before coalescing."""
    try:
        if not redis_store.client.set(redis_keys.page_renders(queue.queued), "1", nx=True,
                                      ex=PENDING_TTL):
            return
    except redis.RedisError:
        log.warning("freshness: no flag for %s (Redis down); queued", queue.task,
                    exc_info=True)
        send_task(queue.task)
        return
    send_task(queue.task, flag=queue.queued, countdown=queue.countdown)


def started(queue: Queue) -> None:
    """For a task of ``queue`` without items, as it starts: edits from now on queue another
    (this run may have read the rows before them)."""
    redis_store.client.delete(redis_keys.page_renders(queue.queued))


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
    return take(RENDERS, task_id)


def done(task_id: str) -> None:
    finish(RENDERS, task_id)


def take(queue: Queue, task_id: str) -> list[str]:
    """For ``queue``'s task, before it reads: the items gathered so far, held under the
    task's id until ``finish`` (a worker killed mid-way leaves them there for the same task,
    run again). Edits from now on queue a task of their own."""
    client = redis_store.client
    held = redis_keys.page_renders(f"{queue.held}:{task_id}")
    pending = redis_keys.page_renders(queue.pending)
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(redis_keys.page_renders(queue.queued))
        pipe.sunionstore(held, [pending, held])
        pipe.delete(pending)
        pipe.expire(held, 24 * 3600)
        pipe.smembers(held)
        items = pipe.execute()[-1]
    return sorted(items)


def finish(queue: Queue, task_id: str) -> None:
    redis_store.client.delete(redis_keys.page_renders(f"{queue.held}:{task_id}"))


def send_task(task: str, flag: str | None = None, **options: object) -> None:
    """Queue a task by name: services never import the tasks module (it imports them).
    ``flag``: the queue's "queued" flag, cleared if the task could not be queued, so the
    next edit tries again."""
    try:
        current_app.extensions["celery"].tasks[task].apply_async(**options)
    except Exception:  # the broker is down: the pages render on demand meanwhile
        log.error("freshness: could not queue %s", task, exc_info=True)
        if flag:
            with contextlib.suppress(redis.RedisError):
                redis_store.client.delete(redis_keys.page_renders(flag))
        return
    # The broker is this Redis (through Sentinel): once a replica holds the message, a
    # failover keeps the queued task. A no-op on one Redis (REDIS_WAIT_REPLICAS 0).
    with contextlib.suppress(redis.RedisError):
        if not acknowledged(redis_store.client):
            log.warning("freshness: no replica acknowledged the queued %s", task)
