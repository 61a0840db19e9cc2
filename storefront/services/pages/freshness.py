"""From "staff edited something" to "every page shows it": after the commit, and only then.

Edits are noticed at each flush by one collector (``_collect``), whoever makes them: the
admin, the CLI, the worker, a test. It notes on the session the tags of every row the flush
added, changed or deleted (``tags.of_flushed``), the SKUs deleted, the rows search shows, and
the SKUs whose price alone changed (``moves``: the price-sorted pages they crossed are
counted after the commit); rows written by SQL statements, which the session does not see
(an order's stock updates), are noted with ``record_tags``. Nothing happens yet: before the
commit the worker would still read the old rows. The ``after_commit`` listener then acts, in
this order:
1. the cached pages carrying those tags are dropped (``page_cache.invalidate``);
2. their files go, so nginx asks the app, which renders them from the committed rows: the
   page is fresh from this moment on;
3. the purge targets chosen at start (``services/pages/purge.py``: this node's worker, the
   other nodes, a CDN) hear of it once, with the search rows the commit changed.
``after_rollback`` forgets the record. If Redis cannot say which pages carry the tags, every
page file goes: slower pages for a while, never stale ones. SKUs deleted in the transaction
leave shoppers' carts and histories after the commit too; the index of what can be bought
(``stock``) is dropped and built again by the worker, which updates the search index too
(``search_index.update``). Renders, search updates and stock builds coalesce (``renders``):
one task of each waits to start, however many commits.

Several web nodes (``PAGES_BROADCAST_QUEUE`` set, deploy/cluster.py; purge's ``cluster``
target): each node has page files of its own, so steps 2 and 3 happen on every node. The
cached pages are shared (Redis); a Celery broadcast queue (``pages_stale``) wakes every
node's listener, which removes its own files and queues its own renders (``catch_up``: a
pending set per ``NODE_NAME``, a task on the node's own queue). A broadcast reaches only the
nodes listening at that moment, so it carries nothing: the keys are in a log in Redis.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

import redis
from flask import current_app
from kombu import Exchange
from sqlalchemy import event
from sqlalchemy.orm import Session

from storefront import redis_keys
from storefront.extensions import redis_store
from storefront.models import Goods, GoodsCategory, GoodsSKU
from storefront.redis_store import acknowledged
from storefront.services.cart import shopper, stock
from storefront.services.pages import cache as page_cache
from storefront.services.pages import files as page_files
from storefront.services.pages import moves, renders, search_rows, tags
from storefront.services.pages.keys import PageKey
from storefront.services.search import index as search_index

log = logging.getLogger(__name__)

# what a transaction's flushes noted on its session, for its commit
RECORD, DELETED_SKUS = "storefront_stale_tags", "storefront_deleted_skus"
SEARCH_ROWS, PRICE_MOVES = "storefront_search_rows", "storefront_price_moves"


def record_tags(session: Session, stale: Iterable[str], search_skus: Iterable[int] = ()) -> None:
    """What rows written by SQL statements make stale (an order's conditional stock
    updates, an offer's SKUs): the collector below sees only the rows the session flushes."""
    session.info.setdefault(RECORD, set()).update(stale)
    if search_skus:
        session.info.setdefault(SEARCH_ROWS, (set(), set(), set()))[0].update(search_skus)


def record_everything(session: Session) -> None:
    """For edits too broad to list (a bulk import): every page is stale."""
    session.info.setdefault(RECORD, set()).add(tags.ALL)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: object) -> None:
    """The one collector of what an edit makes stale: every row each flush added, changed or
    deleted, whoever wrote it (the admin, the CLI, the worker, a test), so nobody can forget
    to say. Run after the flush, while the session still shows what it flushed and each
    changed attribute's old value (a SKU that left a category names both lists), and new
    rows have their ids."""
    flushed = [*((o, "new") for o in session.new),
               *((o, "dirty") for o in session.dirty
                 if session.is_modified(o, include_collections=False)),
               *((o, "deleted") for o in session.deleted)]
    moved = moves.of_flush(flushed)
    if moved:  # a SKU repriced twice in the transaction: the price before the first stands
        session.info[PRICE_MOVES] = {**moved, **session.info.get(PRICE_MOVES, {})}
    stale: set[str] = set()
    for obj, kind in flushed:
        stale |= tags.of_flushed(obj, kind)
        if isinstance(obj, _SEARCHED):  # every row search results show
            session.info.setdefault(SEARCH_ROWS, (set(), set(), set()))[
                _SEARCHED.index(type(obj))].add(obj.id)
        if kind == "deleted" and isinstance(obj, GoodsSKU):  # its id is gone after the flush
            session.info.setdefault(DELETED_SKUS, set()).add(obj.id)
    if stale:
        session.info.setdefault(RECORD, set()).update(stale)


_SEARCHED = (GoodsSKU, Goods, GoodsCategory)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    deleted = session.info.pop(DELETED_SKUS, None)
    if deleted:
        shopper.forget_skus(deleted)
    stale = session.info.pop(RECORD, None)
    moved = session.info.pop(PRICE_MOVES, None)
    if moved:  # counted now, from the rows as committed (services/pages/moves.py)
        stale = (stale or set()) | moves.crossed(moved)
    if deleted or stale:
        # a SKU's stock or sale may have changed: the index headers count from goes now (no
        # header counts from a stale one); the worker builds it again (a full-table query)
        stock.forget()
    rows = session.info.pop(SEARCH_ROWS, None)
    everything = bool(stale and tags.ALL in stale)
    rows = rows or ((set(), set(), set()) if everything else None)
    # the other nodes' indexes hear of the rows in the same announcement as the pages
    searched = search_rows.items(rows, everything) if rows else set()
    if stale or searched:
        make_fresh(stale or set(), searched)  # first: the pages are what a shopper waits for
    if deleted or stale:  # one build waits to start, however many commits
        renders.queue_once(renders.STOCK)
    if searched:  # the worker writes the index: the write may wait WRITER_WAIT for its lock
        search_rows.schedule(searched)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    for noted in (RECORD, PRICE_MOVES, DELETED_SKUS, SEARCH_ROWS):
        session.info.pop(noted, None)


def update_items(found: set[str]) -> None:
    """``update_search`` for items as ``search_rows`` spells them."""
    update_search(*search_rows.rows_of(found), everything=search_rows.ALL in found)


def update_search(sku_ids: set[int], goods_ids: set[int], category_ids: set[int],
                  everything: bool = False) -> None:
    """The search index of this node, updated for what the commit changed. A failure leaves
    the index behind until the next edit of those rows or ``flask search-reindex``: it is
    logged loudly, and the commit stands."""
    try:
        if everything:
            search_index.reindex()
        else:
            search_index.update(sku_ids, goods_ids, category_ids)
    except Exception:
        log.error("search: index not updated for SKUs %s, products %s, categories %s",
                  sorted(sku_ids), sorted(goods_ids), sorted(category_ids), exc_info=True)


def make_fresh(stale: set[str], searched: set[str] = frozenset()) -> None:
    """Drop what carries ``stale`` tags, remove its files, and tell the purge targets, once,
    with the search rows ``searched`` too."""
    if not stale:
        _tell(set(), searched)
        return
    try:
        keys = page_cache.invalidate(stale)
    except redis.RedisError:
        log.error("freshness: Redis did not answer; removing every page file", exc_info=True)
        keys = None
    if keys is None:  # which pages carry the tags is not known: any of them may
        keys, stale = set(), {tags.ALL}
    everything = tags.ALL in stale or tags.NAV in stale
    files_here = True
    try:
        if everything:
            files_here = page_files.remove_all()
        else:
            page_files.remove(keys)
    except OSError:
        log.error("freshness: could not remove the files of %s", sorted(keys), exc_info=True)
    keys = keys | {str(PageKey.home())} if tags.HOME in stale else keys
    _tell(None if everything else keys, searched, files_here)


def _tell(pages: set[str] | None, searched: set[str], files_here: bool = True) -> None:
    """Each purge target chosen at start (purge.init_app; imported there, not here: purge's
    targets call this module). ``files_here``: whether this node had page files to lose."""
    for target in current_app.extensions["page_purge"]:
        target.purge(pages, searched, files_here=files_here)


# Several nodes. The stale keys go into a log in Redis (a sorted set scored by Redis's
# clock), and a broadcast wakes every node's listener, which reads the log since its last
# read. The listener also reads the log every PAGES_POLL_SECONDS by itself (a version check):
# a broadcast a node missed (it was down; kombu lost its subscription in a failover) costs
# at most that long. The catch-up before a node serves again reads it too. Each read starts
# OVERLAP_SECONDS early, so a change logged just after the last read is not skipped; what
# the last read already saw there is noted, so it is not removed twice.
LOG_SECONDS = 24 * 3600  # a node away longer than this starts from no files at all
OVERLAP_SECONDS = 2.0
EVERYTHING = "*"


def announce(keys: set[str] | None) -> None:
    """Log the stale pages (None: every page) for every node, then wake the nodes."""
    if keys is not None and not keys:
        return  # no page carried those tags
    client = redis_store.client
    try:
        now = _redis_now(client)
        with client.pipeline(transaction=False) as pipe:
            pipe.zadd(redis_keys.page_changes(), {f"{now}|{k}": now
                                           for k in (keys if keys is not None else [EVERYTHING])})
            pipe.zremrangebyscore(redis_keys.page_changes(), "-inf", now - LOG_SECONDS)
            pipe.execute()
        if not acknowledged(client):  # the nodes may miss it after a failover (the sweep)
            log.warning("freshness: no replica acknowledged the log of stale pages")
    except redis.RedisError:  # the broker is on that Redis too: the sweep catches up
        log.error("freshness: could not log the stale pages for the nodes", exc_info=True)
        return
    broadcast = current_app.config["PAGES_BROADCAST_QUEUE"]
    # Celery does not declare a Broadcast queue's exchange when it sends, and kombu over
    # Redis takes an exchange this process never declared for a direct one: the message
    # would reach no queue. Declared here, it goes out as a PUBLISH to every node.
    renders.send_task("storefront.tasks.pages_stale", declare=[Exchange(broadcast, type="fanout")])


def catch_up(before_serving: bool = False) -> bool:
    """On this node: remove the files of the pages logged stale since its last read (all of
    them when it has no read on record, or one older than the log), and have its worker
    write them again. True if any went. Redis down: the next read makes up for this one,
    but a node about to serve cannot know what it missed, so all its files go (the app
    serves them meanwhile, and the sweep writes them again)."""
    try:
        client = redis_store.client
        now, (since, seen) = _redis_now(client), _last_read()
        if since is None or since < now - LOG_SECONDS:
            logged, keys = [], {EVERYTHING}
        else:
            logged = client.zrangebyscore(redis_keys.page_changes(), since - OVERLAP_SECONDS,
                                          "+inf")
            keys = {item.split("|", 1)[1] for item in logged if item not in seen}
    except redis.RedisError:
        log.error("freshness: no change log (Redis down)", exc_info=True)
        if before_serving:
            page_files.remove_all()
        return before_serving
    searched = {k for k in keys if k.startswith(search_rows.PREFIX)}
    keys -= searched
    if EVERYTHING in keys:  # the node starts afresh: its search index too
        searched = {search_rows.ALL}
        page_files.remove_all()
        renders.schedule_warm()
    elif keys:
        page_files.remove(keys)
        renders.schedule_render(keys)
    if searched:  # here, in the listener: the worker may be busy with a warm for minutes
        update_items(searched)
    # what the next read's overlap will show again, so that it is not removed twice
    _note_read(now, [item for item in logged if float(item.split("|", 1)[0])
                     >= now - OVERLAP_SECONDS])
    return bool(keys or searched)


def _redis_now(client: redis.Redis) -> float:
    """Redis's clock: one clock for every node's reads and writes of the log."""
    seconds, micros = client.time()
    return round(seconds + micros / 1e6, 6)


def _read_path() -> Path:
    return page_files.folder() / ".changes-read"


def _last_read() -> tuple[float | None, set[str]]:
    try:
        note = json.loads(_read_path().read_text())
        return float(note["read"]), set(note["seen"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, set()


def _note_read(now: float, seen: list[str]) -> None:
    page_files.folder().mkdir(parents=True, exist_ok=True)
    page_files.write_atomically(_read_path(), json.dumps({"read": now, "seen": seen}).encode())
