"""No page file outlives a price boundary: the guard beside the files.

Every page knows when its prices next change (``Entry.fresh_until``: an offer touching a SKU
it shows starts or ends). Cached entries check it on every read (``pages.cache``). Files are
sent by nginx without asking anybody, so when the worker writes one with a boundary it also
leaves a marker on the same disk: ``STATIC_PAGES_DIR/.boundaries/<epoch ms>/<page key>``.
``expire_due`` removes the files of every page whose boundary has passed (nginx then asks the
app, which renders at the new price) and queues their renders.

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
import os
import shutil
import threading
import time
from pathlib import Path

from flask import Flask

from storefront.services.pages import files as page_files
from storefront.services.pages import freshness
from storefront.services.pages.cache import Entry

log = logging.getLogger(__name__)

GUARD_SECONDS = 0.2  # how late a file can be removed after its boundary, at most
FOLDER = ".boundaries"


def _root() -> Path:
    return page_files.folder() / FOLDER


def guard(entry: Entry) -> None:
    """Note that ``entry``'s files must go at its boundary (none: nothing to do)."""
    if entry.fresh_until is None:
        return
    slot = _root() / str(int(entry.fresh_until * 1000))
    slot.mkdir(parents=True, exist_ok=True)
    (slot / entry.key).touch()


def next_boundary() -> float | None:
    """The earliest boundary still guarded (epoch seconds), or None."""
    try:
        names = [int(p.name) for p in _root().iterdir() if p.name.isdigit()]
    except FileNotFoundError:
        return None
    return min(names) / 1000 if names else None


def expire_due(now: float | None = None) -> set[str]:
    """Remove the files of every page whose boundary has passed; queue their renders."""
    now = time.time() if now is None else now
    try:
        slots = [p for p in _root().iterdir() if p.name.isdigit() and int(p.name) <= now * 1000]
    except FileNotFoundError:
        return set()
    keys: set[str] = set()
    for slot in sorted(slots, key=lambda p: int(p.name)):
        # renamed away first: a marker added to the slot after this read is not lost with it
        taken = slot.with_name(f".{slot.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            os.replace(slot, taken)
        except FileNotFoundError:  # another process took it
            continue
        due = {p.name for p in taken.iterdir()}
        page_files.remove(due)  # before the marker goes: a crash here leaves it for later
        shutil.rmtree(taken, ignore_errors=True)
        keys |= due
    if keys:
        log.info("price boundary passed: %d page files removed", len(keys))
        freshness.schedule_render(keys)
    return keys


def start_guard(app: Flask) -> threading.Thread:
    """The loop that keeps the boundaries in this process (see the module's docstring)."""
    def loop() -> None:
        while True:
            with app.app_context():
                try:
                    expire_due()
                except Exception:  # the next round tries again
                    log.warning("price boundaries: could not expire page files", exc_info=True)
            time.sleep(GUARD_SECONDS)

    thread = threading.Thread(target=loop, name="price-boundaries", daemon=True)
    thread.start()
    return thread
