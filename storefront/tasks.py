"""Celery tasks: they write the catalogue pages to disk. Each is idempotent: running one
twice, or after a crash, does no harm. Tasks call services, never the other way round."""

from __future__ import annotations

import logging
import time
from smtplib import SMTPException

from celery import Task, shared_task
from flask import current_app
from redis import RedisError
from sqlalchemy.exc import SQLAlchemyError

from storefront.services import ladders
from storefront.services.accounts import reset
from storefront.services.cart import stock
from storefront.services.offers import schedule as boundaries
from storefront.services.orders import best_sellers, mail, slots
from storefront.services.pages import files as page_files
from storefront.services.pages import freshness, purge, renders
from storefront.services.pages import render as pages
from storefront.services.pages import sweep as page_sweep

log = logging.getLogger(__name__)

RETRY = dict(autoretry_for=(SQLAlchemyError, RedisError, OSError), retry_backoff=1,
             retry_backoff_max=30, retry_jitter=True, max_retries=10, acks_late=True,
             reject_on_worker_lost=True)


@shared_task(bind=True, **RETRY)
def render_pages(self: Task) -> int:
    """Write the files of the pages that edits made stale (gathered by freshness)."""
    keys = renders.take_pending(self.request.id)
    written = sum(pages.publish(key) for key in keys)
    renders.done(self.request.id)
    log.info("pages written: %d of %d stale", written, len(keys))
    return written


@shared_task(**RETRY)
def make_ladders(paths: list[str]) -> int:
    """The ladder of sizes of pictures staff saved, after their commit (services.ladders)."""
    return ladders.build(paths)


@shared_task(**RETRY)
def pages_stale() -> None:
    """Broadcast to every node's listener after a save (PAGES_BROADCAST_QUEUE): this node's
    files of the pages logged stale go, and its worker writes them again."""
    freshness.catch_up()


@shared_task(**RETRY)
def render_index() -> str:
    """Write the static homepage from the database as it is now."""
    pages.publish(pages.HOME)
    return str(page_files.path_of(pages.HOME))


@shared_task(**RETRY)
def warm_pages() -> int:
    """After a full clear: every catalogue page, at most PAGE_WARM_PER_SECOND a second, so
    the first visitors find files and the database is not swamped; then the sweep's note
    that every file is fresh as of the start (services/pages/sweep.py)."""
    started = time.time()
    written = _publish_paced(list(pages.catalogue_keys()), "warm")
    page_sweep.settled(started)
    return written


@shared_task(**RETRY)
def sweep_pages() -> int:
    """The safety net (beat): the pages that may be stale, found without rendering the rest
    (services/pages/sweep.py: a missing file, a row changed after the file's stamp, Redis
    having lost its state), written again; the index the headers count carts by, built again
    when missing or about to expire (services/cart/stock.py). On a node of several: first
    the catch-up, in case a save's broadcast never came (the purge targets' sweep)."""
    # before beat's next sweep could: the index never expires in the steady state
    stock.rebuild_expiring(2.5 * current_app.config["INDEX_SAFETY_NET_SECONDS"])
    boundaries.expire_due()  # the worker's own guard does it too; this is the safety net
    purge.sweep()
    return page_sweep.run(lambda keys: _publish_paced(keys, "sweep"))


@shared_task(**RETRY)
def rebuild_stock() -> None:
    """After catalogue commits: the index headers count carts by, from one query (a build
    that read before a later commit is thrown away: services/cart/stock.py). Queued only when
    none waits to start (renders.STOCK): a commit from now on queues another."""
    renders.started(renders.STOCK)
    stock.rebuild()


@shared_task(bind=True, **RETRY)
def update_search(self: Task, sku_ids: list[int] | None = None,
                  goods_ids: list[int] | None = None, category_ids: list[int] | None = None,
                  everything: bool = False) -> None:
    """After commits: this node's search index, for the rows they changed, gathered in Redis
    (renders.SEARCH), or those given when Redis was down (the write waits up to
    search_index.WRITER_WAIT for a rebuild holding the lock)."""
    if sku_ids is None:
        freshness.update_items(set(renders.take(renders.SEARCH, self.request.id)))
        renders.finish(renders.SEARCH, self.request.id)
    else:
        freshness.update_search(set(sku_ids), set(goods_ids or ()), set(category_ids or ()),
                                everything)


@shared_task(**RETRY)
def purge_cdn(surrogate_keys: list[str]) -> None:
    """Ask the CDN in front (PAGES_CDN_PURGE_URL) to drop what carries these surrogate keys."""
    purge.send_cdn_purge(surrogate_keys)


# Mails: a retry may send one twice, which beats losing it
MAIL_RETRY = dict(autoretry_for=(OSError, SMTPException), retry_backoff=2,
                  retry_backoff_max=300, retry_jitter=True, max_retries=12, acks_late=True,
                  reject_on_worker_lost=True)


@shared_task(**MAIL_RETRY)
def send_order_mail(order_id: int, event: str) -> bool:
    """An order's mail, after its commit."""
    return mail.send(order_id, event)


@shared_task(**MAIL_RETRY)
def send_password_reset(email: str) -> bool:
    """A forgotten-password link to the account of ``email``, if it has one (the request
    does not know: accounts/reset.py)."""
    return reset.send_link(email)


@shared_task(**RETRY)
def generate_slots() -> int:
    """Beat: delivery slots SLOT_DAYS_AHEAD days ahead (idempotent)."""
    return slots.generate(int(current_app.config["SLOT_DAYS_AHEAD"]))


@shared_task(**RETRY)
def refresh_best_sellers() -> None:
    """Beat: the pages ordered by sales, made fresh on a schedule, not by every sale."""
    best_sellers.refresh(float(current_app.config["BEST_SELLERS_SECONDS"]))


def _publish_paced(keys: list[str], why: str) -> int:
    # inline (the embedded defaults, tests) nobody else waits for the database: no pacing
    inline = current_app.config["CELERY_TASK_ALWAYS_EAGER"]
    interval = 0.0 if inline else 1.0 / current_app.config["PAGE_WARM_PER_SECOND"]
    written, started = 0, time.monotonic()
    for n, key in enumerate(keys):
        written += pages.publish(key)
        pause = started + (n + 1) * interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    log.info("pages written (%s): %d of %d", why, written, len(keys))
    return written
