"""From "staff edited something" to "every page shows it", after the commit and only then.

Edits are recorded on the SQLAlchemy session (``record_edit``) by whoever makes them: the
admin's ``on_model_change`` / ``on_model_delete`` hooks, its bulk actions, the CLI. Those
run before the commit, when the worker would still read the old rows, so nothing happens
yet. One ``after_commit`` listener then clears the stale cache entries and schedules the
static homepage's render; ``after_rollback`` forgets the record. SKUs deleted in the
transaction (noticed at each flush, whoever deleted them) leave shoppers' carts and
histories after the commit too.

Renders coalesce: a "pending" flag in Redis means a render is queued and has not started
reading the database, so it will see this commit too and nothing more is queued. The task
clears the flag before it reads, so an edit committed during a render queues the next one.
"""

from __future__ import annotations

import logging

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from storefront import page_cache
from storefront.extensions import redis_store
from storefront.models import GoodsSKU
from storefront.page_cache import Stale
from storefront.services import shopper

log = logging.getLogger(__name__)

RECORD = "storefront_stale"
DELETED_SKUS = "storefront_deleted_skus"
PENDING_TTL = 60  # a lost task (broker restart) blocks new renders at most this long
COALESCE_SECONDS = 0.2  # a render waits this long for the rest of a burst of saves


def record_edit(session: Session, obj: object) -> None:
    """Note what an add, change or delete of ``obj`` makes stale, for after the commit."""
    stale = session.info.setdefault(RECORD, Stale())
    # Twice: before the flush, while the old values (a category the SKU left) are still in
    # its history and the database; after it, when a new object has its id.
    with session.no_autoflush:
        stale |= page_cache.stale_after_edit(session, obj)  # in place: the session keeps it
    session.flush()
    stale |= page_cache.stale_after_edit(session, obj)


def record_everything(session: Session) -> None:
    """For edits too broad to list (a bulk import): every cached page is stale."""
    stale = session.info.setdefault(RECORD, Stale())
    stale |= Stale(render_index=True, everything=True)


@event.listens_for(Session, "after_flush")
def _note_deleted_skus(session: Session, flush_context: object) -> None:
    # session.deleted still lists what this flush deleted; their ids are gone after it
    ids = {obj.id for obj in session.deleted if isinstance(obj, GoodsSKU)}
    if ids:
        session.info.setdefault(DELETED_SKUS, set()).update(ids)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    deleted = session.info.pop(DELETED_SKUS, None)
    if deleted:
        shopper.forget_skus(deleted)
    stale = session.info.pop(RECORD, None)
    if stale is None:
        return
    try:
        if stale.everything:
            page_cache.clear()
        else:
            page_cache.delete(stale.keys)
    except Exception:  # the entries expire within the hour; the page must not fail
        log.error("freshness: could not clear %s", sorted(stale.keys), exc_info=True)
    if stale.render_index:
        schedule_index_render()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(RECORD, None)
    session.info.pop(DELETED_SKUS, None)


def pending_key() -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}render_index_pending"


def schedule_index_render() -> None:
    """Queue a render of the static homepage unless one is queued and not yet reading."""
    from storefront.tasks import render_index

    try:
        if not redis_store.client.set(pending_key(), "1", nx=True, ex=PENDING_TTL):
            return
    except redis.RedisError:
        log.warning("freshness: no pending flag (Redis down); queueing anyway", exc_info=True)
    try:
        render_index.apply_async(countdown=COALESCE_SECONDS)
    except Exception:
        log.error("freshness: could not queue the homepage render", exc_info=True)
        _clear_pending()


def started_render() -> None:
    """Called by the task before it reads: edits from now on need a render of their own."""
    _clear_pending()


def _clear_pending() -> None:
    try:
        redis_store.client.delete(pending_key())
    except redis.RedisError:
        log.warning("freshness: pending flag not cleared", exc_info=True)
