"""The safety net's look at the page files (beat's ``sweep_pages``): which may be stale,
found without rendering the rest, so an unchanged catalogue costs a directory listing and a
few indexed queries a minute, not a render per page (issue 22, item 6).

Every page file carries a stamp: its mtime is the moment its render began to read the rows
(``page_files.write``). A page is due when
- it has no file (its render was lost with the broker or the worker), or a file of a page
  that no longer exists is left (a SKU taken off sale by a statement: ``publish`` removes it);
- a row it shows has an ``updated_at`` within ``CHANGED_SLACK_SECONDS`` of its stamp or
  after it: the row changed after the page read it, and the commit's own removal may have
  died with its process. ``updated_at`` is set by SQLAlchemy at the flush, in SQL
  statements the session does not see too (``onupdate``); rows are looked for back to the
  last sweep less ``PAGE_MAX_AGE_SECONDS``, so a transaction may run that long between its
  flush and its commit and still be caught. The pages a row is on are found by its tags
  (``tags.of_edit``) in the page cache's tag sets, which a commit whose after-commit work
  died never deleted;
- Redis lost its state (restarted empty, or from an older snapshot): the token this node's
  last sweep left in Redis is not the one noted beside the files (``.sweep``), so the tag
  sets cannot be trusted, and every page is due (paced, as warming is).
A warm (``warm_pages``), which writes every page, notes the token too.

Not caught: a banner or a review deleted by a statement, which leaves no row to see (an
edit of the same kind, or the next warm, writes those pages again).
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import select

from storefront import redis_keys
from storefront.extensions import db, redis_store
from storefront.models import GoodsSKU
from storefront.models.offers import Offer
from storefront.services.pages import files as page_files
from storefront.services.pages import render as pages
from storefront.services.pages import tags
from storefront.services.pages.keys import PageKey

log = logging.getLogger(__name__)

# updated_at is to the second on MariaDB (DATETIME truncates) and set at the flush, a moment
# before the commit: a page read less than this after a row's updated_at may not show the
# change. An edit's own render starts COALESCE_SECONDS (1 s) after its commit, so it is past
# this and the sweep does not write that page a second time.
CHANGED_SLACK_SECONDS = 1.0
LOCK_SECONDS = 120  # a sweep's look at the files, and the margin over its writing
# the tables whose rows' updated_at the sweep reads: what the pages show, and the offers
WATCHED = (*tags.SHOWN_MODELS, Offer)


def due() -> tuple[list[str], float]:
    """What this node's sweep must write now (the homepage first), and when it looked: pass
    that to ``settled`` once they are written."""
    started = time.time()
    note, token = _note(), redis_store.client.get(_token_key())
    wanted = set(pages.catalogue_keys())
    present = {k for k in page_files.on_disk() if k in wanted or _is_key(k)}
    if note is None or token is None or note.get("token") != token:
        log.warning("sweep: Redis lost its state (or no sweep on record): every page is due")
        keys = wanted | present
    else:
        gone = present - wanted
        keys = (wanted - present) | gone | _changed(present, note["checked"])
        if _category_gone(gone, wanted):
            keys = wanted | present
    return sorted(keys, key=lambda k: (k != pages.HOME, k)), started


def run(publish: Callable[[list[str]], int]) -> int:
    """One sweep of this node: ``publish`` writes the pages due (paced); how many it wrote.
    Alone: a sweep of every page outlasts beat's period, and a second one would start it all
    over; the lock is held as long as the pages due take at PAGE_WARM_PER_SECOND, so a
    worker that died mid-sweep holds back the next one no longer than that."""
    lock = redis_store.client.lock(_token_key() + ":lock", timeout=LOCK_SECONDS,
                                   blocking=False)
    if not lock.acquire():
        return 0  # this node's sweep is still writing
    try:
        keys, started = due()
        rate = current_app.config["PAGE_WARM_PER_SECOND"]
        lock.extend(LOCK_SECONDS + len(keys) / rate, replace_ttl=True)
        written = publish(keys)
        settled(started)
        return written
    finally:
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()


def settled(started: float) -> None:
    """Every page file is as fresh as the rows were at ``started`` (a sweep or a warm is
    through): a new token in Redis and beside the files."""
    token = secrets.token_hex(8)
    redis_store.client.set(_token_key(), token)
    page_files.folder().mkdir(parents=True, exist_ok=True)
    page_files.write_atomically(page_files.folder() / ".sweep", json.dumps(
        {"token": token, "checked": started}).encode())


def _changed(present: set[str], checked: float) -> set[str]:
    """Pages with a file older than a change of a row they show since ``checked`` less
    PAGE_MAX_AGE_SECONDS."""
    since = checked - current_app.config["PAGE_MAX_AGE_SECONDS"]
    newest: dict[str, float] = {}
    for stamp, row_tags in _changed_rows(datetime.fromtimestamp(since, UTC).replace(tzinfo=None)):
        for key in _carrying(row_tags, present):
            newest[key] = max(newest.get(key, 0.0), stamp)
    due = set()
    for key, changed_at in newest.items():
        read_at = page_files.stamp(key)
        if read_at is not None and read_at < changed_at + CHANGED_SLACK_SECONDS:
            due.add(key)
    return due


def _changed_rows(since: datetime) -> Iterable[tuple[float, set[str]]]:
    """(when, tags) of each row changed since ``since``: one indexed query per table."""
    for model in tags.SHOWN_MODELS:
        for row in db.session.scalars(select(model).where(model.updated_at >= since)):
            yield _epoch(row.updated_at), tags.of_edit(row)
    for offer in db.session.scalars(select(Offer).where(Offer.updated_at >= since)):
        yield _epoch(offer.updated_at), _offer_tags(offer)


def _offer_tags(offer: Offer) -> set[str]:
    """The pages of every SKU the offer covers (as ``offers.manage.record`` names them)."""
    found = {tags.HOME} if offer.promotion_id else set()
    covered = db.session.execute(select(GoodsSKU.id, GoodsSKU.category_id, GoodsSKU.goods_id)
                                 .where(GoodsSKU.id.in_([s.id for s in offer.skus])
                                        | (GoodsSKU.goods_id == offer.goods_id)
                                        | (GoodsSKU.category_id == offer.category_id)))
    for sku_id, category_id, goods_id in covered:
        found |= {tags.sku(sku_id), tags.category_skus(category_id), tags.goods_skus(goods_id)}
    return found


def _carrying(row_tags: set[str], present: set[str]) -> set[str]:
    """The pages with a file that carry one of ``row_tags`` (the page cache's tag sets)."""
    if tags.ALL in row_tags or tags.NAV in row_tags:
        return set(present)
    sets = [redis_keys.page_cache(f"tag:{t}") for t in row_tags]
    found = set(redis_store.client.sunion(sets)) if sets else set()
    if tags.HOME in row_tags:
        found.add(pages.HOME)
    return found & present


def _category_gone(gone: set[str], wanted: set[str]) -> bool:
    """A list page left of a category that no longer exists: the nav on every page showed
    it (a category deleted by a statement)."""
    listed = {PageKey.parse(k).id for k in wanted if k.startswith("list:")}
    return any(PageKey.parse(k).id not in listed for k in gone if k.startswith("list:"))


def _is_key(key: str) -> bool:
    try:
        PageKey.parse(key)
    except ValueError:
        return False
    return True


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def _token_key() -> str:
    return redis_keys.page_cache(f"sweep:{current_app.config['NODE_NAME']}")


def _note() -> dict | None:
    try:
        note = json.loads((page_files.folder() / ".sweep").read_text())
        return note if isinstance(note.get("checked"), float) else None
    except (OSError, ValueError, AttributeError):
        return None
