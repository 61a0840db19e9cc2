"""No page file outlives a price boundary: the guard beside the files.

Every page knows when its prices next change (``Entry.fresh_until``: an offer touching a SKU
it shows starts or ends). Cached entries check it on every read (``pages.cache``). Files are
sent by nginx without asking anybody, so when the worker writes one with a boundary it also
leaves a marker on the same disk: ``STATIC_PAGES_DIR/.boundaries/<epoch ms>/<page key>``.
``expire_due`` removes the files of every page whose boundary has passed (nginx then asks the
app, which renders at the new price) and tells the purge targets (``pages.purge.boundary``:
this node's worker writes them again; a CDN in front is purged by surrogate key).

Who runs it, so a boundary is kept whoever is down:
- a thread in the Celery worker (``start_guard``, at worker_ready) and in every gunicorn
  worker (deploy/gunicorn.conf.py), every ``GUARD_SECONDS``: the worker alone covers the
  files, gunicorn alone too;
- a worker that was down across a boundary runs it as it starts, before any task;
- beat's sweep runs it too.
The markers are on the node's own disk, beside its own files: no Redis is needed to keep a
boundary (a boundary that passes while Redis is down still removes the files; their renders
wait for Redis, and the app serves the pages meanwhile from the database).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from storefront.services import loops
from storefront.services.offers import markers
from storefront.services.pages import files as page_files
from storefront.services.pages import freshness, purge

log = logging.getLogger(__name__)

GUARD_SECONDS = 0.2  # how late a file can be removed after its boundary, at most


def expire_due(now: float | None = None) -> set[str]:
    """Remove the files of every page whose boundary has passed and tell the purge targets
    (their renders, a CDN); index again the SKUs whose search price changed. Returns the
    page keys."""
    keys: set[str] = set()
    for due in markers.take_due(time.time() if now is None else now):
        skus = {int(n.removeprefix(markers.SEARCH_PRICE)) for n in due
                if n.startswith(markers.SEARCH_PRICE)}
        pages = due - {f"{markers.SEARCH_PRICE}{i}" for i in skus}
        page_files.remove(pages)  # before the marker goes: a crash here leaves it for later
        if skus:
            freshness.update_search(skus, set(), set())
        keys |= pages
    if keys:
        log.info("price boundary passed: %d page files removed", len(keys))
        purge.boundary(keys)
    return keys


guard = markers.guard
next_boundary = markers.next_boundary


def start_guard(app: Flask) -> threading.Thread:
    """The loop that keeps the boundaries in this process (see the module's docstring)."""
    return loops.every(app, GUARD_SECONDS, expire_due, "price-boundaries",
                       "price boundaries: could not expire page files")
